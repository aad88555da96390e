# SPDX-License-Identifier: GPL-2.0
# Sourced by the in-guest tests (tests/guest/*.sh): two netdevsim devices linked back to back,
# the receiving one in the network namespace "nc-recv", as upstream's
# tools/testing/selftests/drivers/net/netcons_basic.sh sets them up, plus helpers to load
# netconsole, receive its datagrams exactly and build what they must contain.
#
#   sender:   $SRCIF (nc-src) in the initial namespace, $SRCIP / $SRCIP6, MAC $SRCMAC
#   receiver: $DSTIF (nc-dst) in namespace $NC_NS,      $DSTIP / $DSTIP6, MAC $DSTMAC
#
# Conventions: exit 0 pass, 1 fail (fail "why"), 4 skip (skip "why"). `topo_setup` installs
# an EXIT trap that runs `topo_cleanup` (receivers stopped, netconsole unloaded, devices and
# namespace deleted), so that a test also exercises teardown.

NC_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NC_RECV_PY=$NC_LIB/udp_recv.py
NC_PY=/usr/bin/python3
# udp_recv.py ARGS...: the receiver/comparison helper (-S: stdlib only, starts faster).
udp_recv() { "$NC_PY" -S "$NC_RECV_PY" "$@"; }
ksft_pass=0
ksft_fail=1
ksft_skip=4

NC_NS=nc-recv
SRCIF=nc-src
DSTIF=nc-dst
SRCIP=192.0.2.1
DSTIP=192.0.2.2
SRCIP6=2001:db8::1
DSTIP6=2001:db8::2
SRCMAC=
DSTMAC=
NSIM_SRC_ID=$((256 + RANDOM % 256))
NSIM_DST_ID=$((512 + RANDOM % 256))
NC_TMP=$(mktemp -d /tmp/nc-test.XXXXXX)
NC_RECV_PIDS=()
NC_TEST=$(basename "$0" .sh)

info() { echo "# $*"; }

# nc_kconfig NAME: the kernel has CONFIG_NAME=y (from $NC_KCONFIG, the copy of the kernel's
# .config that tests/vm/run passes in, else /proc/config.gz).
nc_kconfig() {
	if [ -n "${NC_KCONFIG:-}" ] && [ -f "$NC_KCONFIG" ]; then
		grep -qx "CONFIG_$1=y" "$NC_KCONFIG"
	elif [ -r /proc/config.gz ]; then
		zcat /proc/config.gz | grep -qx "CONFIG_$1=y"
	else
		echo "# warning: kernel config unknown, assuming CONFIG_$1 is not set" >&2
		return 1
	fi
}

# nc_kind plain|ext|ext-release: the format a target of netconsole= sends on this kernel, for a
# target without "+" (plain), with "+" (ext) and with "+r" (ext-release). As in the C
# module's alloc_and_init(), CONFIG_NETCONSOLE_EXTENDED_LOG makes every target extended and
# CONFIG_NETCONSOLE_PREPEND_RELEASE adds the release, so a drop-in must do the same.
nc_kind() {
	local ext=0 rel=0
	nc_kconfig NETCONSOLE_EXTENDED_LOG && ext=1
	nc_kconfig NETCONSOLE_PREPEND_RELEASE && rel=1
	case "$1:$ext:$rel" in
	plain:0:*) echo basic ;;
	plain:1:0 | ext:*:0) echo ext ;;
	plain:1:1 | ext:*:1 | ext-release:*) echo ext-release ;;
	*) echo "nc_kind: bad kind $1" >&2; return 1 ;;
	esac
}

