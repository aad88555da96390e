#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Hammer one netconsole target's configfs attributes from several processes at once.

Used by tests/guest/configfs_concurrent.sh (see there for what is checked). One Python start,
then one forked process per writer, reader and message writer (every exec is slow under TCG).

  concurrent_writers.py --target DIR --recv FILE --seconds S --impl c|rust
                        --srcif IF --srcip IP --srcmac MAC --dstip IP --dstmac MAC

Prints one "# ..." line per finding and exits 1 if a check failed.
"""

import argparse
import errno
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udp_recv  # noqa: E402

KEYS = ["k0", "k1", "k2", "k3"]
VALUES = ["a" * 150, "b" * 3, "c" * 77]
SYSDATA = ["cpu_nr_enabled", "taskname_enabled", "release_enabled", "msgid_enabled"]
SYSDATA_LINES = ["cpu", "taskname", "release", "msgid"]
MARK = b"nc-cc-flood-"

failures = []


def note(msg):
    print("# " + msg, flush=True)


def bad(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, value):
    """One write(2) of value; None on success, else the errno name."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    try:
        os.write(fd, value.encode())
        return None
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    finally:
        os.close(fd)


def attribute_values(a):
    """The values each attribute is written with (the initial ones are added later)."""
    v = {
        "remote_port": ["6666", "1111"],
        "local_port": ["6665", "3333"],
        "remote_ip": [a.dstip, "192.0.2.222"],
        "local_ip": [a.srcip, "192.0.2.111"],
        "dev_name": [a.srcif, "ncnosuchdev0123"],
        "remote_mac": [a.dstmac, "ff:ff:ff:ff:ff:ff"],
        "extended": ["0", "1"],
        "release": ["0", "1"],
    }
    if a.impl == "rust":
        v["ratelimit_interval_ms"] = ["0", "5000"]
        v["ratelimit_burst"] = ["10", "3"]
        v["loglevel"] = ["8", "6"]
    return v


def run_children(children, seconds):
    """Fork one process per (name, function); each loops until the deadline and writes its
    counts to a pipe. Returns {name: counts text}."""
    deadline = time.monotonic() + seconds
    procs = []
    for name, fn in children:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            rnd = random.Random(name)
            counts = {}
            code = 0
            try:
                while time.monotonic() < deadline:
                    what = fn(rnd)
                    if what:
                        counts[what] = counts.get(what, 0) + 1
            except BaseException as e:  # report, do not hide
                counts["exception " + repr(e)] = 1
                code = 1
            os.write(w, " ".join("%s=%d" % kv for kv in sorted(counts.items())).encode())
            os._exit(code)
        os.close(w)
        procs.append((name, pid, r))
    out = {}
    for name, pid, r in procs:
        chunks = []
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            chunks.append(b)
        os.close(r)
        _, status = os.waitpid(pid, 0)
        out[name] = b"".join(chunks).decode()
        if status != 0:
            bad("%s exited with status %d: %s" % (name, status, out[name]))
    return out


def parse_extended(d):
    """(record line, [(key, value) of the ' key=value' lines]) of an unfragmented datagram."""
    lines = d.split(b"\n")
    extra = []
    for line in lines[1:]:
        if not line:
            continue
        if not line.startswith(b" ") or b"=" not in line:
            return None
        k, _, v = line[1:].partition(b"=")
        extra.append((k.decode(errors="replace"), v.decode(errors="replace")))
    return lines[0], extra


def split_extra(extra):
    """Userdata and sysdata lines apart (sysdata keys come last, in their fixed order)."""
    n = len(extra)
    while n > 0 and extra[n - 1][0] in SYSDATA_LINES:
        n -= 1
    return extra[:n], extra[n:]


