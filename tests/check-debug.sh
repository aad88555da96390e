#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The sanitizer run (`make check-debug`; tests/check.sh runs the bounded mode): builds the
# debug kernel flavour (scripts/build-kernel.sh debug: clang, KASAN, kmemleak, lockdep,
# PROVE_RCU, atomic-sleep checks, failslab) and the module against it, then runs guest tests
# under it, all of one implementation in one boot (tests/vm/suite.sh; the boot alone takes a
# minute or more under TCG). Any KASAN, kmemleak, lockdep, RCU or atomic-sleep report fails.
#
# Usage: tests/check-debug.sh [--full] [--impl c|rust]
#   bounded (default, what make check runs): rust only; torture for NC_TORTURE_SECONDS
#           (default 60), configfs_hostile, fault_setup
#   --full  (make check-debug): torture for NC_TORTURE_SECONDS (default 300), the same tests
#           plus a selection of the other guest tests, for both implementations (C for the
#           tests marked "impl: both")
# Output: "ok - guest-debug/<impl>/<test>", "not ok - ... # reason", "ok - ... # SKIP reason"
# and "#" comment lines (tests/check.sh turns them into TAP); exit 1 if anything failed.
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$NC_TOP/scripts/toolchain.sh"
cd "$NC_TOP"

usage() { sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
full=0 impls=
while [ $# -gt 0 ]; do
	case "$1" in
	--full) full=1; shift ;;
	--impl) [ $# -ge 2 ] || usage; impls=$2; shift 2 ;;
	*) usage ;;
	esac
done

TESTS=(torture configfs_hostile fault_setup)
if [ $full = 1 ]; then
	TESTS+=(basic_ipv4 extended_ipv6 configfs_enable configfs_userdata configfs_sysdata
		netdev_unregister netdev_resume_races pool_fallback)
	export NC_TORTURE_SECONDS=${NC_TORTURE_SECONDS:-300}
	impls=${impls:-rust c}
else
	export NC_TORTURE_SECONDS=${NC_TORTURE_SECONDS:-60}
	impls=${impls:-rust}
fi
LOGS=$NC_BUILD/check-debug
mkdir -p "$LOGS"
failed=0
not_ok() { echo "not ok - $1${2:+ # $2}"; failed=1; }

# The kernel, and the module built against it in a copy of its sources, so that the
# netconsole.ko of the default kernel (make module) stays as it is.
if ! KDIR=$(bash scripts/build-kernel.sh debug); then
	not_ok guest-debug/kernel "the debug kernel did not build (logs: $NC_LOGS)"
	exit 1
fi
echo "# debug kernel: $KDIR"
MODSRC=$NC_BUILD/debug-module
mkdir -p "$MODSRC"
# Sources only (not the default kernel's objects); mtimes kept, so an unchanged tree does not
# rebuild.
find Kbuild Kconfig netconsole.lds src rust-bindings -type f \( -name Kbuild -o -name Kconfig \
	-o -name '*.lds' -o -name '*.rs' -o -name '*.c' -o -name '*.h' \) ! -name '*_generated.rs' -print0 |
	xargs -0 cp -a --parents -t "$MODSRC"
build_module() {
	make -C "$KDIR" M="$MODSRC" $NC_KMAKE_FLAGS LLVM=1 modules
}
if ! step debug-module build_module; then
	not_ok guest-debug/module "the module did not build against the debug kernel (log: $NC_LOGS/debug-module.log)"
	exit 1
fi
if grep -qE '(^|: )(warning|error)' "$NC_LOGS/debug-module.log"; then
	not_ok guest-debug/module "warnings building against the debug kernel (log: $NC_LOGS/debug-module.log)"
	grep -E -A6 '(^|: )(warning|error)' "$NC_LOGS/debug-module.log" | head -n 30 | sed 's/^/#   /'
fi

# The tests a C run can take: "impl: both".
both_only() {
	local t
	for t in "$@"; do
		grep -q '^# impl: *both' "tests/guest/$t.sh" && echo "$t"
	done
}

for impl in $impls; do
	if [ "$impl" = c ]; then
		mapfile -t tests < <(both_only "${TESTS[@]}")
	else
		tests=("${TESTS[@]}")
	fi
	[ ${#tests[@]} -gt 0 ] || continue
	log=$LOGS/$impl.log
	# Boot (65 s or more) plus each test's own bound, with room for a loaded machine.
	timeout=$((600 + NC_TORTURE_SECONDS * 2 + ${#tests[@]} * 240))
	say "guest-debug/$impl: ${tests[*]} in one boot (timeout ${timeout}s, log: $log)"
	t0=$SECONDS
	NETCONSOLE_IMPL=$impl NC_KDIR=$KDIR NC_MODULE=$MODSRC/netconsole.ko \
		tests/vm/run --impl "$impl" --timeout "$timeout" tests/vm/suite.sh "${tests[@]}" \
		>"$log" 2>&1
	rc=$?
	echo "#   guest-debug/$impl: $((SECONDS - t0))s, torture ${NC_TORTURE_SECONDS}s"
	seen=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		'nc-suite: ok '*) set -- ${line#nc-suite: ok }
			echo "ok - guest-debug/$impl/$1"; echo "#   $1 ${*:2}"; seen=1 ;;
		'nc-suite: skip '*) set -- ${line#nc-suite: skip }
			echo "ok - guest-debug/$impl/$1 # SKIP $(grep -m1 '^SKIP: ' "$log" | cut -c7-100)"; seen=1 ;;
		'nc-suite: not ok '*) set -- ${line#nc-suite: not ok }
			not_ok "guest-debug/$impl/$1" "${*:2}; log: $log"; seen=1 ;;
		esac
	done <"$log"
	case $rc in
	0) ;;
	1) if grep -q '^vm: FAIL: kernel splat' "$log"; then
		not_ok "guest-debug/$impl/kernel-log" "KASAN/lockdep/RCU/atomic-sleep or other splat; log: $log"
		grep -A40 '^vm: kernel splat' "$log" | head -n 60 | sed 's/^/#   /'
	   fi
	   [ $seen = 1 ] || not_ok "guest-debug/$impl/suite" "exit 1, no results; log: $log" ;;
	*) not_ok "guest-debug/$impl/suite" "infrastructure (exit $rc): $(grep -m1 '^vm: ' "$log" | cut -c1-150); log: $log"
	   tail -n 30 "$log" | sed 's/^/#   /' ;;
	esac
done
exit $failed
