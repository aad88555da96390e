#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fuzz netconsole-rs's pure logic (crates/pure) with cargo-fuzz (libFuzzer) on the stable
# toolchain; see fuzz/README.md.
#
# Usage: scripts/fuzz.sh [--seconds N] [--sanitizer none|address] [--no-replay] [TARGET...]
#   --seconds N     fuzz each target for N seconds (default 20: the bounded run of make check;
#                   a long run is --seconds 600)
#   --sanitizer S   libFuzzer build sanitizer (default none: the code is safe Rust, and ASan
#                   costs ~4x in speed)
#   --no-replay     skip `cargo test` replaying fuzz/corpus and fuzz/regressions
#   TARGET          parse_target addr frame fragment cdiff (default: all; cdiff compares with
#                   the kernel's C parsers, copied from the Linux sources by crates/cdiff)
#
# Installs cargo-fuzz if missing. Prints one TAP-style line per step on stdout:
#   ok - fuzz/<target> (<execs> execs, <secs>s)       or
#   not ok - fuzz/<target> (...) # crash: fuzz/artifacts/<target>/crash-<sha1>
# and exits non-zero if any failed. Logs go to build/logs/fuzz-*.log; libFuzzer's growing
# working corpus is kept in build/fuzz/corpus/<target> (the committed seeds in fuzz/corpus
# are only read).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(parse_target addr frame fragment cdiff)

usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

seconds=20 sanitizer=none replay=1 targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) [ $# -ge 2 ] || usage; seconds=$2; shift 2 ;;
	--seconds=*) seconds=${1#*=}; shift ;;
	--sanitizer|-s) [ $# -ge 2 ] || usage; sanitizer=$2; shift 2 ;;
	--sanitizer=*) sanitizer=${1#*=}; shift ;;
	--no-replay) replay=0; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) targets+=("$1"); shift ;;
	esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds wants a positive number, not '$seconds'"
for t in "${targets[@]}"; do
	[[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown target '$t' (have: ${ALL_TARGETS[*]})"
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

FUZZ_DIR=$NC_TOP/fuzz
WORK=$NC_BUILD/fuzz
mkdir -p "$WORK"
command -v cargo >/dev/null || die "cargo is not installed"
# cargo-fuzz needs nightly features; the machine has only the stable toolchain, which accepts
# them with RUSTC_BOOTSTRAP=1 (cargo-fuzz 0.13 sets it itself on stable; set it for older ones).
export RUSTC_BOOTSTRAP=1

failed=0
fail() { failed=1; echo "not ok - $1${2:+ # $2}"; }

# 1. cargo-fuzz.
if ! cargo fuzz --version >/dev/null 2>&1; then
	step fuzz-install cargo install --locked --version "$CARGO_FUZZ_VERSION" cargo-fuzz ||
		{ fail fuzz/install "cargo install cargo-fuzz failed (log: $NC_LOGS/fuzz-install.log)"; exit 1; }
fi
say "$(cargo fuzz --version 2>/dev/null)"

# 2. Replay the seed corpus and the regressions through the checks (stable, no libFuzzer).
if [ $replay = 1 ]; then
	t0=$SECONDS
	if step fuzz-replay cargo test --manifest-path "$FUZZ_DIR/Cargo.toml" --no-default-features \
		--features cdiff; then
		n=$(find "$FUZZ_DIR/corpus" "$FUZZ_DIR/regressions" -type f ! -name '*.md' 2>/dev/null | wc -l)
		echo "ok - fuzz/replay ($n inputs, $((SECONDS - t0))s)"
	else
		fail fuzz/replay "$(grep -m1 -A1 'panicked at' "$NC_LOGS/fuzz-replay.log" | tail -n 1 | cut -c1-120) (log: $NC_LOGS/fuzz-replay.log)"
	fi
fi

# 3. Build every target once (instrumented, release with debug assertions).
fuzz_args=(--fuzz-dir "$FUZZ_DIR" --sanitizer "$sanitizer" --debug-assertions --features cdiff)
cd "$NC_TOP"
if ! step fuzz-build cargo fuzz build "${fuzz_args[@]}"; then
	fail fuzz/build "cargo fuzz build failed (log: $NC_LOGS/fuzz-build.log)"
	exit 1
fi

# 4. Run each target for $seconds.
for t in "${targets[@]}"; do
	log=$NC_LOGS/fuzz-$t.log
	corpus=$WORK/corpus/$t
	mkdir -p "$corpus" "$FUZZ_DIR/artifacts/$t"
	seeds=("$FUZZ_DIR/corpus/$t")
	[ -d "$FUZZ_DIR/regressions/$t" ] && seeds+=("$FUZZ_DIR/regressions/$t")
	t0=$SECONDS
	# The first corpus directory receives new inputs; the committed seeds are only read.
	step "fuzz-$t" cargo fuzz run "${fuzz_args[@]}" "$t" "$corpus" "${seeds[@]}" -- \
		-max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1
	rc=$?
	took=$((SECONDS - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc = 0 ]; then
		echo "ok - fuzz/$t (${execs:-?} execs, ${took}s)"
	else
		artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)
		artifact=${artifact#"$NC_TOP/"}
		why=$(sed -n '/panicked at/{n;p;q}' "$log" | cut -c1-120)
		[ -n "$why" ] || why=$(grep -m1 -o 'ERROR: libFuzzer: .*' "$log" | cut -c1-120)
		fail "fuzz/$t (${execs:-?} execs, ${took}s)" \
			"${artifact:+crash: $artifact; }${why:-exit $rc}; log: $log"
		[ -n "$artifact" ] && echo "#   reproduce: cargo fuzz run --fuzz-dir fuzz -s $sanitizer -a --features cdiff $t $artifact" \
			"(or copy it to fuzz/regressions/$t/ and run the replay test)"
	fi
done
exit $failed
