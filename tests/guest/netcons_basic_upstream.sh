#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# Linux 6.12's own selftest tools/testing/selftests/drivers/net/netcons_basic.sh, unmodified,
# run from the unpacked kernel tree where it sits (it sources ../../net/lib.sh and
# net_helper.sh relative to itself): a dynamic target made through configfs (remote_ip,
# local_ip, remote_mac, dev_name, enabled) must deliver a line to socat in a namespace. It
# loads netconsole with a plain `modprobe netconsole`, i.e. the module the runner staged for
# NETCONSOLE_IMPL. Exit status: 0 pass, 4 (the selftest's ksft_skip) skip with its reason,
# anything else fail. A failure is retried (3 attempts in all): the selftest gives socat a fixed
# 2-second life (`timeout 2 ip netns exec ... socat`) and sends its line only after
# wait_local_port_listen has seen the socket (up to 10 polls, one `ip netns exec awk` each);
# on a loaded TCG guest those polls alone can outlast the 2 seconds, socat is gone and the line
# is lost (its busywait then times out after 20 s and `set -e` ends it with status 1 and no
# output). A module that does not deliver fails every attempt.
#
# The tree is under $NC_KCACHE (default /root/.cache/netconsole-rs, scripts/toolchain.sh), which
# tests/vm/run shares with the guest at the same path. (With a runner that does not, the guest's
# tmpfs over /root hides it: the selftest then runs in a private mount namespace where that
# tmpfs is unmounted and the host's /root, on the read-only 9p root, shows through.)
. "$(dirname "$0")/../lib/topology.sh"

# The kernel cache: $NC_KCACHE, else where the runner mounted it (9p tag nckcache), else the
# host's default.
kcache=${NC_KCACHE:-}
[ -n "$kcache" ] || kcache=$(awk '$1 == "nckcache" { print $2; exit }' /proc/mounts)
tree=${kcache:-/root/.cache/netconsole-rs}/src/linux-source-6.12
rel=tools/testing/selftests/drivers/net/netcons_basic.sh

[ "$(id -u)" = 0 ] || skip "must run as root"
missing=
for c in bash unshare umount modprobe modinfo ip socat udevadm timeout awk grep mktemp find \
	readlink basename seq; do
	command -v "$c" >/dev/null || missing+=" $c"
done
[ -z "$missing" ] || skip "tools missing for netcons_basic.sh:$missing"
[ -d /sys/module/netconsole ] && fail "netconsole is already loaded: the selftest must load it"

# The module `modprobe netconsole` will load must be the one asked for (as load_netconsole).
file=$(modinfo -F filename netconsole 2>/dev/null)
case "${NETCONSOLE_IMPL:-rust}:$file" in
rust:*/updates/netconsole.ko | c:*/kernel/drivers/net/netconsole.ko) ;;
*) fail "NETCONSOLE_IMPL=${NETCONSOLE_IMPL:-rust} but modprobe would load '$file'" ;;
esac
info "modprobe netconsole loads $file"

hide=
# The runner shares the kernel cache at its path; only without that must /root be uncovered.
[ -f "$tree/$rel" ] || case "$tree" in
/root/*) grep -q '^[^ ]* /root tmpfs ' /proc/mounts && hide=/root ;;
/tmp/* | /run/* | /var/log/* | /var/lib/*)
	skip "the kernel tree $tree is under a guest tmpfs that cannot be unmounted" ;;
esac

# run_selftest OUT: run it once in its own mount namespace; its exit status.
run_selftest() {
	# shellcheck disable=SC2016
	unshare --mount --propagation private bash -c '
		if [ -n "$1" ]; then umount "$1" || exit 99; fi
		[ -f "$2/$3" ] || exit 98
		cd "$(dirname "$2/$3")" && BASH_ENV=$4 exec bash "./$(basename "$3")"
	' netcons "$hide" "$tree" "$rel" "$1.env" >"$1" 2>&1
}

fails=0
for attempt in 1 2 3; do
	out=$NC_TMP/selftest-$attempt.out
	# Trace it (timestamps, to its own file) through BASH_ENV: the script is run as it is.
	printf '%s\n' "PS4='+ [\$EPOCHREALTIME] '" "exec 7>>'$out.trace'" BASH_XTRACEFD=7 'set -x' \
		>"$out.env"
	run_selftest "$out"
	rc=$?
	sed 's/^/| /' "$out"
	if [ $rc != 0 ] && [ $rc != 4 ]; then
		info "the selftest's main steps (xtrace):"
		grep -E "socat|/dev/kmsg|wait_local_port_listen|busywait [0-9]|test -s|validate_result|enabled|trap|exit|cleanup$" \
			"$out.trace" | grep -v "^+++" | head -n 40 | sed 's/^/# | /'
	fi
	info "netcons_basic.sh attempt $attempt: exit status $rc"
	case $rc in
	0 | 4 | 98 | 99) break ;;
	esac
	[ -s "$out" ] || info "(no output: with set -e, its busywait for socat's file timed out)"
	fails=$((fails + 1)) rc1=$rc
done
# A skip on a retry (e.g. an earlier attempt's addresses left behind) does not hide a failure.
[ $fails -gt 0 ] && [ $rc = 4 ] && rc=$rc1
[ $fails -gt 0 ] && [ $rc = 0 ] && info "passed on attempt $attempt ($fails missed socat's 2-second window)"

case $rc in
98) skip "the selftest is not there: $tree/$rel (unpacked by scripts/build-kernel.sh; NC_KCACHE?)" ;;
99) fail "cannot unmount the guest's $hide to reach $tree" ;;
esac
if [ -d /sys/module/netconsole ]; then
	taint=$(cat /sys/module/netconsole/taint 2>/dev/null)
	case "${NETCONSOLE_IMPL:-rust}:$taint" in
	rust:*O* | c:) info "the loaded netconsole is the ${NETCONSOLE_IMPL:-rust} one (taint '$taint')" ;;
	*) fail "the loaded netconsole does not look like the ${NETCONSOLE_IMPL:-rust} one (taint '$taint')" ;;
	esac
elif [ $rc = 0 ]; then
	fail "the selftest passed but netconsole is not loaded"
fi
case $rc in
0) ;;
4) skip "upstream netcons_basic.sh: $(grep -m1 -iE 'skip|not available|does not exist' "$out" || tail -n 1 "$out")" ;;
*) fail "upstream netcons_basic.sh failed (exit $rc)" ;;
esac

# The selftest removes its target; the module must then unload cleanly.
if [ -d /sys/module/netconsole ]; then
	rmout=$(rmmod netconsole 2>&1) || fail "rmmod netconsole after the selftest failed: $rmout"
fi
echo "ok - upstream netcons_basic.sh passed"
