# SPDX-License-Identifier: GPL-2.0
# Sourced by the differential wire tests (tests/guest/wire_differential_*.sh), after
# tests/lib/topology.sh: in one guest, the kernel's C netconsole and ours send the same printk
# records, one module after the other (same module name), and every datagram each sends is
# compared, datagram by datagram (count, order, bytes). The records, the receiving and the
# comparison are in tests/lib/wire_diff.py, run as one helper process for the whole test.
#
#   wd_setup 4|6           after topo_setup: start the helper, which receives on every port
#                          below in $NC_NS
#   wd_replay SET [BASIC [EXT]]  the records of SET are logged once, before either module is
#                          loaded; then each module is loaded with three boot targets (basic,
#                          extended, extended with release) whose consoles replay the log from
#                          those records on (CON_PRINTBUFFER), so both send the very same
#                          records (same seq, same timestamp); the basic target must produce
#                          messages of every size in BASIC (comma separated), the extended ones
#                          of every size in EXT
#   wd_live UD...          userdata: configfs targets (extended, extended with release) with
#                          each userdata configuration UD in turn; each module sends records
#                          logged while it is loaded, compared with seq and timestamp
#                          normalised (see wire_diff.py)
#   wd_finish              print the number of datagrams compared; fail on any difference
#   wd_suite 4|6           all of the above, for one address family
#
# Ports: C targets 6700 + i, ours 6800 + i; i = 0 basic, 1 extended, 2 extended with release
# (boot targets), 3 extended, 4 extended with release (configfs targets with userdata).

WD_PY=$NC_LIB/wire_diff.py
WD_KINDS=(basic ext ext-release ext ext-release)
WD_FAMILY='' WD_DST='' WD_SRC='' WD_LOADED='' WD_REPLY=
WD_FAILED=0 WD_DIGITS=0
WD_TAG=$(date +%s%N | sha256sum | cut -c1-8)
NC_CFG=${NC_CFG:-/sys/kernel/config/netconsole}

wd_port() { # wd_port c|rust I
	case "$1" in
	c) echo $((6700 + $2)) ;;
	*) echo $((6800 + $2)) ;;
	esac
}

# wd_req FIELD...: one request to the helper; its reply (without "OK ") in WD_REPLY. Fails the
# test if the helper is gone; non-zero on an "ERR" reply. No time limit here: every request
# ends (waits in the helper have their own), and tests/vm/run's timeout is the backstop.
wd_req() {
	local IFS=$'\t' line
	printf '%s\n' "$*" >&"${NCWD[1]}" || fail "the wire_diff helper is gone (request $1)"
	IFS= read -r -u "${NCWD[0]}" line || fail "the wire_diff helper is gone (request $1)"
	case "$line" in
	OK) WD_REPLY= ; return 0 ;;
	'OK '*) WD_REPLY=${line#OK }; return 0 ;;
	*) WD_REPLY=${line#ERR }; return 1 ;;
	esac
}

# Remove our configfs targets (keys first), stop the helper, then the topology's cleanup.
wd_cleanup() {
	local rc=$? t k
	for t in "$NC_CFG"/wd*; do
		[ -d "$t" ] || continue
		echo 0 >"$t/enabled" 2>/dev/null
		for k in "$t"/userdata/*; do [ -d "$k" ] && rmdir "$k"; done
		rmdir "$t" 2>/dev/null
	done
	if [ -n "${NCWD_PID:-}" ]; then
		kill "$NCWD_PID" 2>/dev/null
		wait "$NCWD_PID" 2>/dev/null
	fi
	(exit $rc)
	topo_cleanup
}

wd_setup() {
	WD_FAMILY=$1
	if [ "$WD_FAMILY" = 6 ]; then WD_DST=$DSTIP6 WD_SRC=$SRCIP6; else WD_DST=$DSTIP WD_SRC=$SRCIP; fi
	[ "${NETCONSOLE_IMPL:-rust}" = rust ] ||
		skip "compares both modules itself: run it with --impl rust (ours via modprobe)"
	if [ -z "${NC_MODROOT_C:-}" ] || [ ! -d "$NC_MODROOT_C/lib/modules/$(uname -r)" ]; then
		fail "NC_MODROOT_C (the kernel's own module tree, from tests/vm/run) is not usable: '${NC_MODROOT_C:-}'"
	fi
	case "$(modinfo -F filename netconsole 2>/dev/null)" in
	*/updates/netconsole.ko) ;;
	*) fail "modprobe does not find our netconsole.ko: '$(modinfo -F filename netconsole 2>&1)'" ;;
	esac
	case "$(/usr/sbin/modinfo -b "$NC_MODROOT_C" -F filename netconsole 2>/dev/null)" in
	*/kernel/drivers/net/netconsole.ko) ;;
	*) fail "the C netconsole.ko is not in $NC_MODROOT_C" ;;
	esac
	local ports=() i line
	for i in 0 1 2 3 4; do ports+=("$(wd_port c $i)" "$(wd_port rust $i)"); done
	coproc NCWD { exec "$NC_PY" -S -u "$WD_PY" "$NC_NS" "$SRCIF" \
		"$(IFS=,; echo "${ports[*]}")" "$WD_FAMILY"; }
	trap wd_cleanup EXIT
	IFS= read -r -u "${NCWD[0]}" line || line=
	[ "$line" = "OK ready" ] || fail "the wire_diff helper did not start"
}

