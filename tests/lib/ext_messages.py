#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Put an extended target's datagrams back into messages and check their sysdata.

Python 3 standard library only; reads the receive files of udp_recv.py and, for the records
themselves, /dev/kmsg (so it runs in the guest, after the messages were sent).

  ext_messages.py check RECV EXPECT --release R [--userdata KEYS]
      RECV holds every datagram one extended target sent. Each datagram is at most 1000
      bytes; a fragmented message ("<header>,ncfrag=<offset>/<total>;<slice>") has the same
      header in every fragment, contiguous offsets from 0, every fragment but the last filled
      to 1000 bytes, and <total> = the length of what follows the record's ";". Every
      message is a kernel log record (as /dev/kmsg shows it) followed by lines " key=value\\n":
      userdata keys (KEYS, comma separated, in this order), then at most one each of cpu,
      taskname, release (= R) and msgid, in this order. The msgid values, in record order,
      are exactly 1, 2, 3, ... (no gap, no repeat).
      EXPECT has one line per logged message: "<marker>\\t<regex>": exactly one message
      contains the marker, and what follows its record matches the (Python bytes) regex
      entirely.
      Prints "ok - ..." per passed check, "FAIL: ..." per failed one; exit 1 if any failed.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import udp_recv  # noqa: E402

MAX_PRINT_CHUNK = 1000
NCFRAG = re.compile(rb",ncfrag=(\d+)/(\d+)$")
SYSDATA_ORDER = (b"cpu", b"taskname", b"release", b"msgid")


class Message:
    def __init__(self, header, payload, fragments):
        self.header, self.payload, self.fragments = header, payload, fragments
        self.seq = int(header.split(b",")[1])

    @property
    def data(self):
        return self.header + b";" + self.payload


def reassemble(datagrams, errors):
    """Messages (in order of their last datagram) from an extended target's datagrams."""
    messages, pending = [], {}
    for i, d in enumerate(datagrams):
        if len(d) > MAX_PRINT_CHUNK:
            errors.append("datagram %d has %d bytes" % (i, len(d)))
        semi = d.find(b";")
        if semi < 0:
            errors.append("datagram %d is not extended (no ';'): %r" % (i, d[:80]))
            continue
        header, body = d[:semi], d[semi + 1:]
        m = NCFRAG.search(header)
        if not m:
            messages.append(Message(header, body, 1))
            continue
        base, offset, total = header[:m.start()], int(m.group(1)), int(m.group(2))
        parts, last = pending.setdefault(base, ([], [0]))
        have = sum(len(p) for p in parts)
        if offset != have:
            errors.append("datagram %d: fragment at offset %d, expected %d" % (i, offset, have))
        if parts and last[0] != MAX_PRINT_CHUNK:
            errors.append("datagram %d: the fragment before it has %d bytes, not %d"
                          % (i, last[0], MAX_PRINT_CHUNK))
        parts.append(body)
        last[0] = len(d)
        have += len(body)
        if have > total:
            errors.append("datagram %d: fragments exceed the total %d" % (i, total))
        if have >= total:
            messages.append(Message(base, b"".join(parts), len(parts)))
            del pending[base]
    for base in pending:
        errors.append("fragmented message %r never completed" % base)
    return messages


def suffix_lines(suffix):
    """The " key=value\\n" lines of suffix as (key, value) pairs; None if it is not such lines."""
    if suffix and not suffix.endswith(b"\n"):
        return None
    out = []
    for line in suffix.split(b"\n")[:-1]:
        if not line.startswith(b" ") or b"=" not in line:
            return None
        key, _, value = line[1:].partition(b"=")
        out.append((key, value))
    return out


def cmd_check(a):
    errors, passed = [], []
    grams = udp_recv.read_datagrams(a.recv)
    messages = reassemble(grams, errors)
    records = {}
    for r in udp_recv.kmsg_records():
        try:
            records[int(r.split(b",")[1])] = r
        except (IndexError, ValueError):
            pass
    userdata = [k.encode() for k in a.userdata.split(",") if k]
    release = a.release.encode()
    ids = []  # (seq, msgid)
    nfrag = 0
    for m in messages:
        rec = records.get(m.seq)
        if rec is None or not m.data.startswith(rec):
            errors.append("message %d does not start with its kernel log record: %r"
                          % (m.seq, m.data[:120]))
            continue
        m.suffix = m.data[len(rec):]
        lines = suffix_lines(m.suffix)
        if lines is None:
            errors.append("message %d: after the record %r are not ' key=value' lines"
                          % (m.seq, m.suffix))
            continue
        keys = [k for k, _ in lines]
        n_ud = len([k for k in keys if k in userdata])
        if keys[:n_ud] != [k for k in userdata if k in keys[:n_ud]]:
            errors.append("message %d: userdata lines %r not first or out of order"
                          % (m.seq, keys))
        sysk = keys[n_ud:]
        want = [k for k in SYSDATA_ORDER if k in sysk]
        if sysk != want:
            errors.append("message %d: sysdata lines %r, expected each once in the order %r"
                          % (m.seq, sysk, want))
        vals = dict(lines[n_ud:])
        if b"release" in vals and vals[b"release"] != release:
            errors.append("message %d: release=%r" % (m.seq, vals[b"release"]))
        if b"cpu" in vals and not vals[b"cpu"].isdigit():
            errors.append("message %d: cpu=%r" % (m.seq, vals[b"cpu"]))
        if b"msgid" in vals:
            ids.append((m.seq, int(vals[b"msgid"])))
        nfrag += m.fragments > 1
    ids.sort()
    got = [i for _, i in ids]
    if got != list(range(1, len(got) + 1)):
        errors.append("msgid in record order: %r, expected 1..%d without gaps" % (got, len(got)))
    else:
        passed.append("%d messages (%d fragmented); msgid 1..%d in record order, no gap"
                      % (len(messages), nfrag, len(got)))
    with open(a.expect, "rb") as f:
        for line in f:
            marker, _, regex = line.rstrip(b"\n").partition(b"\t")
            hits = [m for m in messages if marker in m.data and hasattr(m, "suffix")]
            if len(hits) != 1:
                errors.append("%d messages contain %r, expected 1" % (len(hits), marker))
                continue
            mm = re.fullmatch(regex, hits[0].suffix, re.S)
            if not mm:
                errors.append("%r (%d fragment(s)): after the record %r does not match %r"
                              % (marker, hits[0].fragments, hits[0].suffix, regex))
            else:
                passed.append("%r (%d fragment(s)): %r" % (marker, hits[0].fragments,
                                                         hits[0].suffix))
    for p in passed:
        print("ok - %s: %s" % (os.path.basename(a.recv), p.replace("\n", "\\n")))
    for e in errors:
        print("FAIL: %s: %s" % (os.path.basename(a.recv), e.replace("\n", "\\n")))
    return 1 if errors else 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("check")
    s.add_argument("recv")
    s.add_argument("expect")
    s.add_argument("--release", required=True)
    s.add_argument("--userdata", default="")
    s.set_defaults(fn=cmd_check)
    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