def check_flood(a):
    """Every flood datagram carries whole userdata lines and well-formed sysdata."""
    torn = 0
    seen = 0
    for d in udp_recv.read_datagrams(a.recv):
        if MARK not in d or b"ncfrag=" in d or b";" not in d.split(b"\n")[0]:
            continue  # basic datagrams carry no userdata
        seen += 1
        p = parse_extended(d)
        why = None
        if p is None:
            why = "a line that is not ' key=value'"
        else:
            user, sysd = split_extra(p[1])
            keys = [k for k, _ in user]
            if len(set(keys)) != len(keys):
                why = "a key twice"
            elif any(k not in KEYS or v not in VALUES for k, v in user):
                why = "a userdata line that was never written"
            elif [k for k, _ in sysd] != [s for s in SYSDATA_LINES if s in dict(sysd)]:
                why = "sysdata out of order"
        if why:
            torn += 1
            if torn <= 3:
                msg = "flood datagram with %s: %r" % (why, d[:300])
                if a.impl == "rust":
                    bad(msg)
                else:
                    note("C 6.12 (rebuilds userdata in place, unlocked): " + msg)
    note("%d extended flood datagrams received, %d with a torn or unknown line" % (seen, torn))


def userdata_now(a):
    """{key: value} of the entries in configfs now (values without the newline)."""
    out = {}
    ud = a.target + "/userdata"
    for k in os.listdir(ud):
        if os.path.isdir(ud + "/" + k):
            out[k] = read(ud + "/" + k + "/value").decode().rstrip("\n")
    return out


def send_and_match(a, tag):
    """Log a marker; its datagram's userdata (and sysdata on rust) match configfs."""
    marker = ("nc-cc-%s-%d" % (tag, time.monotonic_ns())).encode()
    with open("/dev/kmsg", "wb") as f:
        f.write(marker + b"\n")
    for _ in range(200):
        hits = [d for d in udp_recv.read_datagrams(a.recv) if marker in d]
        if hits:
            break
        time.sleep(0.1)
    else:
        bad("%s: no datagram for %s" % (tag, marker.decode()))
        return
    if len(hits) != 1:
        bad("%s: %d datagrams for %s" % (tag, len(hits), marker.decode()))
    p = parse_extended(hits[0])
    if p is None:
        bad("%s: datagram is not an extended message: %r" % (tag, hits[0][:300]))
        return
    user, sysd = split_extra(p[1])
    want = sorted((k, v) for k, v in userdata_now(a).items() if v)
    if sorted(user) != want:
        bad("%s: userdata sent %s, configfs has %s" % (tag, sorted(user), want))
    else:
        note("%s: the message carries exactly configfs's %d userdata lines" % (tag, len(want)))
    if a.impl == "rust":
        on = [s for s, f in zip(SYSDATA_LINES, SYSDATA)
              if read(a.target + "/userdata/" + f) == b"1\n"]
        if [k for k, _ in sysd] != on:
            bad("%s: sysdata lines %s, toggles on: %s" % (tag, sysd, on))
        else:
            note("%s: sysdata lines follow the toggles (%s)" % (tag, " ".join(on) or "none"))