# wd_load c|rust [PARAM]: load that implementation's netconsole.ko (with netconsole=PARAM).
wd_load() {
	local impl=$1 param=${2:-} out args=()
	[ -n "$param" ] && args=("netconsole=$param")
	[ -d /sys/module/netconsole ] && fail "netconsole is already loaded"
	if [ "$impl" = c ]; then
		out=$(/usr/sbin/modprobe -d "$NC_MODROOT_C" netconsole "${args[@]}" 2>&1)
	else
		out=$(modprobe netconsole "${args[@]}" 2>&1)
	fi || fail "loading the $impl netconsole failed: $out"
	[ -d /sys/module/netconsole ] || fail "netconsole ($impl) is not loaded after modprobe"
	WD_LOADED=$impl
}

wd_unload() {
	rmmod netconsole || fail "rmmod netconsole ($WD_LOADED) failed"
	WD_LOADED=
}

# wd_capture IMPL LABEL END IDX... -- CMD...: run CMD (which makes the module send), wait for
# END on the ports of targets IDX, run $WD_AFTER if set, and keep what arrived as
# IMPL-LABEL-IDX. If datagrams were lost on the way (netdevsim's receive ring full, see the
# helper's "drops"), do it again, at most 3 times: CMD must send the same datagrams each time.
wd_capture() {
	local impl=$1 label=$2 end=$3 idx=() ports=() i try d0 d1 w why
	shift 3
	while [ "$1" != -- ]; do idx+=("$1"); ports+=("$(wd_port "$impl" "$1")"); shift; done
	shift
	for try in 1 2 3; do
		wd_req mark || fail "mark: $WD_REPLY"
		wd_req drops || fail "drops: $WD_REPLY"
		d0=$WD_REPLY
		"$@"
		wd_req wait "$end" 120 "${ports[@]}"
		w=$? why=$WD_REPLY
		[ -z "${WD_AFTER:-}" ] || $WD_AFTER
		wd_req drops || fail "drops: $WD_REPLY"
		d1=$WD_REPLY
		if [ "$d1" = "$d0" ]; then
			[ $w = 0 ] && break
			fail "$label ($impl): $why"
		fi
		info "$label ($impl): $((d1 - d0)) datagrams lost on the way; again"
		[ "$try" = 3 ] && fail "$label ($impl): datagrams lost on the way in 3 tries"
	done
	for i in "${idx[@]}"; do
		wd_req save "$impl-$label-$i" "$(wd_port "$impl" "$i")" || fail "save: $WD_REPLY"
	done
}

# wd_compare LABEL START END LIVE REQUIRE IDX: compare what the C and our target IDX sent.
wd_compare() {
	local label=$1 i=$6
	wd_req compare "c-$label-$i" "rust-$label-$i" "$2" "$3" "${WD_KINDS[$i]}" \
		"$label ipv$WD_FAMILY ${WD_KINDS[$i]}" "$4" "$5" && return 0
	case "$WD_REPLY" in
	*': digits') WD_DIGITS=1 ;;
	*) WD_FAILED=1 ;;
	esac
}

wd_replay() {
	local set=$1 req_basic=${2:-} req_ext=${3:-} start end impl param i p
	start="wd-$set-$WD_TAG-start" end="wd-$set-$WD_TAG-end"
	wd_req prepare 300 || fail "prepare: $WD_REPLY"
	wd_req emit "$set" "$start" "$end" || fail "logging $set: $WD_REPLY"
	for impl in c rust; do
		param=
		for i in 0 1 2; do
			case $i in 0) p= ;; 1) p=+ ;; 2) p=+r ;; esac
			param+="${param:+;}$p@/$SRCIF,$(wd_port "$impl" "$i")@$WD_DST/$DSTMAC"
		done
		WD_AFTER=wd_unload wd_capture "$impl" "$set" "$end" 0 1 2 -- wd_load "$impl" "$param"
	done
	wd_compare "$set" "$start" "$end" 0 "$req_basic" 0
	wd_compare "$set" "$start" "$end" 0 "$req_ext" 1
	wd_compare "$set" "$start" "$end" 0 "$req_ext" 2
}

