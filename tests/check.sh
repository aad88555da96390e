#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The `make check` driver. Prints TAP and ends with exactly "N passed, N failed, N skipped";
# exits non-zero if anything failed.
#   1. host tests: `cargo test --workspace`, one TAP line per test (host/<crate>/<test>);
#   1b. bounded host fuzzing (scripts/fuzz.sh, NC_FUZZ_SECONDS per target, 0 to skip);
#   2. builds the test kernel (scripts/build-kernel.sh) and the module (make module);
#   3. runs every tests/guest/*.sh in its own guest (tests/vm/run), with NETCONSOLE_IMPL=c
#      (the kernel's C module) when its header says "# impl: both" and with NETCONSOLE_IMPL=rust
#      (ours) for "both" and "rust": guest/<impl>/<test>; a test whose header says
#      "# console-modes: legacy nbcon" runs against ours once more with NC_CONSOLE_MODE=nbcon
#      (module parameter console_mode=nbcon): guest/rust-nbcon/<test>. The receiver tests (recv_*)
#      get the release netconsole-recv (scripts/build-recv.sh);
#   4. runs every tests/host/*.sh on the host with NC_KDIR (the test kernel): host/script/<name>.
#   5. the benchmark's short mode (scripts/bench.sh --short --check): guest/bench/short.
#   6. the sanitizer kernel, bounded (tests/check-debug.sh: KASAN, kmemleak, lockdep, failslab;
#      torture for NC_TORTURE_SECONDS, default 60, hostile configfs input, fault injection, in
#      one boot): guest-debug/<impl>/<test>. NC_CHECK_DEBUG=0 leaves it out.
#
# Usage: tests/check.sh [--impl c|rust] [--no-host] [--no-guest] [--list] [GLOB...]
#   GLOB selects tests by short name (basic_ipv4) or full name (guest/c/basic_*, host/*).
#   With globs, host tests run only if a glob starts with "host".
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
. "$NC_TOP/scripts/toolchain.sh"
cd "$NC_TOP"

usage() { sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

only_impl= do_host=1 do_guest=1 list=0 globs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--impl) [ $# -ge 2 ] || usage; only_impl=$2; shift 2
		case "$only_impl" in c|rust) ;; *) usage ;; esac ;;
	--no-host) do_host=0; shift ;;
	--no-guest) do_guest=0; shift ;;
	--list) list=1; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) globs+=("$1"); shift ;;
	esac
done

start=$SECONDS
CHECK_LOGS=$NC_BUILD/check
mkdir -p "$CHECK_LOGS"
n=0 passed=0 failed=0 skipped=0

tap_ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
tap_not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1${2:+ # $2}"; }
tap_skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP ${2:-}"; }
# Indented excerpt of a log as TAP diagnostics.
tap_diag() { sed 's/^/#   /'; }

# selected FULL SHORT: no globs, or a glob matches one of the names.
selected() {
	[ ${#globs[@]} -eq 0 ] && return 0
	local g
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ "$1" == $g || "$2" == $g ]] && return 0
	done
	return 1
}
host_selected() {
	[ $do_host = 1 ] || return 1
	[ ${#globs[@]} -eq 0 ] && return 0
	local g
	for g in "${globs[@]}"; do [[ "$g" == host* ]] && return 0; done
	return 1
}

# The guest runs: "impl name script console-mode" lines (console mode "-": the default).
guest_runs() {
	local f name impls impl modes mode tag
	for f in "$NC_TOP"/tests/guest/*.sh; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .sh)
		impls=$(sed -n 's/^# impl: *\([a-z]*\).*/\1/p' "$f" | head -n 1)
		case "${impls:-both}" in
		both) impls="c rust" ;;
		rust) impls=rust ;;
		c) impls=c ;;
		*) impls="c rust" ;;
		esac
		modes=$(sed -n 's/^# console-modes: *//p' "$f" | head -n 1)
		for impl in $impls; do
			[ -z "$only_impl" ] || [ "$impl" = "$only_impl" ] || continue
			for mode in - $modes; do
				[ "$mode" = legacy ] && continue
				[ "$impl" = rust ] || [ "$mode" = - ] || continue
				tag=$impl
				[ "$mode" = - ] || tag=$impl-$mode
				selected "guest/$tag/$name" "$name" || continue
				echo "$impl $name $f $mode"
			done
		done
	done
}

