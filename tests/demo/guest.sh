#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the guest: netconsole (ours unless NETCONSOLE_IMPL=c) sends the guest's
# kernel log over UDP from one netdevsim device to its peer in another network namespace,
# where a receiver prints every datagram as it arrives.
. "$(dirname "$0")/../lib/topology.sh"

topo_setup
echo
echo "=== receiver listening on $DSTIP:6666 in namespace $NC_NS (device $DSTIF)"
ready=$NC_TMP/demo.ready
ip netns exec "$NC_NS" "$NC_PY" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("0.0.0.0", 6666))
open(sys.argv[1], "w").write("ready")
while True:
    data, (host, port) = s.recvfrom(65535)
    for line in data.decode("utf-8", "replace").splitlines():
        print("udp %s:%d > %s" % (host, port, line), flush=True)
' "$ready" &
NC_RECV_PIDS+=($!)
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
[ -s "$ready" ] || fail "the receiver did not start"

param="6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC"
echo "=== modprobe netconsole netconsole=$param"
echo "=== (a boot target: the kernel log so far is replayed first)"
load_netconsole "$param"
sleep 2
echo
echo "=== new kernel messages, sent as they are logged:"
echo "netconsole-rs demo: hello from the guest kernel" >/dev/kmsg
echo h >/proc/sysrq-trigger
modprobe veth && ip link add nc-demo0 type veth peer name nc-demo1 && ip link set nc-demo0 up
ip link del nc-demo0
sleep 2
echo
echo "=== rmmod netconsole"
rmmod netconsole
sleep 1
