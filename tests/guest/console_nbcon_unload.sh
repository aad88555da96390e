#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# rmmod with active targets in console_mode=nbcon (as unload_active.sh in legacy mode): it
# succeeds, the printer kthreads (pr/netcon0, pr/netcon_ext0) are gone, nothing is sent
# afterwards, the devices can be deleted promptly (no reference left), and loading again (in
# legacy mode, so the module is seen to switch modes across loads) works.
. "$(dirname "$0")/../lib/topology.sh"

params() { echo "6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;+6664@$SRCIP/$SRCIF,6667@$DSTIP/$DSTMAC"; }
printers() { grep -lx 'pr/netcon0\|pr/netcon_ext0' /proc/[0-9]*/comm 2>/dev/null | wc -l; }

round=0
for mode in nbcon legacy; do
	round=$((round + 1))
	topo_setup
	basic=$NC_TMP/basic-$round-$mode.recv
	ext=$NC_TMP/ext-$round-$mode.recv
	start_receiver 6666 "$basic"
	start_receiver 6667 "$ext"
	load_netconsole "$(params)" console_mode=$mode
	n=$(printers)
	case $mode in
	nbcon) [ "$n" = 2 ] || fail "$n printer kthreads in nbcon mode, expected 2" ;;
	legacy) [ "$n" = 0 ] || fail "$n printer kthreads in legacy mode, expected none" ;;
	esac
	marker=$(nc_marker "$mode")
	kmsg_write "$marker"
	wait_and_check "$marker" basic "$basic"
	wait_and_check "$marker" ext "$ext"

	out=$(rmmod netconsole 2>&1) || fail "rmmod netconsole ($mode) with active targets failed: $out"
	[ -d /sys/module/netconsole ] && fail "netconsole still loaded after rmmod"
	# kthread_stop() has returned; the task itself may take a moment to be reaped.
	for _ in $(seq 50); do
		n=$(printers)
		[ "$n" = 0 ] && break
		sleep 0.1
	done
	[ "$n" = 0 ] || fail "$n printer kthreads left after rmmod"
	marker=$(nc_marker "after-rmmod-$mode")
	kmsg_write "$marker"
	sleep 1
	wait_datagrams "$basic" 1 0 "$marker" 2>/dev/null && fail "basic datagram sent after rmmod"
	wait_datagrams "$ext" 1 0 "$marker" 2>/dev/null && fail "extended datagram sent after rmmod"

	nsim_delete "$NSIM_SRC_ID" 10 || fail "the sending device could not be deleted after rmmod"
	nsim_delete "$NSIM_DST_ID" 10 || fail "the receiving device could not be deleted"
	dmesg | grep -q "unregister_netdevice: waiting for" && fail "a device reference leaked"
	topo_teardown || fail "teardown failed"
	info "$mode: loaded, sent, unloaded with active targets"
done
