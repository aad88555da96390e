#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Differential wire tests: the same printk records sent by two netconsole modules.

Python 3 standard library only. Started once per test by tests/lib/wire_diff.sh as a helper
process (under TCG every exec is slow), in the initial network namespace; it creates its
receiving sockets in the receiver's namespace. One request per line on stdin, fields separated
by tabs; one reply line on stdout: "OK [value]" or "ERR reason". Reports go to stderr.

  prepare N        keep the next N printk sequence numbers from changing their number of
                   digits (log short filler records up to the next power of ten if they
                   would), then drain /proc/kmsg: a console registered with CON_PRINTBUFFER
                   replays from syslog_seq, the /proc/kmsg reader's position, so from the next
                   record on. Replies the next sequence number.
  emit SET S E     log the start marker S, the records of SET (record_set()) and the end
                   marker E, one /dev/kmsg write per record ("<pri>text": a record may hold
                   newlines and tabs). Replies the number of records.
  live UD S E      as emit, with the records of live_set(UD); then remember the timestamp of
                   every record /dev/kmsg has (for compare with LIVE=1).
  userdata DIR UD  make userdata configuration UD the only keys of the target DIR, in order.
  mark             receive what is pending and remember how many datagrams each port has.
  wait S T P...    wait (T seconds at most) until a datagram since the mark contains S on
                   each port P.
  drops            datagrams lost so far: the sender's tx_dropped (netdevsim counts a full
                   receive ring there) plus UDP receive buffer errors in the namespace.
  save NAME P      keep the datagrams of port P since the mark as NAME.
  compare C R S E KIND LABEL LIVE REQUIRE
                   compare the kept datagrams C (the C module's) and R (ours) from the first
                   containing S to the last containing E, datagram by datagram (count, order,
                   bytes); KIND is basic, ext or ext-release. With LIVE=1 (records logged
                   once per module, so seq and timestamp differ) the <seq> and <ts> header
                   fields are replaced by placeholders of their length, only where both have
                   the same number of digits, and only after checking that the kernel log had
                   a record with that seq and timestamp ("ERR ValueError: digits" if the
                   numbers of digits differ: not comparable). Every kind must produce messages
                   of each size in REQUIRE (comma separated). Prints a summary (or the first
                   difference) to stderr; replies the number of datagrams compared, or ERR.
  dump NAME [A B]  show the kept datagrams NAME (A to B) on stderr.
  total            the number of datagrams compared so far.
"""

import os
import re
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udp_recv  # noqa: E402

MAX_PRINT_CHUNK = 1000  # largest datagram payload netconsole sends
PRI = "<14>"  # priority prefix of the records: facility user, level 6 (info)

# ---- records ----


def text_ext_len(ext_len, tag):
    """Raw record text whose extended form (as /dev/kmsg shows it) has ext_len bytes.

    A record written with a priority prefix holds at most 1019 bytes of text; bytes below 0x20
    take 4 bytes (\\xNN) in the extended form, so tabs spread through the text make it longer
    than that. tag starts the text."""
    tabs = max(0, -(-(ext_len - 1019) // 3))
    plain = ext_len - len(tag) - 4 * tabs
    if plain < 0:
        raise ValueError("extended length %d cannot be made" % ext_len)
    body = []
    for i in range(plain + tabs):
        # Tab i sits at about position i * (plain + tabs) / tabs.
        if tabs and body.count("\t") < tabs and i * tabs // (plain + tabs) >= body.count("\t"):
            body.append("\t")
        else:
            body.append(chr(ord("a") + i % 26))
    text = tag + "".join(body)
    assert ext_len == len(text) + 3 * text.count("\t") and len(text) <= 1019, (ext_len, text)
    return text


def lines_text(total, lines, tag):
    """Raw text of `total` bytes in `lines` lines (a basic console prefixes each line)."""
    per = (total - (lines - 1)) // lines
    parts = []
    used = 0
    for i in range(lines):
        n = per if i < lines - 1 else total - used - (lines - 1)
        parts.append((tag if i == 0 else "") + "m" * max(0, n - (len(tag) if i == 0 else 0)))
        used += n
    text = "\n".join(parts)
    return text


def record_set(name):
    """The records (strings written to /dev/kmsg, priority prefix included) of a set."""
    recs = []
    if name == "small":
        recs += record_set("cap")
        recs += [PRI + "", PRI + "x", PRI + "xy", PRI + "0123456789"]
        recs += [PRI + "s100-" + "p" * 95, PRI + "s500-" + "q" * 495]
        # Every level of facility user, level 7 (debug) is below the console loglevel (both
        # modules skip it alike); facilities daemon and local7; escapes in extended form.
        recs += ["<%d>level %d" % (8 + lvl, lvl) for lvl in range(8)]
        recs += ["<30>daemon info", "<190>local7 info", "<13>back\\slash del\x7f tab\t end",
                 "<13>utf8 \xe9\xe8 \u2603", "<13>trailing spaces   ", "<13>two\nlines",
                 "<13>" + "\n" * 3 + "three empty lines first"]
        # The largest record text: 1023 bytes (/dev/kmsg takes at most 1024 bytes, newline
        # included), written without a priority prefix (default level, facility user).
        recs += ["max-" + "r" * 1200]
    elif name == "b1000":
        # Text lengths whose basic (+16), extended (+18..22) and extended-with-release (+27..31)
        # forms take every length from below 999 to above 1001.
        recs += [PRI + ("t%d-" % n + "abcdefghij" * 110)[:n] for n in range(958, 991)]
    elif name == "b2000e":
        # Extended forms of 1984..2016 bytes (a record's extended text, 1966..1985 bytes here,
        # plus 18..22 bytes of header and newline, plus 9 with release): tabs take 4 bytes there.
        recs += [PRI + text_ext_len(e, "e%d-" % e) for e in range(1966, 1986)]
    elif name == "b2000l":
        # Basic forms of 1994..2006 bytes: 66 lines of text get 66 prefixes of 15 bytes.
        recs += [PRI + lines_text(t, 66, "l%d-" % t) for t in range(1003, 1016)]
    elif name == "cap":
        # Beyond the 2048-byte console buffer: printk truncates, alike for both modules.
        recs += [PRI + "\t" * 600 + "cut", PRI + "c" * 400 + "\t" * 420]
        recs += [PRI + lines_text(1000, 75, "L75-"), PRI + lines_text(1020, 200, "L200-")]
    else:
        raise ValueError("unknown record set " + name)
    return recs


# ---- userdata configurations (Linux 6.12: at most 16 keys, values up to 199 bytes) ----

def userdata(n):
    """Userdata configuration n: list of (key, value) in creation order."""
    if n == 0:
        return []
    if n == 1:
        return [("k", "v")]
    if n == 2:
        return [("k" * 53, "a" * 198), ("x", "b" * 199), ("mid-key", "c")]
    if n == 3:
        return [(("key%02d-" % i) + "k" * 47, chr(ord("A") + i) * 199) for i in range(16)]
    if n == 4:
        # Many keys, some with empty values (left out of messages), short and long.
        out = []
        for i in range(16):
            v = "" if i % 3 == 0 else ("v%d=" % i) + "z" * (i * 11)
            out.append(("k%d" % i, v))
        return out
    raise ValueError("unknown userdata configuration %d" % n)


def userdata_len(n):
    return sum(len(k) + len(v) + 3 for k, v in userdata(n) if v)


def live_set(ud):
    """Records around the 1000- and 2000-byte boundaries of whole messages with userdata ud."""
    u = userdata_len(ud)
    recs = [PRI + "u%d-short" % ud]
    for whole in (1000, 2000):
        # Whole = record (extended text + 18..22) + userdata (+ 9 with release).
        lo, hi = whole - u - 33, whole - u - 17
        if hi < 8:
            continue
        for e in range(max(8, lo), hi + 1):
            recs.append(PRI + text_ext_len(e, "u%dw%de%d-" % (ud, whole, e)))
    if u > 1000:
        # The record text (extended text plus its newline) ends at, just before and just after
        # the end of the first datagram, whose header is 34..44 bytes.
        recs += [PRI + text_ext_len(e, "u%de%d-" % (ud, e)) for e in range(945, 976)]
    return recs


# ---- /dev/kmsg ----

def kmsg_write(records):
    """Log each record with one write to /dev/kmsg, cut to fit the 1024-byte limit.

    A newline ends every write: printk strips it, and only a record that ends with one is
    complete at once (else it stays open for continuation, and readers and consoles see it only
    once the next record is logged)."""
    fd = os.open("/dev/kmsg", os.O_WRONLY)
    try:
        for r in records:
            data = r.encode("utf-8", "surrogateescape")[:1023] + b"\n"
            os.write(fd, data)
    finally:
        os.close(fd)


def kmsg_all():
    """Every record /dev/kmsg still has, as (seq, ts_usec, raw line) tuples."""
    out = []
    for rec in udp_recv.kmsg_records():
        head = rec.split(b";", 1)[0].split(b",")
        out.append((int(head[1]), int(head[2]), rec))
    return out


# ---- comparing ----

def show(b, at, width=60):
    lo = max(0, at - width // 2)
    return "[%d..%d) %r" % (lo, min(len(b), lo + width), b[lo:lo + width])


def window(dgrams, start, end):
    """Datagrams from the first containing start to the last containing end (inclusive)."""
    s = next((i for i, d in enumerate(dgrams) if start in d), None)
    e = next((i for i in range(len(dgrams) - 1, -1, -1) if end in dgrams[i]), None)
    if s is None or e is None or e < s:
        return None
    return dgrams[s:e + 1]


HDR = re.compile(rb"(\d+),(\d+),(\d+),([^,;]*)")


def split_header(d, release):
    """(release prefix, seq span, ts span) of an extended datagram, spans as (start, end)."""
    off = 0
    if release is not None:
        if not d.startswith(release + b","):
            return None
        off = len(release) + 1
    m = HDR.match(d, off)
    if not m:
        return None
    return (m.span(2), m.span(3), int(m.group(2)), int(m.group(3)))


def normalise(d, release, kmsg_ts):
    """d with its seq and ts replaced by placeholders of the same length; error text or None."""
    h = split_header(d, release)
    if h is None:
        return d, "no extended header"
    (s0, s1), (t0, t1), seq, ts = h
    if seq not in kmsg_ts:
        return d, "seq %d is not in the kernel log" % seq
    if kmsg_ts[seq] != ts:
        return d, "seq %d has ts %d in the kernel log, %d in the datagram" % (seq, kmsg_ts[seq], ts)
    return d[:s0] + b"S" * (s1 - s0) + b"," + b"T" * (t1 - t0) + d[t1:], None


BASIC_START = re.compile(rb"^\[ *\d+\.\d{6}\] ")
NCFRAG = re.compile(rb",ncfrag=(\d+)/(\d+);")


def message_lengths(dgrams, kind):
    """Length of each whole message (before splitting into datagrams)."""
    out = []
    if kind == "basic":
        for d in dgrams:
            if BASIC_START.match(d) or not out:
                out.append(len(d))
            else:
                out[-1] += len(d)
        return out
    for d in dgrams:
        m = NCFRAG.search(d[:200])
        if not m:
            out.append(len(d))
        elif int(m.group(1)) == 0:
            # [release,]header ; payload
            out.append(m.start() + 1 + int(m.group(2)))
    return out


def report(*args):
    print(*args, file=sys.stderr, flush=True)


def compare(c_all, r_all, start, end, kind, label, live, require, kmsg_ts):
    """Compare two captures (see the module's help); returns the number compared or None."""
    release = os.uname().release.encode() if kind == "ext-release" else None
    c, r = window(c_all, start.encode(), end.encode()), window(r_all, start.encode(), end.encode())
    if c is None or r is None:
        which = "C" if c is None else "Rust"
        report("FAIL: %s: the %s capture has no datagrams from %s to %s (%d datagrams captured)"
               % (label, which, start, end, len(c_all if c is None else r_all)))
        return None
    documented = {999: 0, 1000: 0}
    bad = None
    for i in range(max(len(c), len(r))):
        if i >= len(c) or i >= len(r):
            bad = (i, "the %s capture ends after %d datagrams, the other has %d"
                   % ("C" if i >= len(c) else "Rust", min(len(c), len(r)), max(len(c), len(r))))
            break
        dc, dr = c[i], r[i]
        if live:
            dc, ec = normalise(dc, release, kmsg_ts)
            dr, er = normalise(dr, release, kmsg_ts)
            if ec or er:
                bad = (i, "cannot normalise: C: %s; Rust: %s" % (ec, er))
                break
            hc, hr = split_header(c[i], release), split_header(r[i], release)
            if (hc[0][1] - hc[0][0], hc[1][1] - hc[1][0]) != (hr[0][1] - hr[0][0], hr[1][1] - hr[1][0]):
                report("# %s: not comparable: seq/timestamp have different numbers of digits "
                       "(C %d,%d; Rust %d,%d)" % (label, hc[2], hc[3], hr[2], hr[3]))
                raise ValueError("digits")
        if dc == dr:
            continue
        # Documented difference (Documentation/netconsole-rs.rst): C 6.12 formats an
        # unfragmented extended message of exactly 1000 bytes with scnprintf(), which keeps
        # the last byte for a NUL: with release the 1000th byte is sent as NUL, with userdata
        # the datagram is 999 bytes. Ours sends the 1000 bytes.
        if (kind != "basic" and len(dr) == MAX_PRINT_CHUNK and not NCFRAG.search(dr[:200])
                and dc in (dr[:999], dr[:999] + b"\0")):
            documented[len(dc)] += 1
            continue
        bad = (i, None)
        break
    if bad is not None:
        i, why = bad
        report("FAIL: %s: datagram %d of %d differs%s" % (label, i, len(c), ": " + why if why else ""))
        if why is None or why.startswith("cannot"):
            dc, dr = c[i], r[i]
            off = next((k for k in range(min(len(dc), len(dr))) if dc[k] != dr[k]),
                       min(len(dc), len(dr)))
            report("#   lengths: C %d, Rust %d; first difference at byte %d" % (len(dc), len(dr), off))
            report("#   C:    " + show(dc, off))
            report("#   Rust: " + show(dr, off))
        for j in range(max(0, i - 2), min(i + 3, max(len(c), len(r)))):
            report("#   %4d C %-5s Rust %-5s %s" % (
                j, len(c[j]) if j < len(c) else "-", len(r[j]) if j < len(r) else "-",
                repr((r[j] if j < len(r) else c[j])[:70])))
        return None
    lens = message_lengths(r, kind)
    marks = [999, 1000, 1001, 1999, 2000, 2001]
    hit = [m for m in marks if m in lens]
    report("%s: %d datagrams identical (%d messages, lengths %d..%d; boundary sizes: %s%s)"
          % (label, len(c), len(lens), min(lens), max(lens), " ".join(map(str, hit)) or "none",
             "; exactly-1000-byte messages that differ as documented: C sent %d as 999 bytes, "
             "%d ending in NUL" % (documented[999], documented[1000])
             if sum(documented.values()) else ""))
    if require:
        missing = [int(m) for m in require.split(",") if int(m) not in lens]
        if missing:
            report("FAIL: %s: no message of %s bytes was produced" % (label, " ".join(map(str, missing))))
            return None
    return len(c)




# ---- the helper ----

CLONE_NEWNET = 0x40000000


class Helper:
    def __init__(self, netns, srcif, ports, ipv6):
        import ctypes
        import socket
        self.srcif = srcif
        self.netns = netns
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.socks = {}
        self.got = {}
        self.marks = {}
        self.kept = {}
        self.kmsg_ts = {}
        self.total = 0
        with self.in_netns():
            for p in ports:
                fam = socket.AF_INET6 if ipv6 else socket.AF_INET
                s = socket.socket(fam, socket.SOCK_DGRAM)
                try:
                    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
                except OSError:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
                if ipv6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind(("::" if ipv6 else "0.0.0.0", p))
                s.setblocking(False)
                self.socks[p] = s
                self.got[p] = []
                self.marks[p] = 0

    def in_netns(self):
        helper = self

        class Ctx:
            def __enter__(self):
                self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
                fd = os.open("/run/netns/" + helper.netns, os.O_RDONLY)
                try:
                    if helper.libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(helper.libc.__dict__.get("errno", 0), "setns")
                finally:
                    os.close(fd)

            def __exit__(self, *exc):
                helper.libc.setns(self.home, CLONE_NEWNET)
                os.close(self.home)
        return Ctx()

    def receive(self, timeout=0.0):
        ready = select.select(list(self.socks.values()), [], [], timeout)[0]
        for s in ready:
            port = s.getsockname()[1]
            while True:
                try:
                    self.got[port].append(s.recv(65536))
                except BlockingIOError:
                    break
        return bool(ready)

    def drain(self):
        while self.receive(0):
            pass

    def r_prepare(self, n):
        recs = kmsg_all()
        nxt = recs[-1][0] + 1 if recs else 0
        digits = len(str(nxt))
        if len(str(nxt + int(n))) != digits:
            fill = 10 ** digits - nxt
            kmsg_write(["<15>wire-diff filler %d" % i for i in range(fill)])
            nxt += fill
        fd = os.open("/proc/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        try:
            while True:
                try:
                    if not os.read(fd, 65536):
                        break
                except BlockingIOError:
                    break
        finally:
            os.close(fd)
        return nxt

    def r_emit(self, name, start, end):
        recs = record_set(name)
        kmsg_write([PRI + start] + recs + [PRI + end])
        return len(recs)

    def r_live(self, ud, start, end):
        recs = live_set(int(ud))
        kmsg_write([PRI + start] + recs + [PRI + end])
        for seq, ts, _ in kmsg_all():
            self.kmsg_ts[seq] = ts
        return len(recs)

    def r_userdata(self, target, ud):
        base = os.path.join(target, "userdata")
        for k in os.listdir(base):
            if os.path.isdir(os.path.join(base, k)):  # not the sysdata toggles (newer kernels)
                os.rmdir(os.path.join(base, k))
        for k, v in userdata(int(ud)):
            os.mkdir(os.path.join(base, k))
            if not v:
                continue  # a new key's value is empty (an empty write fails with EFAULT)
            fd = os.open(os.path.join(base, k, "value"), os.O_WRONLY)
            try:
                os.write(fd, v.encode())
            finally:
                os.close(fd)
        return ""

    def r_mark(self):
        self.drain()
        for p in self.got:
            self.marks[p] = len(self.got[p])
        return ""

    def r_wait(self, marker, timeout, *ports):
        m = marker.encode()
        deadline = time.monotonic() + float(timeout)
        todo = [int(p) for p in ports]
        while True:
            self.drain()
            todo = [p for p in todo if not any(m in d for d in self.got[p][self.marks[p]:])]
            if not todo:
                return ""
            if time.monotonic() > deadline:
                raise LookupError("no datagram containing %s on port(s) %s within %s s"
                                  % (marker, " ".join(map(str, todo)), timeout))
            self.receive(0.2)

    def r_drops(self):
        with open("/sys/class/net/%s/statistics/tx_dropped" % self.srcif) as f:
            n = int(f.read())
        with self.in_netns():
            with open("/proc/thread-self/net/snmp") as f:
                rows = [line.split() for line in f if line.startswith("Udp:")]
            with open("/proc/thread-self/net/snmp6") as f:
                n += sum(int(line.split()[1]) for line in f if line.startswith("Udp6RcvbufErrors"))
        if len(rows) == 2:
            n += int(rows[1][rows[0].index("RcvbufErrors")])
        return n

    def r_save(self, name, port):
        self.drain()
        p = int(port)
        self.kept[name] = self.got[p][self.marks[p]:]
        return len(self.kept[name])

    def r_compare(self, cname, rname, start, end, kind, label, live, require):
        n = compare(self.kept.get(cname, []), self.kept.get(rname, []), start, end, kind, label,
                    live == "1", require, self.kmsg_ts)
        if n is None:
            raise ValueError("different")
        self.total += n
        return n

    def r_dump(self, name, first=0, last=-1):
        dgrams = self.kept.get(name, [])
        for i, d in enumerate(dgrams[int(first):len(dgrams) if int(last) < 0 else int(last)]):
            report("#   %s %4d %4d %r" % (name, int(first) + i, len(d), d[:100]))
        return len(dgrams)

    def r_total(self):
        return self.total


def serve(argv):
    netns, srcif, ports, ipv6 = argv[0], argv[1], [int(p) for p in argv[2].split(",")], argv[3] == "6"
    h = Helper(netns, srcif, ports, ipv6)
    out = sys.stdout
    out.write("OK ready\n")
    out.flush()
    for line in sys.stdin:
        f = line.rstrip("\n").split("\t")
        try:
            value = getattr(h, "r_" + f[0])(*f[1:])
            reply = "OK %s" % value if value != "" else "OK"
        except Exception as e:  # reported to the test, which fails
            reply = "ERR %s: %s" % (type(e).__name__, str(e).replace("\n", " "))
        out.write(reply + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.argv[1:])