wd_target() { # wd_target NAME PORT RELEASE: an enabled extended configfs target
	local t=$NC_CFG/$1 a
	mkdir "$t" || fail "mkdir $t"
	for a in "dev_name $SRCIF" "local_ip $WD_SRC" "remote_ip $WD_DST" "remote_port $2" \
		"remote_mac $DSTMAC" "extended 1" "release $3" "enabled 1"; do
		echo "${a#* }" >"$t/${a%% *}" || fail "writing ${a#* } to $t/${a%% *}"
	done
}

# Uptime and printk sequence numbers must keep their number of digits while both modules send
# the live records (else header lengths differ and the datagrams cannot be compared).
# wd_uptime_fits S: the uptime (in seconds) keeps its number of digits for the next S seconds.
wd_uptime_fits() {
	local up
	read -r up _ </proc/uptime
	awk -v u="$up" -v s="$1" 'BEGIN { for (b = 10; b <= 1e6; b *= 10) if (u < b && u + s >= b) exit 1 }'
}

# wd_digits_guard S: wait until the uptime keeps its digits for S seconds; log filler records
# if the sequence numbers would gain a digit within the next 1000 records.
wd_digits_guard() {
	while ! wd_uptime_fits "$1"; do
		info "waiting for the uptime to gain a digit (so do the timestamps)"
		sleep 5
	done
	wd_req prepare 1000 || fail "prepare: $WD_REPLY"
}

# wd_suite 4|6: everything for one address family (after topo_setup): the replayed record
# sets, and the userdata configurations 1 to 4 live. The live part goes first when the
# uptime keeps its digits long enough, else after the replays (rather than waiting).
wd_suite() {
	local live_first=0 t0=$SECONDS
	wd_setup "$1"
	wd_uptime_fits 45 && live_first=1
	[ $live_first = 1 ] && wd_live 1 2 3 4
	wd_replay small
	wd_replay b1000 999,1000,1001 999,1000,1001
	wd_replay b2000e "" 1999,2000,2001
	wd_replay b2000l 1999,2000,2001 ""
	[ $live_first = 1 ] || wd_live 1 2 3 4
	info "$((SECONDS - t0)) s"
	wd_finish
}

_wd_live() { wd_req live "$1" "$2" "$3" || fail "logging userdata $1 records: $WD_REPLY"; }

# wd_live UD...: see the header. If the timestamps or sequence numbers of the two modules'
# records have different numbers of digits after all (wd_digits_guard waits only so long), it
# is done once more, with the uptime past the boundary then.
wd_live() {
	local try
	for try in 1 2; do
		WD_DIGITS=0
		wd_digits_guard 30
		wd_live_once "$@"
		[ "$WD_DIGITS" = 0 ] && return 0
	done
	fail "the live records of the two modules could not be compared (see above)"
}

wd_live_once() {
	local impl ud i start end
	for impl in c rust; do
		wd_load "$impl"
		wd_target wdext "$(wd_port "$impl" 3)" 0
		wd_target wdrel "$(wd_port "$impl" 4)" 1
		for ud in "$@"; do
			start="wd-u$ud-$WD_TAG-start" end="wd-u$ud-$WD_TAG-end"
			for i in wdext wdrel; do
				wd_req userdata "$NC_CFG/$i" "$ud" || fail "userdata $ud on $i: $WD_REPLY"
			done
			wd_capture "$impl" "u$ud" "$end" 3 4 -- _wd_live "$ud" "$start" "$end"
		done
		for i in wdext wdrel; do
			echo 0 >"$NC_CFG/$i/enabled" || fail "disabling $i"
			wd_req userdata "$NC_CFG/$i" 0 || fail "removing the userdata of $i: $WD_REPLY"
			rmdir "$NC_CFG/$i" || fail "rmdir $i"
		done
		wd_unload
	done
	for ud in "$@"; do
		start="wd-u$ud-$WD_TAG-start" end="wd-u$ud-$WD_TAG-end"
		for i in 3 4; do wd_compare "u$ud" "$start" "$end" 1 "" "$i"; done
	done
}

wd_finish() {
	wd_req total || fail "total: $WD_REPLY"
	info "datagrams compared: $WD_REPLY"
	[ "$WD_FAILED" = 0 ] || fail "the C and the Rust netconsole sent different datagrams (see above)"
	[ "${WD_REPLY:-0}" -gt 0 ] || fail "no datagram was compared"
	echo "# $WD_REPLY datagrams compared between the C and the Rust netconsole: all identical"
}