def main(argv):
    p = argparse.ArgumentParser()
    for opt in ("target", "recv", "impl", "srcif", "srcip", "srcmac", "dstip", "dstmac"):
        p.add_argument("--" + opt, required=True)
    p.add_argument("--seconds", type=float, default=15)
    a = p.parse_args(argv)
    t = a.target

    values = attribute_values(a)
    valid = {k: {x + "\n" for x in v} for k, v in values.items()}
    for k in valid:
        valid[k].add(read(t + "/" + k).decode())  # the initial value
    valid["enabled"] = {"0\n", "1\n"}
    valid["local_mac"] = {a.srcmac + "\n", "ff:ff:ff:ff:ff:ff\n"}
    sysdata = [f for f in SYSDATA if os.path.exists(t + "/userdata/" + f)]
    if a.impl == "rust" and len(sysdata) != len(SYSDATA):
        bad("netconsole-rs lacks sysdata toggles: has only %s" % sysdata)
    for f in sysdata:
        valid["userdata/" + f] = {"0\n", "1\n"}
    uvalid = {v + "\n" for v in VALUES} | {"\n"}
    torn_file = "/tmp/nc-cc-torn.%d" % os.getpid()

    def attr_writer(rnd):
        k = rnd.choice(sorted(values))
        err = write(t + "/" + k, rnd.choice(values[k]) + rnd.choice(["", "\n"]))
        return err and "%s-%s" % (k, err) or "ok"

    def enabler(rnd):
        err = write(t + "/enabled", rnd.choice("01"))
        time.sleep(rnd.random() * 0.05)
        return "enabled-" + (err or "ok")

    def userdata_writer(rnd):
        d = t + "/userdata/" + rnd.choice(KEYS)
        op = rnd.random()
        try:
            if op < 0.3:
                os.mkdir(d)
                return "mkdir"
            if op < 0.45:
                os.rmdir(d)
                return "rmdir"
        except OSError as e:
            return "dir-" + errno.errorcode.get(e.errno, str(e.errno))
        err = write(d + "/value", rnd.choice(VALUES))
        return "value-" + (err or "ok")

    def sysdata_writer(rnd):
        err = write(t + "/userdata/" + rnd.choice(sysdata), rnd.choice("01"))
        return "sysdata-" + (err or "ok")

    def reader(rnd):
        k = rnd.choice(sorted(valid) + ["userdata/" + x + "/value" for x in KEYS])
        try:
            v = read(t + "/" + k).decode(errors="replace")
        except OSError:
            return "read-gone"  # a userdata entry removed meanwhile
        ok = v in uvalid if k.endswith("/value") else v in valid[k]
        if not ok:
            with open(torn_file, "a") as f:
                f.write("%s read %r\n" % (k, v))
            return "read-unexpected"
        return "read-ok"

    def flood(rnd):
        with open("/dev/kmsg", "wb") as f:
            f.write(MARK + b"%d\n" % rnd.randrange(1 << 30))
        time.sleep(0.01)
        return "logged"

    children = [("attr%d" % i, attr_writer) for i in range(4)]
    children += [("enabler", enabler), ("userdata0", userdata_writer),
                 ("userdata1", userdata_writer), ("reader0", reader), ("reader1", reader),
                 ("flood", flood)]
    if sysdata:
        children.append(("sysdata", sysdata_writer))
    for name, counts in run_children(children, a.seconds).items():
        note("%s: %s" % (name, counts))

    # Reads while writers ran: each one of the values written, never a mix.
    if os.path.exists(torn_file):
        lines = open(torn_file).read().splitlines()
        os.unlink(torn_file)
        msg = "%d reads during the run were none of the written values: %s" % (
            len(lines), "; ".join(lines[:5]))
        if a.impl == "rust":
            bad(msg)
        else:
            note("C 6.12 (its show functions read without a lock): " + msg)
    else:
        note("every read during the run was one of the written values")

    # The state at rest.
    for k in sorted(valid):
        v = read(t + "/" + k).decode(errors="replace")
        if v not in valid[k]:
            bad("%s reads %r after the run, none of %s" % (k, v, sorted(valid[k])))
    enabled = read(t + "/enabled") == b"1\n"
    mac = read(t + "/local_mac").decode().strip()
    if enabled != (mac == a.srcmac):
        bad("enabled is %d but local_mac is %s" % (enabled, mac))
    ud = userdata_now(a)
    if any(k not in KEYS for k in ud) or any(v and v not in VALUES for v in ud.values()):
        bad("userdata after the run: %s" % ud)
    note("at rest: enabled %d, local_mac %s, userdata %s" % (
        enabled, mac, " ".join("%s(%d)" % (k, len(v)) for k, v in sorted(ud.items()))))
    check_flood(a)

    # What is sent matches the configuration: a known-good setup, then a message.
    if enabled:
        err = write(t + "/enabled", "0")
        if err:
            bad("cannot disable after the run: " + err)
    good = {"dev_name": a.srcif, "remote_ip": a.dstip, "local_ip": a.srcip,
            "remote_mac": a.dstmac, "remote_port": "6666", "extended": "1", "release": "0"}
    if a.impl == "rust":
        good.update({"ratelimit_interval_ms": "0", "loglevel": "8"})
    for k, v in good.items():
        err = write(t + "/" + k, v)
        if err:
            bad("cannot set %s=%s after the run: %s" % (k, v, err))
    err = write(t + "/enabled", "1")
    if err:
        bad("cannot enable after the run: " + err)
        return 1
    if a.impl == "rust":
        send_and_match(a, "settled")
    # 6.12's C module rebuilds its userdata block only when a value is written (its rmdir
    # rebuilds it before the entry leaves the list): one more entry, then the check for both.
    os.mkdir(t + "/userdata/final")
    write(t + "/userdata/final/value", "z")
    send_and_match(a, "final")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
