#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 400
# configfs, hostile input (issue 8): one table of input classes -- empty, "\0", "\n" only,
# 4096 bytes, non-UTF-8, embedded NUL, a sign (+ and -), a space (leading and trailing),
# overflow, valid-then-garbage -- written (one write(2) each) to every writable attribute:
# each input either fails with the attribute's errno and leaves the value unchanged, or is
# taken and reads back as the kind's rules say (spec section 3; Linux 6.12's C module for
# what it has: the NUL rules of configfs_attrs_nul.sh, the 4095-byte cut of configfs_attrs.sh).
# Rows are skipped, with the reason printed, for attributes newer than 6.12 on the C module
# and where 6.12 differs from the spec (IPv4 text: in_aton takes anything without ':'; an
# IPv6 address followed by garbage is refused after it was stored); configfs_attrs*.sh hold
# the long lists of values per attribute, this file the same classes everywhere.
# Then concurrent writers: 4 writers hammer the same attributes of one target (two values
# each that a torn write would mix), one toggles enabled, one reads; at the end each
# attribute reads exactly one of the values written, the target disables and is removed,
# and the kernel log is clean.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
# The configfs helper is a hang detector: give it room on a slow (sanitizer, TCG) kernel.
CFS_TIMEOUT=${CFS_TIMEOUT:-180}

topo_setup
cfs_setup

impl=${NETCONSOLE_IMPL:-rust}
nc_rep A4096 a 4096
nc_rep COLONS4096 : 4096
nc_rep V201 v 201
CLASSES="empty nul nl big nonutf8 embnul plus minus lspace tspace overflow garbage"
TRIED=0 SKIPPED=0

# row_data KIND CLASS: DATA = the input (byte notation) of CLASS for an attribute of KIND.
row_data() {
	local v
	case "$1" in
	bool | enabled) v=1 ;; u16 | u32) v=7 ;; level) v=5 ;; name) v=nc-x ;;
	ip) v=192.0.2.9 ;; mac) v=02:00:00:00:00:09 ;; value) v=v ;;
	esac
	case "$2" in
	empty) DATA= ;;
	nul) DATA='\0' ;;
	nl) DATA='\n' ;;
	big) DATA=$A4096; [ "$1" = ip ] && DATA=$COLONS4096 ;;
	nonutf8) DATA='\xff\xfe'; [ "$1" = ip ] && DATA='\xff::1' ;;
	embnul) DATA="$v\\0\\xff" ;;
	plus) DATA="+$v"; [ "$1" = ip ] && DATA=+::1 ;;
	minus) DATA=-1 ;;
	lspace) DATA=" $v"; [ "$1" = ip ] && DATA=' ::1' ;;
	tspace) DATA="$v "; [ "$1" = ip ] && DATA='::1 ' ;;
	overflow)
		case "$1" in
		bool | enabled) DATA=2 ;; u16) DATA=65536 ;; u32) DATA=4294967296 ;; level) DATA=9 ;;
		name) DATA=1234567890123456 ;; ip) DATA=1::2::3 ;; mac) DATA=02:00:00:00:00:0100 ;;
		value) DATA=$V201 ;;
		esac ;;
	garbage) DATA="${v}junk" ;;
	esac
}

# row_outcome KIND CLASS: OUT = "E|ERRNO" (refused, value unchanged), "V|VALUE|N" (taken,
# reads VALUE, the write returns N, empty: every byte) or "S|REASON" (row skipped).
row_outcome() {
	local k=$1 c=$2 c612="Linux 6.12 takes text without ':' as IPv4 (in_aton); configfs_attrs_next.sh"
	[ "$c" = empty ] && { OUT="E|EFAULT"; return; }  # configfs refuses it before any store
	case "$k:$c" in
	bool:embnul | enabled:embnul) OUT="V|1\\n|1" ;;
	bool:tspace | bool:garbage | enabled:tspace | enabled:garbage) OUT="V|1\\n" ;;
	bool:* | enabled:*) OUT="E|EINVAL" ;;
	u16:embnul | u32:embnul) OUT="V|7\\n|1" ;;
	u16:plus | u32:plus) OUT="V|7\\n" ;;
	u16:overflow | u32:overflow) OUT="E|ERANGE" ;;
	u16:* | u32:*) OUT="E|EINVAL" ;;
	level:embnul) OUT="V|5\\n|1" ;;
	level:plus) OUT="V|5\\n" ;;
	level:*) OUT="E|EINVAL" ;;
	name:nul) OUT="V|\\n|0" ;;
	name:nl) OUT="V|\\n" ;;
	name:big | name:overflow) OUT="E|ENAMETOOLONG" ;;
	name:embnul) OUT="V|nc-x\\n|4" ;;
	name:*) OUT="V|$DATA\\n" ;;
	ip:embnul) OUT="V|192.0.2.9\\n|9" ;;
	ip:nul | ip:nl | ip:minus | ip:garbage)
		OUT="E|EINVAL"; [ "$impl" = c ] && OUT="S|$c612" ;;
	ip:tspace)
		OUT="E|EINVAL"
		[ "$impl" = c ] && OUT="S|Linux 6.12 stores a valid IPv6 address before refusing the garbage after it" ;;
	ip:*) OUT="E|EINVAL" ;;
	mac:embnul) OUT="V|02:00:00:00:00:09\\n|17" ;;
	mac:*) OUT="E|EINVAL" ;;
	value:nul) OUT="V|\\n" ;;
	value:nl) OUT="V|\\n" ;;
	value:big | value:overflow) OUT="E|EMSGSIZE" ;;
	value:embnul) OUT="V|v\\n" ;;
	value:*) OUT="V|$DATA\\n" ;;
	*) fail "no outcome for $k:$c" ;;
	esac
}