# The sanitizer run (step 4): no globs, or a glob for guest-debug/...
debug_selected() {
	[ $do_guest = 1 ] && [ "${NC_CHECK_DEBUG:-1}" != 0 ] || return 1
	[ -z "$only_impl" ] || [ "$only_impl" = rust ] || return 1
	[ ${#globs[@]} -eq 0 ] && return 0
	local g
	for g in "${globs[@]}"; do [[ "$g" == guest-debug* ]] && return 0; done
	return 1
}

if [ $list = 1 ]; then
	host_selected && echo "host tests (cargo test --workspace)"
	host_selected && for f in "$NC_TOP"/tests/host/*.sh; do
		[ -f "$f" ] && echo "host/script/$(basename "$f" .sh)"; done
	[ $do_guest = 1 ] && guest_runs | awk '{ print "guest/" $1 ($4 == "-" ? "" : "-" $4) "/" $2 }'
	[ $do_guest = 1 ] && [ -z "$only_impl" ] && selected guest/bench/short bench_short &&
		echo guest/bench/short
	debug_selected && echo "guest-debug/rust/{torture,configfs_hostile,fault_setup,kmemleak} (one boot of the debug kernel)"
	exit 0
fi

echo "TAP version 13"

# cargo_tap LOG: TAP lines for the "test x ... ok|FAILED|ignored" lines of a cargo test log,
# named host/<test binary or doc-test crate>/<test>. Sets tests_seen=1 if there were any.
cargo_tap() {
	local log=$1 line crate=? t reason
	while IFS= read -r line; do
		case "$line" in
		*'Running '*'(target/'*)
			crate=$(sed -n 's/.*(target\/[^)]*\/deps\/\(.*\)-[0-9a-f]*)$/\1/p' <<<"$line")
			crate=${crate:-?} ;;
		*'Doc-tests '*)
			crate=$(sed -n 's/.*Doc-tests \(.*\)$/\1/p' <<<"$line")/doc ;;
		'test '*' ... ok')
			tests_seen=1; t=${line#test }; t=${t% ... ok}
			selected "host/$crate/$t" "$t" && tap_ok "host/$crate/$t" ;;
		'test '*' ... FAILED')
			tests_seen=1; t=${line#test }; t=${t% ... FAILED}
			if selected "host/$crate/$t" "$t"; then
				tap_not_ok "host/$crate/$t"
				awk -v h="---- $t stdout ----" '$0 == h { p = 1; print; next }
					p && /^(---- |failures:)/ { exit } p' "$log" | head -n 40 | tap_diag
			fi ;;
		'test '*' ... ignored'*)
			tests_seen=1; t=${line#test }; t=${t%% ... ignored*}
			reason=${line#* ... ignored}; reason=${reason#, }
			selected "host/$crate/$t" "$t" && tap_skip "host/$crate/$t" "ignored${reason:+: $reason}" ;;
		esac
	done <"$log"
}

# 1. Host tests. If the workspace as a whole does not build, each package is tested on its own,
# so that one broken crate does not hide the others' results.
if host_selected; then
	if [ ! -f "$NC_TOP/Cargo.toml" ]; then
		tap_not_ok "host/cargo-workspace" "no Cargo.toml at the repository root"
	elif ! command -v cargo >/dev/null; then
		tap_not_ok "host/cargo-workspace" "cargo is not installed"
	else
		log=$CHECK_LOGS/cargo-test.log
		say "host tests: cargo test --workspace (log: $log)"
		cargo test --workspace --no-fail-fast >"$log" 2>&1
		crc=$?
		tests_seen=0
		if [ $crc -ne 0 ] && ! grep -q '^test result: ' "$log"; then
			say "host tests: the workspace does not build; testing each package"
			pkgs=$(cargo metadata --no-deps --format-version 1 2>/dev/null | /usr/bin/python3 -c \
				'import json, sys; print("\n".join(p["name"] for p in json.load(sys.stdin)["packages"]))')
			[ -n "$pkgs" ] || { tap_not_ok "host/cargo-workspace" "cargo metadata failed; log: $log"
				tail -n 30 "$log" | tap_diag; }
			for pkg in $pkgs; do
				plog=$CHECK_LOGS/cargo-test-$pkg.log
				cargo test -p "$pkg" --no-fail-fast >"$plog" 2>&1
				prc=$?
				cargo_tap "$plog"
				if [ $prc -ne 0 ] && ! grep -q '^test .* \.\.\. FAILED$' "$plog"; then
					tap_not_ok "host/$pkg/build" "cargo test -p $pkg failed (exit $prc) outside of any test; log: $plog"
					grep -E -A8 '^error' "$plog" | head -n 40 | tap_diag
				fi
			done
		else
			cargo_tap "$log"
			if [ $crc -ne 0 ] && ! grep -q '^test .* \.\.\. FAILED$' "$log"; then
				tap_not_ok "host/cargo-test" "cargo test --workspace failed (exit $crc) outside of any test; log: $log"
				tail -n 30 "$log" | tap_diag
			elif [ $tests_seen = 0 ]; then
				tap_not_ok "host/cargo-test" "cargo test --workspace ran no tests; log: $log"
			fi
		fi
	fi
fi

# 1b. Host fuzzing, bounded (NC_FUZZ_SECONDS per target, default 10; scripts/fuzz.sh for long
# runs): one TAP line per target.
if host_selected && [ "${NC_FUZZ_SECONDS:-10}" != 0 ]; then
	say "host fuzzing: scripts/fuzz.sh --seconds ${NC_FUZZ_SECONDS:-10}"
	while IFS= read -r l; do
		case "$l" in
		'ok - '*) tap_ok "host/${l#ok - }" ;;
		'not ok - '*) r=${l#not ok - }; tap_not_ok "host/${r%% # *}" "${r#* # }" ;;
		'#'*) echo "$l" ;;
		esac
	done < <(bash "$NC_TOP/scripts/fuzz.sh" --seconds "${NC_FUZZ_SECONDS:-10}" 2>&1)
fi

# 2 and 3. Guest tests.
mapfile -t runs < <([ $do_guest = 1 ] && guest_runs)
if [ ${#runs[@]} -gt 0 ]; then
	kdir_err= rust_err=
	if ! KDIR=$(bash "$NC_TOP/scripts/build-kernel.sh"); then
		kdir_err="the test kernel did not build (see $NC_LOGS)"
	fi
	if [ -z "$kdir_err" ] && printf '%s\n' "${runs[@]}" | grep -q '^rust '; then
		if ! step check-module make -C "$NC_TOP" module KDIR="$KDIR"; then
			rust_err="make module failed (logs: $NC_LOGS/check-module.log, $NC_LOGS/module.log)"
		elif [ ! -f "${NC_MODULE:-$NC_TOP/netconsole.ko}" ]; then
			rust_err="make module did not produce ${NC_MODULE:-$NC_TOP/netconsole.ko}"
		fi
	fi
	recv_err=
	if printf '%s\n' "${runs[@]}" | grep -q '^[a-z]* recv_' &&
		! bash "$NC_TOP/scripts/build-recv.sh" >/dev/null; then
		recv_err="building netconsole-recv failed (log: $NC_LOGS/recv-build.log)"
	fi
	for r in "${runs[@]}"; do
		read -r impl name f mode <<<"$r"
		tag=$impl
		[ "$mode" = - ] || tag=$impl-$mode
		tname=guest/$tag/$name
		if [ -n "$kdir_err" ]; then tap_not_ok "$tname" "$kdir_err"; continue; fi
		if [ "$impl" = rust ] && [ -n "$rust_err" ]; then tap_not_ok "$tname" "$rust_err"; continue; fi
		if [[ "$name" == recv_* ]] && [ -n "$recv_err" ]; then tap_not_ok "$tname" "$recv_err"; continue; fi
		log=$CHECK_LOGS/$tag-$name.log
		say "$tname (log: $log)"
		t0=$SECONDS
		if [ "$mode" = - ]; then
			NETCONSOLE_IMPL=$impl NC_KDIR=$KDIR "$NC_TOP/tests/vm/run" --impl "$impl" "$f" >"$log" 2>&1
		else
			NC_CONSOLE_MODE=$mode NETCONSOLE_IMPL=$impl NC_KDIR=$KDIR \
				"$NC_TOP/tests/vm/run" --impl "$impl" "$f" >"$log" 2>&1
		fi
		rc=$?
		took=$((SECONDS - t0))
		case $rc in
		0) tap_ok "$tname" ;;
		4) reason=$(sed -n 's/^SKIP: *//p' "$log" | tail -n 1)
		   tap_skip "$tname" "${reason:-skipped}" ;;
		*) reason=$(grep -m1 -E '^(FAIL: |vm: )' "$log" | cut -c1-150)
		   [ $rc = 2 ] && reason="infrastructure: $(grep -m1 '^vm: ' "$log" | cut -c1-150)"
		   tap_not_ok "$tname" "${reason:-exit $rc}"
		   echo "# log: $log"
		   tail -n 150 "$log" | tap_diag ;;
		esac
		echo "#   ${took}s"
	done
fi

# 4. Host scripts (packaging and the like): every tests/host/*.sh, run on the host with NC_KDIR
# set to the test kernel; exit 0 pass, 4 skip ("SKIP: reason"), else fail.
if host_selected; then
	for f in "$NC_TOP"/tests/host/*.sh; do
		[ -f "$f" ] || continue
		name=$(basename "$f" .sh)
		tname=host/script/$name
		selected "$tname" "$name" || continue
		if [ -z "${KDIR:-}" ] && ! KDIR=$(bash "$NC_TOP/scripts/build-kernel.sh"); then
			tap_not_ok "$tname" "the test kernel did not build (see $NC_LOGS)"; continue
		fi
		log=$CHECK_LOGS/host-$name.log
		say "$tname (log: $log)"
		t0=$SECONDS
		NC_KDIR=$KDIR bash "$f" >"$log" 2>&1
		rc=$?
		case $rc in
		0) tap_ok "$tname" ;;
		4) reason=$(sed -n 's/^SKIP: *//p' "$log" | tail -n 1); tap_skip "$tname" "${reason:-skipped}" ;;
		*) tap_not_ok "$tname" "$(grep -m1 '^FAIL: ' "$log" | cut -c1-150)"
		   echo "# log: $log"; tail -n 40 "$log" | tap_diag ;;
		esac
		echo "#   $((SECONDS - t0))s"
	done
