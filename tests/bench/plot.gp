# SPDX-License-Identifier: GPL-2.0
# Plots of netconsole-rs's benchmark, run by scripts/bench.sh in the output directory on the
# data files tests/bench/analyze.py writes there.

set terminal pngcairo size 1200,800 font ",10" noenhanced
set key top left
set grid

# Throughput and loss against the offered rate, one panel per payload size. The rightmost
# point of each curve is the generator going as fast as it can (saturation).
set output "throughput.png"
sizes = system("ls sweep-c-*.dat 2>/dev/null | sed 's/sweep-c-\\(.*\\)\\.dat/\\1/' | sort -n | tr '\\n' ' '")
n = words(sizes)
set multiplot layout 2, (n + 1) / 2 title "netconsole delivered records/s and loss vs offered rate (QEMU TCG guest; rightmost: as fast as possible)"
set logscale x
# From 50 up: the short mode has a single point, and a range of one value is invalid.
set xrange [50:*]
set xlabel "offered records/s"
set ylabel "delivered records/s"
set y2label "loss %"
set y2tics
set ytics nomirror
do for [i = 1:n] {
	s = word(sizes, i)
	set title s . " bytes"
	plot "sweep-c-" . s . ".dat" using 1:2 with linespoints title "C delivered", \
	     "sweep-rust-" . s . ".dat" using 1:2 with linespoints title "Rust delivered", \
	     "sweep-c-" . s . ".dat" using 1:3 axes x1y2 with points pt 6 title "C loss %", \
	     "sweep-rust-" . s . ".dat" using 1:3 axes x1y2 with points pt 8 title "Rust loss %"
}
unset multiplot

# Latency distributions (printk to receive), cumulative.
set output "latency.png"
unset y2tics
unset y2label
set ytics mirror
set title "netconsole end-to-end latency, cumulative (QEMU TCG guest)"
set xlabel "latency (us, log)"
set ylabel "fraction of records"
set key bottom right
plot for [l in "idle 50pct_knee 90pct_knee"] "latency-c-" . l . ".dat" using 1:2 with lines lw 2 title "C " . l, \
     for [l in "idle 50pct_knee 90pct_knee"] "latency-rust-" . l . ".dat" using 1:2 with lines lw 2 dt 2 title "Rust " . l