# Diagnostics for a failure: the network on both sides, the end of the kernel log, what the
# receivers got.
nc_diag() {
	echo "---- diagnostics ----"
	ip -br addr 2>&1
	ip netns exec "$NC_NS" ip -br addr 2>&1
	ip -s link show "$SRCIF" 2>&1 | sed -n '1,8p'
	ls /sys/kernel/config/netconsole/ 2>&1 | sed 's/^/configfs: /'
	local f
	for f in "$NC_TMP"/*.recv; do
		[ -f "$f" ] || continue
		echo "-- last datagrams of $f:"
		udp_recv dump "$f" | tail -n 15
	done
	echo "-- kernel log (last 40 lines):"
	dmesg | tail -n 40
	echo "---------------------"
}

fail() {
	echo "FAIL: $*"
	nc_diag
	exit "$ksft_fail"
}

skip() {
	echo "SKIP: $*"
	exit "$ksft_skip"
}

# Run a command; fail the test with its output if it fails.
must() {
	local out
	out=$("$@" 2>&1) || fail "'$*' failed: $out"
	[ -z "$out" ] || echo "$out"
}

require_cmds() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c is not available"
	done
}

nsim_ifname() { # sysfs dir of a netdevsim device -> its (only) interface name
	local d
	for d in "$1"/net/*; do
		[ -e "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}

topo_setup() {
	[ "$(id -u)" = 0 ] || skip "must run as root"
	require_cmds ip modprobe "$NC_PY"
	# In the project's own guest (tests/vm/run) the kernel must have them: fail, not skip.
	local missing=skip
	[ -n "${NC_GUEST:-}" ] && missing=fail
	modprobe netdevsim 2>/dev/null || $missing "netdevsim is not available"
	[ -w /sys/bus/netdevsim/link_device ] || $missing "netdevsim cannot link devices"
	[ -d /sys/class/net/$SRCIF ] && skip "interface $SRCIF already exists"
	trap topo_cleanup EXIT

	ip netns add "$NC_NS" || fail "cannot create namespace $NC_NS"
	ip -n "$NC_NS" link set lo up

	echo "$NSIM_SRC_ID" >/sys/bus/netdevsim/new_device || fail "netdevsim new_device"
	echo "$NSIM_DST_ID" >/sys/bus/netdevsim/new_device || fail "netdevsim new_device"
	udevadm settle 2>/dev/null || true
	local s=/sys/bus/netdevsim/devices/netdevsim$NSIM_SRC_ID
	local d=/sys/bus/netdevsim/devices/netdevsim$NSIM_DST_ID
	local i src dst
	for i in $(seq 50); do
		src=$(nsim_ifname "$s") && dst=$(nsim_ifname "$d") && break
		sleep 0.1
	done
	[ -n "$src" ] && [ -n "$dst" ] || fail "netdevsim interfaces did not appear"
	must ip link set "$src" name "$SRCIF"
	must ip link set "$dst" name "$DSTIF"

	local srcidx dstidx nsfd initfd
	srcidx=$(cat /sys/class/net/$SRCIF/ifindex)
	dstidx=$(cat /sys/class/net/$DSTIF/ifindex)
	must ip link set "$DSTIF" netns "$NC_NS"
	exec {nsfd}</run/netns/"$NC_NS"
	exec {initfd}</proc/self/ns/net
	echo "$initfd:$srcidx $nsfd:$dstidx" >/sys/bus/netdevsim/link_device ||
		fail "linking $SRCIF with $DSTIF failed"
	exec {nsfd}<&- {initfd}<&-

	must ip addr add "$SRCIP/24" dev "$SRCIF"
	must ip -6 addr add "$SRCIP6/64" dev "$SRCIF" nodad
	must ip link set "$SRCIF" up
	must ip -n "$NC_NS" addr add "$DSTIP/24" dev "$DSTIF"
	must ip -n "$NC_NS" -6 addr add "$DSTIP6/64" dev "$DSTIF" nodad
	must ip -n "$NC_NS" link set "$DSTIF" up

	SRCMAC=$(cat /sys/class/net/$SRCIF/address)
	DSTMAC=$(ip netns exec "$NC_NS" cat /sys/class/net/$DSTIF/address)
	for i in $(seq 50); do
		[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] && break
		sleep 0.1
	done
	[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] || fail "$SRCIF has no carrier"
	info "topology: $SRCIF $SRCMAC $SRCIP $SRCIP6 -> [$NC_NS] $DSTIF $DSTMAC $DSTIP $DSTIP6"
}

# Delete the netdevsim devices (both or the given ids). Each deletion must finish within
# $2 seconds (default 20): a device reference leaked by netconsole would make it hang in
# unregister_netdevice; then fail (the kernel log then also says "waiting for").
nsim_delete() {
	local id=$1 limit=${2:-20} i
	[ -d /sys/bus/netdevsim/devices/netdevsim$id ] || return 0
	echo "$id" >/sys/bus/netdevsim/del_device &
	local pid=$!
	for i in $(seq $((limit * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "FAIL: deleting netdevsim$id did not finish within ${limit}s"
		return 1
	fi
	wait "$pid"
}

# topo_teardown: stop the receivers, unload netconsole, delete the devices (promptly) and the
# namespace. Non-zero if any step failed; topo_setup can be called again afterwards.
topo_teardown() {
	local rc=0
	stop_receivers
	if [ -d /sys/module/netconsole ]; then
		rmmod netconsole 2>/dev/null || { echo "FAIL: rmmod netconsole failed"; rc=1; }
	fi
	nsim_delete "$NSIM_SRC_ID" || rc=1
	nsim_delete "$NSIM_DST_ID" || rc=1
	ip netns del "$NC_NS" 2>/dev/null
	return $rc
}

topo_cleanup() {
	local rc=$?
	trap - EXIT
	topo_teardown || rc=1
	rm -rf "$NC_TMP"
	exit "$rc"
}

# load_netconsole PARAM [MODPROBE ARGS...]: modprobe netconsole netconsole=PARAM (an empty
# PARAM loads without it), and check that the implementation asked for is the one loaded.
load_netconsole() {
	local param=$1 out file
	shift
	if [ -n "$param" ]; then
		out=$(modprobe netconsole "netconsole=$param" "$@" 2>&1)
	else
		out=$(modprobe netconsole "$@" 2>&1)
	fi || fail "modprobe netconsole failed: $out"
	[ -d /sys/module/netconsole ] || fail "netconsole is not loaded after modprobe"
	file=$(modinfo -F filename netconsole 2>/dev/null)
	case "${NETCONSOLE_IMPL:-rust}:$file" in
	rust:*/updates/netconsole.ko | c:*/kernel/drivers/net/netconsole.ko) ;;
	*) fail "NETCONSOLE_IMPL=${NETCONSOLE_IMPL:-rust} but modprobe uses '$file'" ;;
	esac
	info "netconsole ($NETCONSOLE_IMPL) loaded with netconsole=$param"
}

