#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# The project's own additions (not in any C netconsole): `loglevel` (0-8, default 8, mode
# 644; a target sends only records whose level is below it, so with loglevel 4 a level-3
# record arrives and a level-6 one does not; anything else is EINVAL) and the read-only
# `stats` (mode 444; lines "key value": datagrams, bytes, dropped_ratelimit, dropped_loglevel,
# pool_fallbacks, transmit_errors, dropped_nomem, dropped_device_down, pool_skbs; all 0 on a
# new target; datagrams and bytes count what was sent, dropped_loglevel the records filtered
# out, dropped_ratelimit those the rate limit suppressed, and transmit_errors equals the
# transmit_errors attribute).
# Basic targets filter too: 6.12's basic console is not told a message's level, so the module
# reads the record back from the log by the console's sequence number (Documentation); a basic
# target with loglevel 4 sends the level-3 line exactly and not the level-6 one.
# console-modes: legacy nbcon
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
recv=$NC_TMP/basic.recv
start_receiver 6666 "$recv"

keys="datagrams bytes dropped_ratelimit dropped_loglevel pool_fallbacks transmit_errors"
keys+=" dropped_nomem dropped_device_down pool_skbs"
# read_stats T: STATS[key]=value from T/stats; non-zero if it is not in the expected format.
declare -A STATS
read_stats() {
	STATS=()
	attr_read "$1" stats || { STATS_ERR="cannot read $1/stats: $ATTR_ERRNO"; return 1; }
	local raw=$ATTR_VALUE line k v
	STATS_RAW=$raw
	[ "${raw: -2}" = '\n' ] || { STATS_ERR="$1/stats does not end with a newline: '$raw'"; return 1; }
	raw=${raw%\\n}
	while [ -n "$raw" ]; do
		line=${raw%%\\n*}
		[ "$line" = "$raw" ] && raw= || raw=${raw#*\\n}
		if [[ ! "$line" =~ ^([a-z_]+)\ ([0-9]+)$ ]]; then
			STATS_ERR="$1/stats line '$line' is not 'key value'"
			return 1
		fi
		STATS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done
	for k in $keys; do
		[ -n "${STATS[$k]:-}" ] || { STATS_ERR="$1/stats has no '$k': '$STATS_RAW'"; return 1; }
	done
}
stats_ok() { # stats_ok T DESC: read the stats as a check
	if read_stats "$1"; then pass "$1/stats: $2 ('$STATS_RAW')"; else bad "$STATS_ERR"; return 1; fi
}

cfs_mkdir t
# ---- loglevel ----
expect_value t loglevel '8\n'
expect_write t loglevel 4 && expect_value t loglevel '4\n'
expect_write t loglevel 8
expect_write t extended 1
cfs_mode t/loglevel
check "$([ "$CFS_MODE" = 644 ]; echo $?)" "loglevel mode $CFS_MODE, expected 644"
for l in 0 1 2 3 4 5 6 7 8; do expect_write t loglevel $l && expect_value t loglevel "$l\\n"; done
expect_write t loglevel '5\n' && expect_value t loglevel '5\n'
for d in 9 10 -1 256 abc ' 4' '4 ' 0x4 '\n' '\0' '\xff'; do expect_rejected EINVAL t loglevel "$d"; done
expect_rejected EFAULT t loglevel ''

# ---- stats of a new target ----
cfs_mode t/stats
check "$([ "$CFS_MODE" = 444 ]; echo $?)" "stats mode $CFS_MODE, expected 444"
expect_rejected EACCES t stats 'datagrams 0\n'
if stats_ok t "new target"; then
	for k in $keys; do
		check "$([ "${STATS[$k]}" = 0 ]; echo $?)" "stats $k of a new target is ${STATS[$k]}, expected 0"
	done
	lines=$(grep -o '\\n' <<<"$STATS_RAW" | wc -l)
	check "$([ "$lines" = 9 ]; echo $?)" "stats has 9 lines ($lines)"
fi

# ---- filtering by level ----
cfs_config t "$SRCIF" "$DSTIP" 6666 1
expect_write t loglevel 4
expect_write t enabled 1
read_stats t
d0=${STATS[datagrams]:-0} b0=${STATS[bytes]:-0} l0=${STATS[dropped_loglevel]:-0}
hi=$(nc_marker level3) lo=$(nc_marker level6)
echo "<3>$hi" >/dev/kmsg
echo "<6>$lo" >/dev/kmsg
msg_expect "$recv" "$hi" ext
msg_absent "$recv" "$lo"
if stats_ok t "after a level-3 and a level-6 record"; then
	msg_get "$recv" "$hi"
	check "$([ "${STATS[datagrams]}" -ge $((d0 + 1)) ]; echo $?)" \
		"datagrams went from $d0 to ${STATS[datagrams]} (at least +1)"
	check "$([ "${STATS[bytes]}" -gt "$b0" ]; echo $?)" "bytes went from $b0 to ${STATS[bytes]}"
	check "$([ "${STATS[dropped_loglevel]}" -ge $((l0 + 1)) ]; echo $?)" \
		"dropped_loglevel went from $l0 to ${STATS[dropped_loglevel]} (at least +1)"
	attr_read t transmit_errors
	check "$([ "$ATTR_VALUE" = "${STATS[transmit_errors]}\\n" ]; echo $?)" \
		"stats transmit_errors ${STATS[transmit_errors]} = transmit_errors '$ATTR_VALUE'"
fi
# The default level lets level 6 through.
expect_write t enabled 0
expect_write t loglevel 8
expect_write t enabled 1
lo2=$(nc_marker level6-again)
echo "<6>$lo2" >/dev/kmsg
msg_expect "$recv" "$lo2" ext

# ---- filtering by level on a basic target ----
brecv=$NC_TMP/basic-level.recv
start_receiver 6667 "$brecv"
cfs_mkdir b
cfs_config b "$SRCIF" "$DSTIP" 6667 0
expect_write b loglevel 4
expect_write b enabled 1
read_stats b
bl0=${STATS[dropped_loglevel]:-0}
bhi=$(nc_marker basic-level3) blo=$(nc_marker basic-level6)
echo "<3>$bhi" >/dev/kmsg
echo "<6>$blo" >/dev/kmsg
msg_expect "$brecv" "$bhi" basic
msg_absent "$brecv" "$blo"
if stats_ok b "basic target after a level-3 and a level-6 record"; then
	check "$([ "${STATS[dropped_loglevel]}" -ge $((bl0 + 1)) ]; echo $?)" \
		"basic dropped_loglevel went from $bl0 to ${STATS[dropped_loglevel]} (at least +1)"
fi
# Writable while enabled: back to everything.
expect_write b loglevel 8
blo2=$(nc_marker basic-level6-again)
echo "<6>$blo2" >/dev/kmsg
msg_expect "$brecv" "$blo2" basic
expect_write b enabled 0

# ---- dropped_ratelimit ----
read_stats t
r0=${STATS[dropped_ratelimit]:-0}
expect_write t ratelimit_interval_ms 10000
expect_write t ratelimit_burst 1
tag=$(nc_marker rl)
for i in 1 2 3 4; do echo "$tag-$i." >/dev/kmsg; done
msg_wait "$recv" "$tag" 1 10
sleep 1
if stats_ok t "after 4 messages with burst 1"; then
	check "$([ "${STATS[dropped_ratelimit]}" -ge $((r0 + 3)) ]; echo $?)" \
		"dropped_ratelimit went from $r0 to ${STATS[dropped_ratelimit]} (at least +3)"
fi
expect_write t ratelimit_interval_ms 0
expect_write t enabled 0

cfs_finish
