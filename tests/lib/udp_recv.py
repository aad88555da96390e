#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Receive netconsole datagrams exactly, and build and compare the expected ones.

Python 3 standard library only. The receive file holds one line per datagram: the payload in
lowercase hex, so that every datagram is recorded separately and byte for byte.

  udp_recv.py listen --port P [--ipv6] [--bind ADDR] --out FILE [--ready FILE]
                     [--count N] [--timeout S]
      Receive datagrams until N arrived or S seconds passed (default 300). The ready file is
      created once the socket is bound.
  udp_recv.py dump FILE                      Show each datagram: index, length, repr.
  udp_recv.py wait FILE [--contains M] [--count N] [--timeout S]
      Wait until N datagrams (containing M) are in FILE; exit 1 on timeout.
  udp_recv.py kmsg --contains M [--basic] [--release R] [--out FILE]
      Read /dev/kmsg and write the one record containing M: as /dev/kmsg returns it (which is
      the extended console format), with "R," in front if --release, or with --basic as the
      basic console prints it ("[%5lu.%06lu] text\\n" with printk.time, per line of text).
  udp_recv.py check FILE --contains M --expected EFILE [--count N]
      Exactly N (default 1) datagrams of FILE contain M, and each equals EFILE's bytes.
  udp_recv.py expect FILE --contains M --kind basic|ext [--release R] [--timeout S]
                     [--save EFILE]
      wait + kmsg + check in one go: within S seconds (default 10) a datagram containing M
      arrives, and then exactly one does and it equals what a target of that kind sends for
      the kernel log record containing M.

