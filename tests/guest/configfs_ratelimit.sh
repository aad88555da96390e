#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# Per-target rate limit [next] (spec section 3): ratelimit_interval_ms (default 0 = off) and
# ratelimit_burst (default 10) are u32 attributes (mode 644), writable while the target is
# enabled. With an interval of 10000 ms and a burst of 3, of 10 messages logged back to back
# exactly the first 3 arrive, and the suppressed ones do not consume msgid (the 3 that arrive
# carry consecutive ids). Interval 0 turns the limit off again. Linux 6.12 has none of this.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
recv=$NC_TMP/ext.recv
start_receiver 6666 "$recv"

cfs_mkdir t
expect_value t ratelimit_interval_ms '0\n'
expect_value t ratelimit_burst '10\n'
for a in ratelimit_interval_ms ratelimit_burst; do
	cfs_mode t/$a
	check "$([ "$CFS_MODE" = 644 ]; echo $?)" "$a mode $CFS_MODE, expected 644"
	expect_write t $a 4294967295 && expect_value t $a '4294967295\n'
	expect_write t $a '7\n' && expect_value t $a '7\n'
	expect_write t $a 0 && expect_value t $a '0\n'
	expect_write t $a 1234 && expect_value t $a '1234\n'
	for d in 4294967296 99999999999999999999; do expect_rejected ERANGE t $a "$d"; done
	for d in abc -1 ' 5' '5 ' 0x10 '\n' '\0' '\xff'; do expect_rejected EINVAL t $a "$d"; done
	expect_rejected EFAULT t $a ''
done
expect_write t ratelimit_interval_ms 0
expect_write t ratelimit_burst 10

cfs_config t "$SRCIF" "$DSTIP" 6666 1
expect_write t userdata/msgid_enabled 1
expect_write t enabled 1

# Writable while enabled; from now on at most 3 messages per 10 s.
log_mark
expect_write t ratelimit_interval_ms 10000
expect_write t ratelimit_burst 3
expect_value t ratelimit_interval_ms '10000\n'
expect_value t ratelimit_burst '3\n'
expect_no_log "is enabled, disable to update parameters"

tag=$(nc_marker burst)
for i in $(seq 10); do echo "$tag-$i." >/dev/kmsg; done
msg_wait "$recv" "$tag" 3 10
sleep 1
msg_count "$recv" "$tag"
check "$([ "$MSG_COUNT" = 3 ]; echo $?)" "3 of 10 messages arrive with burst 3 per 10 s ($MSG_COUNT did)"
ids=()
for i in 1 2 3; do
	msg_expect_re "$recv" "$tag-$i." ext ' msgid=(\d+)\n'
	ids+=("$MSG_GROUPS")
done
for i in $(seq 4 10); do msg_absent "$recv" "$tag-$i." 0; done
if [ ${#ids[@]} = 3 ] && [ -n "${ids[0]}" ] && [ "${ids[1]}" = $((ids[0] + 1)) ] &&
	[ "${ids[2]}" = $((ids[0] + 2)) ]; then
	pass "the 3 messages that passed carry consecutive msgids (${ids[*]})"
else
	bad "msgids of the 3 messages that passed: '${ids[*]}', expected n, n+1, n+2"
fi

# Suppressed messages did not consume msgid: once the limit is off the next id follows on.
expect_write t ratelimit_interval_ms 0
tag2=$(nc_marker off)
for i in $(seq 10); do echo "$tag2-$i." >/dev/kmsg; done
msg_wait "$recv" "$tag2" 10 10
msg_count "$recv" "$tag2"
check "$([ "$MSG_COUNT" = 10 ]; echo $?)" "with interval 0 all 10 messages arrive ($MSG_COUNT did)"
msg_expect_re "$recv" "$tag2-1." ext ' msgid=(\d+)\n'
if [ -n "${ids[2]}" ] && [ "$MSG_GROUPS" = $((ids[2] + 1)) ]; then
	pass "the next message after the burst has msgid $MSG_GROUPS = ${ids[2]} + 1"
else
	bad "the next message after the burst has msgid '$MSG_GROUPS', expected ${ids[2]:-?} + 1 (suppressed messages must not consume msgid)"
fi
expect_write t enabled 0

cfs_finish
