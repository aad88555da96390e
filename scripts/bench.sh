#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: compare our netconsole.ko with the kernel's C netconsole.ko in one guest boot
# (tests/bench/guest.sh), then print the table and write build/bench/results.json and the plots
# (build/bench/*.png, gnuplot).
#
# Usage: scripts/bench.sh [--short|--mem] [--check]
#   --short   the seconds-long mode of make check: every benchmark once, small counts
#   --mem     the memory benchmarks only (1, 8 and 64 targets; traced objects), in minutes
#   --check   then assert that every metric is present with sane, non-zero figures (never a
#             speed threshold); exit 1 if not
# Environment: NC_BENCH_RUST_PARAMS (extra module parameters for ours, e.g. a console mode),
# NC_BENCH_REPS (repetitions in the full mode, default 3; in the mem mode, default 2).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$NC_TOP/scripts/toolchain.sh"
cd "$NC_TOP"

mode=full check=0
while [ $# -gt 0 ]; do
	case "$1" in
	--short) mode=short; shift ;;
	--mem) mode=mem; shift ;;
	--check) check=1; shift ;;
	*) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done

OUT=$NC_BUILD/bench
[ "$mode" = full ] || OUT=$NC_BUILD/bench/$mode
mkdir -p "$OUT"

NC_KDIR=$(bash scripts/build-kernel.sh) || die "the test kernel did not build"
export NC_KDIR
step bench-module make -C "$NC_TOP" module KDIR="$NC_KDIR"

# The generator (out of tree, built in a copy under build/ so that the sources stay clean)
# and the userspace tools.
gen=$NC_BUILD/bench/gen
mkdir -p "$gen"
cp tests/bench/gen/Kbuild tests/bench/gen/nc_bench_gen.c "$gen/"
# shellcheck disable=SC2086
step bench-gen make -C "$NC_KDIR" M="$gen" $NC_KMAKE_FLAGS modules
tools=$NC_BUILD/bench/tools
mkdir -p "$tools"
for t in nc_bench_recv udp_blast; do
	gcc -O2 -Wall -Wextra -Werror -o "$tools/$t" "tests/bench/tools/$t.c" || die "building $t failed"
done
export NC_BENCH_GEN=$gen/nc_bench_gen.ko NC_BENCH_TOOLS=$tools
export NC_BENCH_RUST_KO=${NC_MODULE:-$NC_TOP/netconsole.ko}

log=$NC_LOGS/bench-$mode.log
say "bench ($mode): one guest, C and Rust alternating (log: $log)"
start=$SECONDS
rc=0
tests/vm/run --quiet --impl rust tests/bench/guest.sh "$mode" >"$log" 2>&1 || rc=$?
res=$(sed -n 's/.*logs in \(.*\)$/\1/p' "$log" | tail -n 1)
if [ $rc -ne 0 ] || [ -z "$res" ]; then
	grep -E '^(FAIL|SKIP|vm:)' "$log" | head -n 20 >&2 || true
	tail -n 30 "$log" >&2
	die "the benchmark guest failed (exit $rc; log: $log)"
fi
# The serial console was detached during the run: scan the whole kernel log too.
tests/vm/run --scan-log "$res/dmesg" || die "kernel splat during the benchmark (see $res/dmesg)"
say "bench guest done in $((SECONDS - start))s; data in $res/bench"

rm -rf "$OUT/raw"
cp -r "$res/bench" "$OUT/raw"
python3 tests/bench/analyze.py report "$OUT/raw" "$OUT" "$NC_KDIR/drivers/net/netconsole.ko" \
	"$NC_BENCH_RUST_KO" | tee "$OUT/table.txt"
if [ "$mode" = mem ]; then
	: # no sweep, no latency: nothing to plot
elif command -v gnuplot >/dev/null; then
	(cd "$OUT" && gnuplot "$NC_TOP/tests/bench/plot.gp") || die "gnuplot failed"
	say "plots: $OUT/throughput.png $OUT/latency.png"
else
	say "gnuplot is missing (scripts/bootstrap.sh installs gnuplot-nox): no plots"
fi
say "results: $OUT/results.json"
[ $check = 1 ] || exit 0
python3 tests/bench/analyze.py check "$OUT/results.json"
