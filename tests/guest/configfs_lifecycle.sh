#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs target lifecycle (spec section 3): create / configure / enable / disable / remove
# 20 times over (messages checked on some rounds); rmdir of an enabled target stops it at once
# (and a target with userdata keys cannot be removed before its keys: ENOTEMPTY); two targets
# on one device both send, and removing one leaves the other sending. The topology's cleanup
# then deletes the devices promptly (no reference left behind) and the run is scanned for
# kernel splats.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
r1=$NC_TMP/one.recv r2=$NC_TMP/two.recv
start_receiver 6666 "$r1"
start_receiver 6667 "$r2"

# ---- 20 rounds ----
for round in $(seq 20); do
	expect_mkdir 0 lc
	cfs_config lc "$SRCIF" "$DSTIP" 6666 $((round % 2))
	expect_write lc enabled 1
	expect_value lc enabled '1\n'
	case $round in
	1 | 10 | 19 | 20)
		marker=$(nc_marker "round$round")
		kmsg_write "$marker"
		[ $((round % 2)) = 1 ] && kind=ext || kind=basic
		msg_expect "$r1" "$marker" $kind ;;
	esac
	expect_write lc enabled 0
	expect_rmdir 0 lc
done
cfs_exists lc
check "$([ "$CFS_REPLY" = 0 ]; echo $?)" "lc is gone after the last round"

# ---- rmdir while enabled ----
expect_mkdir 0 live
cfs_config live "$SRCIF" "$DSTIP" 6666 1
expect_mkdir 0 live/userdata/key
expect_write live userdata/key/value v
expect_write live enabled 1
marker=$(nc_marker live)
kmsg_write "$marker"
msg_expect "$r1" "$marker" ext ' key=v\n'
expect_rmdir ENOTEMPTY live
expect_value live enabled '1\n'
expect_rmdir 0 live/userdata/key
expect_rmdir 0 live
marker=$(nc_marker removed)
kmsg_write "$marker"
msg_absent "$r1" "$marker"

# ---- two targets on one device ----
for t in a b; do expect_mkdir 0 $t; done
cfs_config a "$SRCIF" "$DSTIP" 6666 0
cfs_config b "$SRCIF" "$DSTIP" 6667 1
expect_write a enabled 1
expect_write b enabled 1
marker=$(nc_marker both)
kmsg_write "$marker"
msg_expect "$r1" "$marker" basic
msg_expect "$r2" "$marker" ext
expect_rmdir 0 a
marker=$(nc_marker b-only)
kmsg_write "$marker"
msg_expect "$r2" "$marker" ext
msg_absent "$r1" "$marker" 0
expect_write b enabled 0
expect_rmdir 0 b
cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "no targets left ('$CFS_LIST')"

cfs_finish
