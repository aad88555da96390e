#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# netconsole= with bad targets around a good one: a parse error (skipped, "couldn't parse config
# at"), "r" without "+" (skipped: "release feature requires extended log message"), a target on
# a missing device (parses, fails setup, stays listed disabled); the module loads, and the good
# target works and is numbered after the targets that parsed (cmdline<N>).
# With CONFIG_NETCONSOLE_EXTENDED_LOG=y every target is extended by default, so in the C module
# "r" alone is valid: then that target parses and works too (cmdline0), and the numbers shift.
. "$(dirname "$0")/../lib/topology.sh"

topo_setup
recv=$NC_TMP/good.recv
rrecv=$NC_TMP/r.recv
start_receiver 6666 "$recv"
start_receiver 6669 "$rrecv"
cfg=/sys/kernel/config/netconsole
before=$(dmesg | wc -l)
load_netconsole "foo@$SRCIP/$SRCIF,6666@$DSTIP/;r6663@$SRCIP/$SRCIF,6669@$DSTIP/$DSTMAC;6662@$SRCIP/nc-nosuchdev,6666@$DSTIP/;6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC"
log=$(dmesg | tail -n +"$((before + 1))")

if nc_kconfig NETCONSOLE_EXTENDED_LOG; then
	info "CONFIG_NETCONSOLE_EXTENDED_LOG=y: the 'r' target is valid"
	r_ok=1 missing=cmdline1 good=cmdline2
else
	r_ok=0 missing=cmdline0 good=cmdline1
fi

grep -q "couldn't parse config at 'foo'" <<<"$log" ||
	fail "no \"couldn't parse config at 'foo'\" in the kernel log"
if [ $r_ok = 0 ]; then
	grep -qi "release feature requires extended log message" <<<"$log" ||
		fail "no \"release feature requires extended log message\" in the kernel log"
elif grep -qi "release feature requires extended log message" <<<"$log"; then
	fail "'r' refused although targets are extended by default"
fi
grep -q "Not enabling netconsole for $missing. Netpoll setup failed" <<<"$log" ||
	fail "no \"Not enabling netconsole for $missing. Netpoll setup failed\" in the kernel log"
grep -q "network logging started" <<<"$log" || fail "no \"network logging started\""

marker=$(nc_marker)
kmsg_write "$marker"
wait_and_check "$marker" "$(nc_kind plain)" "$recv"
if [ $r_ok = 1 ]; then
	wait_and_check "$marker" ext-release "$rrecv"
else
	wait_datagrams "$rrecv" 1 0 "$marker" 2>/dev/null && fail "the refused 'r' target sent"
fi

# The boot targets as configfs shows them (mkdir of cmdline<N> attaches boot target N).
[ -d $cfg ] || fail "no $cfg"
must mkdir $cfg/$missing $cfg/$good
[ "$(cat $cfg/$missing/enabled)" = 0 ] || fail "$missing is enabled"
[ "$(cat $cfg/$missing/dev_name)" = nc-nosuchdev ] ||
	fail "$missing dev_name is '$(cat $cfg/$missing/dev_name)', not nc-nosuchdev"
[ "$(cat $cfg/$missing/local_port)" = 6662 ] || fail "$missing local_port is not 6662"
[ "$(cat $cfg/$good/enabled)" = 1 ] || fail "$good is not enabled"
[ "$(cat $cfg/$good/dev_name)" = "$SRCIF" ] || fail "$good dev_name is not $SRCIF"
[ "$(cat $cfg/$good/local_port)" = 6665 ] || fail "$good local_port is not 6665"
[ "$(cat $cfg/$good/remote_mac)" = "$DSTMAC" ] || fail "$good remote_mac is not $DSTMAC"
# The good target still works with configfs attached.
marker=$(nc_marker again)
kmsg_write "$marker"
wait_and_check "$marker" "$(nc_kind plain)" "$recv"
must rmdir $cfg/$missing $cfg/$good