fi

# 5. The benchmark's short mode (scripts/bench.sh --short --check): one guest with both
# implementations; passes when every benchmark ran and gave sane, non-zero figures (never a
# speed threshold).
if [ $do_guest = 1 ] && [ -z "$only_impl" ] && selected guest/bench/short bench_short; then
	log=$CHECK_LOGS/bench-short.log
	say "guest/bench/short (log: $log)"
	t0=$SECONDS
	if bash "$NC_TOP/scripts/bench.sh" --short --check >"$log" 2>&1; then
		tap_ok guest/bench/short
	else
		tap_not_ok guest/bench/short "$(grep -m1 -E '^(FAIL|error): ' "$log" | cut -c1-150)"
		echo "# log: $log"
		tail -n 40 "$log" | tap_diag
	fi
	echo "#   $((SECONDS - t0))s"
fi

# 6. The sanitizer kernel, bounded (tests/check-debug.sh; make check-debug for the long run).
if debug_selected; then
	say "guest-debug: tests/check-debug.sh (the debug kernel flavour; logs: $NC_BUILD/check-debug)"
	while IFS= read -r l; do
		case "$l" in
		'ok - '*' # SKIP '*) r=${l#ok - }; tap_skip "${r%% # SKIP *}" "${r#* # SKIP }" ;;
		'ok - '*) tap_ok "${l#ok - }" ;;
		'not ok - '*) r=${l#not ok - }; tap_not_ok "${r%% # *}" "${r#* # }" ;;
		'#'*) echo "$l" ;;
		esac
	done < <(bash "$NC_TOP/tests/check-debug.sh" 2>&1)
fi

echo "1..$n"
total=$((SECONDS - start))
echo "# total time: $((total / 60))m$((total % 60))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
