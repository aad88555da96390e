#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# rmmod with active targets (a basic and an extended one) succeeds and sending stops; the
# devices the targets used can then be deleted promptly (netconsole dropped every reference:
# no "unregister_netdevice: waiting for"); loading again on new devices works.
. "$(dirname "$0")/../lib/topology.sh"

params() { echo "6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;+6664@$SRCIP/$SRCIF,6667@$DSTIP/$DSTMAC"; }

for round in 1 2; do
	topo_setup
	basic=$NC_TMP/basic-$round.recv
	ext=$NC_TMP/ext-$round.recv
	start_receiver 6666 "$basic"
	start_receiver 6667 "$ext"
	load_netconsole "$(params)"
	marker=$(nc_marker "$round")
	kmsg_write "$marker"
	wait_and_check "$marker" "$(nc_kind plain)" "$basic"
	wait_and_check "$marker" "$(nc_kind ext)" "$ext"

	out=$(rmmod netconsole 2>&1) || fail "rmmod netconsole with active targets failed: $out"
	[ -d /sys/module/netconsole ] && fail "netconsole still loaded after rmmod"
	marker=$(nc_marker "after-rmmod-$round")
	kmsg_write "$marker"
	sleep 1
	wait_datagrams "$basic" 1 0 "$marker" 2>/dev/null && fail "basic datagram sent after rmmod"
	wait_datagrams "$ext" 1 0 "$marker" 2>/dev/null && fail "extended datagram sent after rmmod"

	start=$(date +%s%N)
	nsim_delete "$NSIM_SRC_ID" 10 || fail "the sending device could not be deleted after rmmod"
	nsim_delete "$NSIM_DST_ID" 10 || fail "the receiving device could not be deleted"
	info "round $round: devices deleted in $((($(date +%s%N) - start) / 1000000)) ms"
	dmesg | grep -q "unregister_netdevice: waiting for" && fail "a device reference leaked"
	topo_teardown || fail "teardown failed"
done