Import it to use read_datagrams() and kmsg_records() from Python.
"""

import argparse
import errno
import os
import re
import socket
import sys
import time


def read_datagrams(path):
    """Return the datagrams recorded in a receive file, as a list of bytes."""
    out = []
    try:
        with open(path, "rb") as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(bytes.fromhex(line.decode("ascii")))
    except FileNotFoundError:
        pass
    return out


def kmsg_records():
    """Return every record still in the kernel log, as /dev/kmsg returns them (bytes)."""
    records = []
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                records.append(os.read(fd, 16384))
            except OSError as e:
                if e.errno == errno.EAGAIN:
                    break
                if e.errno == errno.EPIPE:  # overwritten under us: go on from the oldest
                    continue
                raise
    finally:
        os.close(fd)
    return records


def kmsg_record_containing(marker):
    """The one record whose text contains marker (bytes). Raises LookupError otherwise."""
    hits = [r for r in kmsg_records() if marker in r]
    if len(hits) != 1:
        raise LookupError("%d kernel log records contain %r" % (len(hits), marker))
    return hits[0]


def _unescape(text):
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text)


def _read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def basic_console_text(record):
    """The text a basic (non-extended) console prints for a /dev/kmsg record.

    Mirrors record_print_text() of kernel/printk/printk.c (6.12): every line of the text gets
    the prefix "<prio>" (console_msg_format=syslog) and "[%5lu.%06lu] " (printk.time), and
    ends with a newline. The dictionary lines (" KEY=value") are not printed.
    """
    header, _, rest = record.partition(b";")
    fields = header.split(b",")
    prio, ts_usec = int(fields[0]), int(fields[2])
    text = _unescape(rest.split(b"\n", 1)[0])
    prefix = b""
    if "console_msg_format=syslog" in _read("/proc/cmdline").split():
        prefix += b"<%d>" % prio
    if _read("/sys/module/printk/parameters/time", "Y") in ("Y", "1"):
        prefix += b"[%5d.%06d]" % (ts_usec // 1000000, ts_usec % 1000000)
        prefix += b" "
    return b"".join(prefix + line + b"\n" for line in text.split(b"\n"))


def cmd_listen(a):
    family = socket.AF_INET6 if a.ipv6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:  # root: bigger than rmem_max, so that a replayed kernel log is not dropped
        sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    if a.ipv6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((a.bind or ("::" if a.ipv6 else "0.0.0.0"), a.port))
    deadline = time.monotonic() + a.timeout
    n = 0
    with open(a.out, "ab", buffering=0) as out:
        if a.ready:
            with open(a.ready, "w") as f:
                f.write("%d\n" % os.getpid())
        while a.count == 0 or n < a.count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            out.write(data.hex().encode("ascii") + b"\n")
            n += 1
    return 0


def cmd_dump(a):
    for i, d in enumerate(read_datagrams(a.file)):
        print("%4d %4d %r" % (i, len(d), d))
    return 0


def _matching(path, marker):
    return [d for d in read_datagrams(path) if marker is None or marker in d]


def cmd_wait(a):
    marker = a.contains.encode() if a.contains is not None else None
    deadline = time.monotonic() + a.timeout
    while True:
        got = len(_matching(a.file, marker))
        if got >= a.count:
            return 0
        if time.monotonic() >= deadline:
            what = "containing %r " % a.contains if marker is not None else ""
            print("timeout: %d of %d datagrams %sin %s after %ss"
                  % (got, a.count, what, a.file, a.timeout), file=sys.stderr)
            return 1
        time.sleep(0.1)


def cmd_kmsg(a):
    try:
        record = kmsg_record_containing(a.contains.encode())
    except LookupError as e:
        print("kmsg: %s" % e, file=sys.stderr)
        return 1
    if a.basic:
        data = basic_console_text(record)
    else:
        data = record
    if a.release is not None:
        data = a.release.encode() + b"," + data
    if a.out:
        with open(a.out, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_check(a):
    with open(a.expected, "rb") as f:
        expected = f.read()
    return _check(a, expected)


def cmd_expect(a):
    a.count = 1
    if cmd_wait(a):
        return 1
    try:
        record = kmsg_record_containing(a.contains.encode())
    except LookupError as e:
        print("expect: %s" % e, file=sys.stderr)
        return 1
    expected = basic_console_text(record) if a.kind == "basic" else record
    if a.release is not None:
        expected = a.release.encode() + b"," + expected
    if a.save:
        with open(a.save, "wb") as f:
            f.write(expected)
    return _check(a, expected)


def _check(a, expected):
    marker = a.contains.encode()
    hits = _matching(a.file, marker)
    ok = True
    if len(hits) != a.count:
        print("check: %d datagrams in %s contain %r, expected %d"
              % (len(hits), a.file, a.contains, a.count), file=sys.stderr)
        ok = False
    for i, d in enumerate(hits):
        if d != expected:
            ok = False
            diff = next((j for j in range(min(len(d), len(expected))) if d[j] != expected[j]),
                        min(len(d), len(expected)))
            print("check: datagram %d differs from the expectation at byte %d" % (i, diff),
                  file=sys.stderr)
            print("  expected (%d bytes): %r" % (len(expected), expected), file=sys.stderr)
            print("  received (%d bytes): %r" % (len(d), d), file=sys.stderr)
    if not ok:
        print("check: all datagrams of %s:" % a.file, file=sys.stderr)
        for i, d in enumerate(read_datagrams(a.file)[-40:]):
            print("  %4d %r" % (i, d), file=sys.stderr)
    return 0 if ok else 1


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("listen")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--ipv6", action="store_true")
    s.add_argument("--bind")
    s.add_argument("--out", required=True)
    s.add_argument("--ready")
    s.add_argument("--count", type=int, default=0)
    s.add_argument("--timeout", type=float, default=300)
    s.set_defaults(fn=cmd_listen)

    s = sub.add_parser("dump")
    s.add_argument("file")
    s.set_defaults(fn=cmd_dump)

    s = sub.add_parser("wait")
    s.add_argument("file")
    s.add_argument("--contains")
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--timeout", type=float, default=10)
    s.set_defaults(fn=cmd_wait)

    s = sub.add_parser("kmsg")
    s.add_argument("--contains", required=True)
    s.add_argument("--basic", action="store_true")
    s.add_argument("--release")
    s.add_argument("--out")
    s.set_defaults(fn=cmd_kmsg)

    s = sub.add_parser("check")
    s.add_argument("file")
    s.add_argument("--contains", required=True)
    s.add_argument("--expected", required=True)
    s.add_argument("--count", type=int, default=1)
    s.set_defaults(fn=cmd_check)

    s = sub.add_parser("expect")
    s.add_argument("file")
    s.add_argument("--contains", required=True)
    s.add_argument("--kind", choices=("basic", "ext"), required=True)
    s.add_argument("--release")
    s.add_argument("--timeout", type=float, default=10)
    s.add_argument("--save")
    s.set_defaults(fn=cmd_expect)

    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
