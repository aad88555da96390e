#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Wait until a frame containing some text is seen on an interface (an AF_PACKET socket,
which sees frames whatever the IP layer then does with them: how a test knows a datagram
reached the receiving device even when it is dropped on purpose).

Usage: sniff.py --ifname IF --contains TEXT --ready FILE [--timeout S]
Creates FILE once the socket is bound; exit 0 when a frame with TEXT arrived, 1 after S
seconds (default 30) without one.
"""
import argparse
import socket
import sys
import time

ETH_P_ALL = 0x0003


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ifname", required=True)
    p.add_argument("--contains", required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--timeout", type=float, default=30)
    a = p.parse_args()
    text = a.contains.encode()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.ifname, 0))
    with open(a.ready, "w") as f:
        f.write("ready\n")
    end = time.monotonic() + a.timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            print("sniff: no frame with %r on %s" % (a.contains, a.ifname))
            return 1
        s.settimeout(left)
        try:
            frame = s.recv(65535)
        except socket.timeout:
            continue
        if text in frame:
            return 0


sys.exit(main())