# rows T A KIND: every class on $NC_CFG/T/A.
rows() {
	local t=$1 a=$2 k=$3 c n
	if ! cfs_exists "$t/$a"; then
		[ "$impl" = c ] || fail "$t/$a does not exist"
		info "skip $a: not in Linux 6.12 (12 rows)"
		SKIPPED=$((SKIPPED + 12))
		return
	fi
	for c in $CLASSES; do
		row_data "$k" "$c"
		row_outcome "$k" "$c"
		case "$OUT" in
		S\|*) info "skip $a/$c: ${OUT#S|}"; SKIPPED=$((SKIPPED + 1)); continue ;;
		E\|*) expect_rejected "${OUT#E|}" "$t" "$a" "$DATA" ;;
		V\|*)
			IFS='|' read -r _ value n <<<"$OUT"
			expect_write "$t" "$a" "$DATA" $n && expect_value "$t" "$a" "$value"
			# An enabled target takes no more parameter writes: start over disabled.
			[ "$k" = enabled ] && cfs_disable "$t" ;;
		esac
		TRIED=$((TRIED + 1))
	done
}

cfs_mkdir t
cfs_mkdir x
attr_write x extended 1 || fail "x: extended: $ATTR_ERRNO"
cfs_mkdir e
cfs_config e
expect_mkdir 0 t/userdata/k

rows e enabled enabled
for a in extended release; do rows t $a bool; done
rows t dev_name name
for a in local_port remote_port; do rows t $a u16; done
for a in local_ip remote_ip; do rows t $a ip; done
rows t remote_mac mac
rows t userdata/k/value value
for a in cpu_nr taskname release msgid; do rows t userdata/${a}_enabled bool; done
for a in ratelimit_interval_ms ratelimit_burst; do rows t $a u32; done
rows x loglevel level
info "$TRIED hostile inputs tried, $SKIPPED rows skipped ($impl)"
check "$([ $TRIED -gt 0 ]; echo $?)" "$TRIED hostile inputs tried"

# ---- concurrent writers on one target ----
cfs_mkdir w
cfs_config w
expect_mkdir 0 w/userdata/k
nc_rep UA a 198
nc_rep UB b 198  # plus the newline: 199 bytes, the most a value takes
W=$NC_CFG/w
WSECONDS=${NC_HOSTILE_SECONDS:-10}
end=$((EPOCHSECONDS + WSECONDS))
writer() { # writer ID: alternate between value sets A and B, ignoring refusals
	local i=0 s
	while [ "$EPOCHSECONDS" -lt "$end" ]; do
		s=$(((i + $1) % 2))
		{
			if [ $s = 0 ]; then
				echo "$SRCIF" >"$W/dev_name"
				echo 192.0.2.2 >"$W/remote_ip"
				echo aa:aa:aa:aa:aa:aa >"$W/remote_mac"
				echo 1111 >"$W/remote_port"
				echo 1 >"$W/extended"
				echo "$UA" >"$W/userdata/k/value"
			else
				echo nc-none >"$W/dev_name"
				echo 2001:db8::2 >"$W/remote_ip"
				echo bb:bb:bb:bb:bb:bb >"$W/remote_mac"
				echo 2222 >"$W/remote_port"
				echo 0 >"$W/extended"
				echo "$UB" >"$W/userdata/k/value"
			fi
		} 2>/dev/null
		i=$((i + 1))
	done
	echo "$i" >"$NC_TMP/writer$1"
}
toggler() {
	local i=0
	while [ "$EPOCHSECONDS" -lt "$end" ]; do
		echo $((i % 2)) 2>/dev/null >"$W/enabled"
		i=$((i + 1))
	done
}
reader() {
	local i=0 a
	while [ "$EPOCHSECONDS" -lt "$end" ]; do
		for a in "$W"/* "$W/userdata/k/value"; do
			[ -f "$a" ] && read -r _ <"$a" 2>/dev/null
		done
		i=$((i + 1))
	done
}
pids=()
for id in 1 2 3 4; do writer $id & pids+=($!); done
toggler & pids+=($!)
reader & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
writes=0
for id in 1 2 3 4; do writes=$((writes + $(cat "$NC_TMP/writer$id" 2>/dev/null || echo 0))); done
info "concurrent writers: $writes rounds of 6 writes in ${WSECONDS}s"
check "$([ $writes -gt 0 ]; echo $?)" "the concurrent writers wrote ($writes rounds)"
attr_read w enabled
[ "$ATTR_VALUE" = '1\n' ] && cfs_disable w
# oneof A VALUE...: the attribute reads one of the values.
oneof() {
	local a=$1 v
	shift
	attr_read w "$a" || { bad "read w/$a: $ATTR_ERRNO"; return; }
	for v in "$@"; do [ "$ATTR_VALUE" = "$v" ] && { pass "w/$a reads '$v' after the writers"; return; }; done
	bad "w/$a reads '$ATTR_VALUE' after the writers, none of the values written"
}
oneof dev_name "$SRCIF\\n" 'nc-none\n'
oneof remote_ip '192.0.2.2\n' '2001:db8::2\n'
oneof remote_mac 'aa:aa:aa:aa:aa:aa\n' 'bb:bb:bb:bb:bb:bb\n'
oneof remote_port '1111\n' '2222\n'
oneof extended '1\n' '0\n'
oneof userdata/k/value "$UA\\n" "$UB\\n"
oneof enabled '0\n'
cfs_rmdir w

cfs_finish
