#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the guest: netconsole (ours unless NETCONSOLE_IMPL=c) sends the guest's
# kernel log over UDP from two targets (two source addresses on one netdevsim device: an
# extended one with userdata, a basic one) to the peer device in another network namespace,
# where netconsole-recv prints each message once per sender: a long message sent in
# fragments comes out whole, and a message dropped on purpose is reported as lost.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/recv.sh"

SRCIP2=192.0.2.3
CFG=/sys/kernel/config/netconsole
say() { printf '\n=== %s\n' "$*"; }
run() { echo "\$ $*"; "$@" || fail "$* failed"; }
# sh_run 'CMD': show a shell command line, then run it.
sh_run() { echo "\$ $1"; sh -c "$1" || fail "$1 failed"; }
demo_cleanup() {
	local rc=$? d
	for d in "$CFG"/*/; do
		[ -d "$d" ] || continue
		echo 0 >"$d/enabled" 2>/dev/null
		rmdir "$d"/userdata/*/ "$d" 2>/dev/null
	done
	(exit $rc)
	topo_cleanup
}
# target NAME SRC EXTENDED: a configfs target from SRC on $SRCIF to $DSTIP:6666.
target() {
	run mkdir "$CFG/$1"
	echo "\$ cd $CFG/$1; echo $SRCIF >dev_name; echo $2 >local_ip; echo $DSTIP >remote_ip"
	echo "  echo $DSTMAC >remote_mac; echo $3 >extended"
	cd "$CFG/$1" && echo "$SRCIF" >dev_name && echo "$2" >local_ip && echo "$DSTIP" >remote_ip &&
		echo "$DSTMAC" >remote_mac && echo "$3" >extended && cd / || fail "configuring $1"
}

topo_setup
trap demo_cleanup EXIT
must ip addr add "$SRCIP2/24" dev "$SRCIF"
say "receiver: netconsole-recv in namespace $NC_NS ($DSTIF $DSTIP), one line per message,"
echo "    prefixed with the sender; loss and a summary on stderr"
recv_start demo --listen 6666 --color "${NC_DEMO_COLOR:-never}"
tail -n +1 -f "$NC_TMP/demo.out" -s 0.2 --pid=$$ 2>/dev/null &
tail -n +1 -f "$NC_TMP/demo.err" -s 0.2 --pid=$$ 2>/dev/null | grep --line-buffered -v 'listening on' &

say "two netconsole targets on $SRCIF: $SRCIP extended with userdata, $SRCIP2 basic"
load_netconsole ""
target web1 "$SRCIP" 1
run mkdir "$CFG/web1/userdata/rack"
sh_run "echo b12 >$CFG/web1/userdata/rack/value"
if [ -e "$CFG/web1/userdata/msgid_enabled" ]; then
	sh_run "echo 1 >$CFG/web1/userdata/msgid_enabled"
fi
sh_run "echo 1 >$CFG/web1/enabled"
target plain "$SRCIP2" 0
sh_run "echo 1 >$CFG/plain/enabled"
sleep 1

say "a kernel message: each target sends it in its own format"
sh_run 'echo "netconsole-rs demo: hello from the guest kernel" >/dev/kmsg'
recv_wait demo "hello from the guest kernel" 2

long="netconsole-rs demo: a long message, $(for i in $(seq 0 104); do printf 'part-%03d ' "$i"; done)"
say "a ${#long}-byte message: with the header and userdata more than 1000 bytes, so the"
echo "    extended target sends it in ncfrag fragments; netconsole-recv prints it whole"
echo "$long" >/dev/kmsg
recv_wait demo "part-104" 2

say "drop one message: $DSTIP is removed from $DSTIF while it is sent"
ready=$NC_TMP/sniff.ready
ip netns exec "$NC_NS" "$NC_PY" -S "$NC_LIB/sniff.py" --ifname "$DSTIF" \
	--contains "this one is lost" --ready "$ready" --timeout 30 &
sniffer=$!
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
run ip -n "$NC_NS" addr del "$DSTIP/24" dev "$DSTIF"
sh_run 'echo "netconsole-rs demo: this one is lost" >/dev/kmsg'
wait "$sniffer" || fail "the dropped message never reached $DSTIF"
run ip -n "$NC_NS" addr add "$DSTIP/24" dev "$DSTIF"
sh_run 'echo "netconsole-rs demo: and this one arrives" >/dev/kmsg'
recv_wait demo "this one arrives" 2

say "stop netconsole-recv (SIGTERM): its summary"
recv_stop demo
sleep 1  # the last lines reach the tail processes