# start_receiver PORT FILE [v6]: receive UDP datagrams to PORT in $NC_NS into FILE (one hex
# line per datagram; see udp_recv.py). Returns once the socket is bound.
start_receiver() {
	local port=$1 file=$2 v6=${3:-} ready
	ready=$file.ready
	rm -f "$ready"
	ip netns exec "$NC_NS" "$NC_PY" -S "$NC_RECV_PY" listen --port "$port" --out "$file" \
		--ready "$ready" ${v6:+--ipv6} --timeout 600 &
	NC_RECV_PIDS+=($!)
	wait_ready "$ready" "$!" "receiver on port $port"
}

# wait_ready FILE PID WHAT: wait (up to 10 s) until the background process PID has written
# FILE to say it is ready; fail if it exits first or never does.
wait_ready() {
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || fail "$3 exited"
		sleep 0.05
	done
	fail "$3 did not start"
}

stop_receivers() {
	local p
	for p in "${NC_RECV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	NC_RECV_PIDS=()
}

# wait_datagrams FILE N TIMEOUT [CONTAINING]: wait until FILE holds N datagrams (containing
# the text CONTAINING); 1 on timeout.
wait_datagrams() {
	udp_recv wait "$1" --count "$2" --timeout "$3" ${4:+--contains "$4"}
}

# nc_marker: a unique message text to log.
nc_marker() {
	echo "nc-test-$NC_TEST-${1:-msg}-$(date +%s%N | sha256sum | cut -c1-12)"
}

# kmsg_write TEXT: log TEXT as a kernel message (default level, facility user).
kmsg_write() {
	echo "$1" >/dev/kmsg || fail "writing to /dev/kmsg failed"
}

# expect_from_kmsg MARKER OUTFILE [basic|ext|ext-release]: write to OUTFILE what a target of
# that kind must send for the kernel log record containing MARKER.
expect_from_kmsg() {
	local marker=$1 out=$2 kind=${3:-ext}
	local args=(kmsg --contains "$marker" --out "$out")
	case "$kind" in
	basic) args+=(--basic) ;;
	ext) ;;
	ext-release) args+=(--release "$(uname -r)") ;;
	*) fail "expect_from_kmsg: unknown kind $kind" ;;
	esac
	udp_recv "${args[@]}" || fail "no single kernel log record contains $marker"
}

# expect_datagram FILE MARKER EXPECTED [COUNT]: exactly COUNT (1) datagrams of FILE contain
# MARKER and each equals the bytes of the file EXPECTED; fail otherwise.
expect_datagram() {
	udp_recv check "$1" --contains "$2" --expected "$3" --count "${4:-1}" ||
		fail "datagrams in $1 for '$2' are not as expected"
}

# wait_and_check MARKER KIND FILE: the datagram for MARKER arrives in FILE within 10 s, only
# once, and is exactly what a KIND (basic|ext|ext-release) target sends for its kernel log
# record.
wait_and_check() {
	local marker=$1 kind=$2 file=$3 args
	args=(expect "$file" --contains "$marker" --save "$file.$kind.expected" --timeout 10)
	case "$kind" in
	basic) args+=(--kind basic) ;;
	ext) args+=(--kind ext) ;;
	ext-release) args+=(--kind ext --release "$(uname -r)") ;;
	*) fail "wait_and_check: unknown kind $kind" ;;
	esac
	udp_recv "${args[@]}" || fail "no exact $kind datagram for $marker in $file"
	info "$(basename "$file"): $kind datagram for $marker is exact"
}
