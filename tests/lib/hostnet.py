#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Host side of a guest NIC whose Ethernet frames QEMU carries in UDP datagrams on loopback.

Python 3 standard library only. tests/vm/run uses it for scripts with "# hostnet: capture":
QEMU's `-netdev socket,udp=127.0.0.1:<port>,localaddr=...` sends every frame the guest
transmits as one UDP datagram to <port>, where `listen` records it. This receiver lives
outside the guest, so it still has everything after the guest has panicked.

  hostnet.py listen --ready FILE --out FILE
      Bind 127.0.0.1 on a free port, write the port to the ready file, and record one line of
      lowercase hex per frame until SIGTERM (then read what is still queued and exit).
  hostnet.py check FRAMES EXPECT [--console LOG]
      Decode the frames (Ethernet II, IPv4, UDP; header and UDP checksums verified) and check
      the expectations written by the guest, one per line: "<udp port> <text>". For each port
      the texts must appear in this order, each in a datagram after the one that matched the
      previous text. The line "<udp port> !console" asks that every datagram to that port,
      from the one matching its first text on, be exactly a line of the serial console LOG
      (a basic target sends what the serial console prints). Exit 0 if all holds, 1
      otherwise (with what arrived).
  hostnet.py dump FRAMES [--port P]
      Show the UDP payloads (index, source, port, repr).
"""

import argparse
import os
import signal
import socket
import struct
import sys


def cmd_listen(a):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:  # root: a big buffer, so that a burst of frames is not dropped before it is read
        sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("127.0.0.1", 0))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with open(a.out, "ab", buffering=0) as out:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % sock.getsockname()[1])
        os.rename(a.ready + ".tmp", a.ready)
        sock.settimeout(0.2)
        while not stop:
            try:
                out.write(sock.recv(65536).hex().encode("ascii") + b"\n")
            except (socket.timeout, InterruptedError):
                pass
        # Loopback queues a datagram when it is sent: after QEMU is gone, all are here.
        sock.setblocking(False)
        while True:
            try:
                out.write(sock.recv(65536).hex().encode("ascii") + b"\n")
            except (BlockingIOError, InterruptedError):
                break
    return 0


def checksum(data):
    """The Internet checksum (RFC 1071) of data, as the 16-bit value to compare with 0."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s ^ 0xFFFF


def udp_datagrams(path):
    """The UDP datagrams in a frames file: list of (index, src, port, payload), and errors."""
    out, errors = [], []
    try:
        with open(path, "rb") as f:
            frames = [bytes.fromhex(l.strip().decode("ascii")) for l in f if l.strip()]
    except FileNotFoundError:
        return out, ["no frames file %s" % path]
    for i, fr in enumerate(frames):
        if len(fr) < 14 + 20 or fr[12:14] != b"\x08\x00":
            continue  # not IPv4 (ARP, IPv6 ...): not netconsole's
        ip = fr[14:]
        ihl = (ip[0] & 15) * 4
        if ip[0] >> 4 != 4 or ihl < 20 or ip[9] != 17:
            continue
        total = struct.unpack("!H", ip[2:4])[0]
        if total > len(ip) or total < ihl + 8:
            errors.append("frame %d: IPv4 total length %d, frame has %d" % (i, total, len(ip)))
            continue
        if checksum(ip[:ihl]) != 0:
            errors.append("frame %d: bad IPv4 header checksum" % i)
        udp = ip[ihl:total]
        sport, dport, ulen, csum = struct.unpack("!HHHH", udp[:8])
        if ulen != len(udp):
            errors.append("frame %d: UDP length %d, IP payload %d" % (i, ulen, len(udp)))
            continue
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
        if csum == 0 or checksum(pseudo + udp) != 0:
            errors.append("frame %d: bad UDP checksum 0x%04x" % (i, csum))
        src = "%s:%d" % (socket.inet_ntoa(ip[12:16]), sport)
        out.append((i, src, dport, udp[8:]))
    return out, errors


def cmd_check(a):
    grams, errors = udp_datagrams(a.frames)
    expect, as_console = [], set()
    try:
        with open(a.expect, "rb") as f:
            for line in f:
                line = line.rstrip(b"\n")
                if line:
                    port, _, text = line.partition(b" ")
                    if text == b"!console":
                        as_console.add(int(port))
                    else:
                        expect.append((int(port), text))
    except (OSError, ValueError) as e:
        errors.append("cannot read the expectations %s: %s" % (a.expect, e))
    if not expect and not errors:
        errors.append("the guest wrote no expectations to %s" % a.expect)
    ports = sorted({p for p, _ in expect})
    after = {p: -1 for p in ports}
    first = {}
    for port, text in expect:
        hit = next((j for j, (_, _, p, d) in enumerate(grams)
                    if p == port and j > after[port] and text in d), None)
        if hit is None:
            errors.append("port %d: no datagram containing %r (after the previous match)"
                          % (port, text))
        else:
            after[port] = hit
            first.setdefault(port, hit)
            print("# port %d: %r in datagram %d" % (port, text.decode(errors="replace"), hit))
    if as_console:
        try:
            with open(a.console, "rb") as f:
                lines = {l.rstrip(b"\r\n") + b"\n" for l in f}
        except (OSError, TypeError) as e:
            errors.append("'!console' needs the serial console log (--console): %s" % e)
            lines = None
        for port in sorted(as_console):
            if lines is None or port not in first:
                continue
            these = [(j, d) for j, (_, _, p, d) in enumerate(grams)
                     if p == port and j >= first[port]]
            bad = [(j, d) for j, d in these if d not in lines]
            for j, d in bad[:5]:
                errors.append("port %d: datagram %d is no line of the serial console: %r"
                              % (port, j, d))
            if not bad:
                print("# port %d: the %d datagrams from the first match on are serial console "
                      "lines" % (port, len(these)))
    for e in errors:
        print("FAIL: hostnet: %s" % e)
    if errors:
        for port in ports:
            these = [g for g in grams if g[2] == port]
            print("# %d datagrams to port %d; the last 30:" % (len(these), port))
            for i, src, _, d in these[-30:]:
                print("#   %4d %s %r" % (i, src, d[:160]))
        return 1
    return 0


def cmd_dump(a):
    grams, errors = udp_datagrams(a.frames)
    for i, src, port, d in grams:
        if a.port is None or port == a.port:
            print("%4d %s -> %d %r" % (i, src, port, d))
    for e in errors:
        print("error: %s" % e)
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("listen")
    s.add_argument("--ready", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_listen)
    s = sub.add_parser("check")
    s.add_argument("frames")
    s.add_argument("expect")
    s.add_argument("--console")
    s.set_defaults(fn=cmd_check)
    s = sub.add_parser("dump")
    s.add_argument("frames")
    s.add_argument("--port", type=int)
    s.set_defaults(fn=cmd_dump)
    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
