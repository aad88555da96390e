#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# append: log_buf_len=16M
# timeout: 3600
# The benchmark's guest side (scripts/bench.sh runs it with tests/vm/run): in one boot, the
# kernel's C netconsole.ko and ours are loaded in turn (C, Rust, C, Rust, ...: same module
# name, rmmod between) and measured the same way. Raw data goes to $NC_RESULTS/bench/ for
# tests/bench/analyze.py on the host:
#   manifest        one line per measurement: "kind key=value ..."
#   *.recv          what nc_bench_recv received (see tests/bench/tools/nc_bench_recv.c)
#   *.gen           the generator's stats (see tests/bench/gen/nc_bench_gen.c)
#   memtrace-*.trace.gz  the kmem tracepoints' record of a module load and N targets
# Measurements: throughput and loss over a rate sweep (phase sweep), latency, caller cost and
# CPU per message at idle and at 50% and 90% of the C module's knee (phase load), raw UDP from
# userspace over the same link (phase link, in the same module load), Slab of the loaded module
# and per enabled target (phase mem), slab objects live after a load and per target, by call
# site (phase memtrace).
#
# Usage: guest.sh short|full|mem (mem: the memory phases only)
# Environment: NC_BENCH_GEN (nc_bench_gen.ko), NC_BENCH_TOOLS (dir of nc_bench_recv and
# udp_blast), NC_KDIR (the C module is $NC_KDIR/drivers/net/netconsole.ko), NC_BENCH_RUST_KO
# (ours, default $NC_TOP/netconsole.ko), NC_BENCH_RUST_PARAMS (extra module parameters for ours,
# e.g. a console mode).
. "$(dirname "$0")/../lib/topology.sh"

mode=${1:-short}
case "$mode" in
short)
	REPS=1 SIZES="256" RATES="200 0" SECS=1 SAT_COUNT=2000 GEN_SECS=2 IDLE_MS=500
	MEM_NS="8" MEM_REPS=1 LINK_SECS=1 LOAD_SECS=1 LOAD_MAX=500 IDLE_COUNT=20 ;;
full)
	REPS=${NC_BENCH_REPS:-3} SIZES="64 256 1000 1800" RATES="200 1000 5000 0"
	SECS=2 SAT_COUNT=20000 GEN_SECS=3 IDLE_MS=700 MEM_NS="1 8 64" MEM_REPS=2 LINK_SECS=2
	LOAD_SECS=3 LOAD_MAX=20000 IDLE_COUNT=60 ;;
mem)
	REPS=${NC_BENCH_REPS:-2} MEM_NS="1 8 64" MEM_REPS=$REPS ;;
*) fail "usage: guest.sh short|full|mem" ;;
esac
# Exact object accounting (phase memtrace) for these numbers of enabled targets (the short
# mode: 8 only). Trace buffer per CPU (KiB).
MEM_TRACE_NS="1 8 64" MEM_TRACE_KB=${NC_BENCH_TRACE_KB:-32768}
[ "$mode" = short ] && MEM_TRACE_NS=8
# The load phase (latency, caller cost, CPU per message) uses this payload size.
LOAD_SIZE=256

GEN=${NC_BENCH_GEN:?NC_BENCH_GEN: path of nc_bench_gen.ko}
TOOLS=${NC_BENCH_TOOLS:?NC_BENCH_TOOLS: dir of nc_bench_recv and udp_blast}
C_KO=${NC_KDIR:?NC_KDIR}/drivers/net/netconsole.ko
RUST_KO=${NC_BENCH_RUST_KO:-${NC_MODULE:-$NC_TOP/netconsole.ko}}
OUT=$NC_RESULTS/bench
WORK=$NC_TMP/bench
DBG=/sys/kernel/debug/nc_bench_gen
NC_CFG=/sys/kernel/config/netconsole
for f in "$GEN" "$TOOLS/nc_bench_recv" "$TOOLS/udp_blast" "$C_KO" "$RUST_KO"; do
	[ -e "$f" ] || fail "missing $f (scripts/bench.sh builds it)"
done
mkdir -p "$OUT" "$WORK" || fail "cannot create $OUT"
MAN=$OUT/manifest
: >"$MAN"
run_id=0

# Sleep without an exec (each costs ~0.1 s under TCG).
exec {SLEEP_FD}<> <(:)
nap() { read -r -t "$1" -u "$SLEEP_FD" _ 2>/dev/null; return 0; }

# The serial console costs the printk caller more than any netconsole (one emulated port
# write per character) and would be paid by both: detach it for the run. The kernel log is
# still saved and scanned for splats (scripts/bench.sh).
serial_off() {
	local f=/sys/class/tty/ttyS0/console
	[ -w "$f" ] || fail "no $f: cannot detach the serial console"
	echo N >"$f" || fail "cannot detach the serial console"
}

# Progress lines with the guest's uptime.
say() { local up rest; read -r up rest </proc/uptime; info "[$up] $*"; }

sysctl_set() { echo "$2" >"/proc/sys/$1" || fail "cannot set $1"; }

nc_load() { # nc_load c|rust PARAM
	local ko=$C_KO extra=()
	[ "$1" = rust ] && { ko=$RUST_KO; read -ra extra <<<"${NC_BENCH_RUST_PARAMS:-}"; }
	[ -d /sys/module/netconsole ] && fail "netconsole is still loaded"
	insmod "$ko" ${2:+"netconsole=$2"} "${extra[@]}" || fail "insmod $ko failed"
}

nc_unload() {
	local t u
	for t in "$NC_CFG"/*/; do
		[ -d "$t" ] || continue
		echo 0 >"$t/enabled" 2>/dev/null
		for u in "$t"userdata/*/; do
			[ -d "$u" ] && { rmdir "$u" || fail "rmdir $u failed"; }
		done
		rmdir "$t" || fail "rmdir $t failed"
	done
	rmmod netconsole || fail "rmmod netconsole failed"
}

# The console mode: 'N' in /proc/consoles' flags for netconsole's console is nbcon.
nc_mode() {
	local name rest mode=legacy
	while read -r name rest; do
		case "$name" in netcon*) [[ "$rest" == *N* ]] && mode=nbcon ;; esac
	done </proc/consoles
	echo "$mode"
}

# The module parameters ours exposes (a console mode parameter, if any), for the record.
nc_params() {
	local f v out=
	for f in /sys/module/netconsole/parameters/*; do
		[ -r "$f" ] || continue
		read -r v <"$f" 2>/dev/null || v="?"
		out+="${f##*/}:${v// /_},"
	done
	echo "${out%,}"
}

# Counters: "name value" pairs of the sender, the receiver namespace (through the receiver's
# /proc/PID/net) and the CPU, as one string.
counters() { # counters RECV_PID
	local s=/sys/class/net/$SRCIF/statistics a b v line out="" t errs=0
	for a in tx_packets tx_dropped tx_errors; do read -r v <"$s/$a"; out+=" src_$a=$v"; done
	# Our module counts the messages it could not send (configfs transmit_errors); C has none.
	for t in "$NC_CFG"/*/transmit_errors; do
		[ -r "$t" ] && read -r v <"$t" && errs=$((errs + v))
	done
	out+=" nc_tx_errors=$errs"
	while read -r line; do
		case "$line" in
		*"$DSTIF:"*) read -r _ v _ b _ <<<"${line#*:}"; out+=" dst_rx_packets=$v dst_rx_drop=$b" ;;
		esac
	done <"/proc/$1/net/dev"
	local hdr=
	while read -r a line; do
		if [ "$a" = Udp: ]; then
			if [ -z "$hdr" ]; then hdr=$line; else
				local -a h d
				local i
				read -ra h <<<"$hdr"
				read -ra d <<<"$line"
				for i in "${!h[@]}"; do
					case "${h[$i]}" in InDatagrams|RcvbufErrors|InErrors)
						out+=" udp_${h[$i]}=${d[$i]}" ;; esac
				done
			fi
		fi
	done <"/proc/$1/net/snmp"
	read -r a line </proc/stat
	local -a c
	read -ra c <<<"$line"
	out+=" cpu_busy=$((c[0] + c[1] + c[2] + c[5] + c[6] + c[7])) cpu_idle=$((c[3] + c[4]))"
	echo "$out"
}

# A process in the receiving namespace whose /proc/PID/net shows that namespace's counters.
NS_PID=
ns_start() {
	ip netns exec "$NC_NS" sleep 100000 &
	NS_PID=$!
}

RECV_PID=
RECV_FILE=
recv_start() { # recv_start FILE PORT
	rm -f "$1.ready" "$1.stop"
	RECV_FILE=$1
	ip netns exec "$NC_NS" "$TOOLS/nc_bench_recv" "$2" "$1" "$1.ready" "$1.stop" "$IDLE_MS" 600 \
		2>>"$WORK/recv.err" &
	RECV_PID=$!
	wait_ready "$1.ready" "$RECV_PID" "the receiver"
}

# recv_wait: the sender is done; the receiver ends when nothing came for IDLE_MS.
recv_wait() {
	: >"$RECV_FILE.stop"
	wait "$RECV_PID" || fail "the receiver failed"
	RECV_PID=
}

# The kernel log's first record still in the ring.
ring_first_seq() {
	local r
	r=$(dd if=/dev/kmsg bs=16384 count=1 iflag=nonblock 2>/dev/null) || { echo -1; return; }
	r=${r#*,}
	echo "${r%%,*}"
}

# gen_run PHASE IMPL REP SIZE RATE COUNT [TEXT]: one generator run with a fresh receiver;
# messages of SIZE bytes, TEXT (default SIZE) of them logged by the generator.
gen_run() {
	local phase=$1 impl=$2 rep=$3 size=$4 rate=$5 count=$6 text=${7:-$4} base c0 c1 fin=0 i
	run_id=$((run_id + 1))
	base=$phase-$impl-$rep-$size-$rate
	recv_start "$WORK/$base.recv" 6666
	c0=$(counters "$NS_PID")
	insmod "$GEN" "run=$run_id" "rate=$rate" "count=$count" "size=$text" "seconds=$GEN_SECS" ||
		fail "insmod $GEN failed"
	for ((i = 0; i < 6000; i++)); do
		read -r fin <"$DBG/done" 2>/dev/null
		[ "$fin" = 1 ] && break
		nap 0.1
	done
	[ "$fin" = 1 ] || fail "the generator did not finish in 600 s"
	cat "$DBG/stats" >"$WORK/$base.gen" || fail "reading the generator's stats failed"
	# Everything the console still had to send has gone when the receiver is idle.
	recv_wait
	c1=$(counters "$NS_PID")
	rmmod nc_bench_gen || fail "rmmod nc_bench_gen failed"
	echo "gen run=$run_id phase=$phase impl=$impl rep=$rep size=$size text=$text rate=$rate" \
		"count=$count" \
		"mode=$(nc_mode) file=$base ring_first=$(ring_first_seq) before:$c0 after:$c1" >>"$MAN"
}

load_target() { nc_load "$1" "+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC"; }

# cfs_target NAME PORT: an enabled extended configfs target to the receiver.
cfs_target() {
	local t=$NC_CFG/$1
	mkdir "$t" || fail "mkdir $t failed"
	if ! { echo "$SRCIF" >"$t/dev_name" && echo "$DSTIP" >"$t/remote_ip" &&
		echo "$SRCIP" >"$t/local_ip" && echo "$DSTMAC" >"$t/remote_mac" &&
		echo "$2" >"$t/remote_port" && echo 1 >"$t/extended" && echo 1 >"$t/enabled"; }; then
		fail "configuring target $t failed"
	fi
}

# userdata_fill NAME BYTES: userdata entries adding about BYTES to each message (four at most,
# each " uN=<value>\n" with a value below 200 bytes, as C 6.12 allows).
userdata_fill() {
	local t=$NC_CFG/$1 left=$2 i=0 v n
	while [ "$left" -ge 8 ] && [ $i -lt 4 ]; do
		n=$((left - 5))
		[ $n -gt 195 ] && n=195
		printf -v v '%*s' "$n" ''
		if ! { mkdir "$t/userdata/u$i" && echo "${v// /u}" >"$t/userdata/u$i/value"; }; then
			fail "userdata u$i on $1 failed"
		fi
		left=$((left - n - 5)) i=$((i + 1))
	done
}

# The sweep uses a configfs target so that messages above what one printk() record holds
# (1000 bytes of text here) can be made of the record plus userdata, as they are in practice.
phase_sweep() { # phase_sweep IMPL REP
	local size rate count text
	nc_load "$1" ""
	cfs_target sweep 6666
	echo "module impl=$1 rep=$2 mode=$(nc_mode) params=$(nc_params)" >>"$MAN"
	for size in $SIZES; do
		text=$size
		if [ "$size" -gt 1000 ]; then
			text=1000
			userdata_fill sweep $((size - text))
		fi
		for rate in $RATES; do
			count=$((rate * SECS))
			[ "$rate" = 0 ] && count=$SAT_COUNT
			[ "$count" -lt 100 ] && count=100
			gen_run sweep "$1" "$2" "$size" "$rate" "$count" "$text"
		done
	done
	nc_unload
}

phase_load() { # phase_load IMPL REP RATE...: idle, 50% and 90% of the knee
	local impl=$1 rep=$2 rate count
	shift 2
	load_target "$impl"
	for rate in "$@"; do
		count=$((rate * LOAD_SECS))
		[ "$count" -lt "$IDLE_COUNT" ] && count=$IDLE_COUNT
		[ "$count" -gt "$LOAD_MAX" ] && count=$LOAD_MAX
		gen_run load "$impl" "$rep" "$LOAD_SIZE" "$rate" "$count"
	done
	phase_link "$impl" "$rep"
	nc_unload
}

slab_kb() {
	local k v
	echo 2 >/proc/sys/vm/drop_caches
	nap 0.5
	while read -r k v _; do [ "$k" = Slab: ] && { echo "$v"; return; }; done </proc/meminfo
}

phase_mem() { # phase_mem IMPL REP: slab of the module at load, then per enabled target
	local impl=$1 rep=$2 n i s0 sl s1 core
	for n in $MEM_NS; do
		s0=$(slab_kb)
		nc_load "$impl" ""
		read -r core </sys/module/netconsole/coresize
		sl=$(slab_kb)
		for ((i = 0; i < n; i++)); do
			cfs_target "b$i" $((7000 + i))
		done
		s1=$(slab_kb)
		echo "mem impl=$impl rep=$rep n=$n slab_before_kb=$s0 slab_loaded_kb=$sl" \
			"slab_after_kb=$s1 coresize=$core mode=$(nc_mode)" >>"$MAN"
		nc_unload
	done
}

# Exact object accounting (phase memtrace): the kmem tracepoints record every slab object
# allocated and freed while the module loads and N targets are enabled; the host
# (analyze.py) counts the ones still live at the end, by phase and call site.
TRACE=/sys/kernel/tracing
TRACE_EVENTS="kmalloc kfree kmem_cache_alloc kmem_cache_free"
# A Rust module's allocations all come from the kernel crate's allocator (kernel::alloc, in
# vmlinux): for those call sites, the kmalloc event also records a stack trace (a trigger)
# from which the analysis takes the module's own frame.
TRACE_RUST_FILTER=
trace_setup() {
	[ -d "$TRACE/events" ] || mount -t tracefs none "$TRACE" || fail "cannot mount tracefs"
	echo 0 >"$TRACE/tracing_on" || fail "no tracing in this kernel"
	echo "$MEM_TRACE_KB" >"$TRACE/buffer_size_kb" || fail "cannot size the trace buffer"
	local sym
	while read -r _ _ sym; do
		TRACE_RUST_FILTER+="${TRACE_RUST_FILTER:+ || }call_site.function == $sym"
	done < <(grep -E ' [Tt] _R[A-Za-z0-9_]*6kernel5alloc[A-Za-z0-9_]*$' /proc/kallsyms)
	[ -n "$TRACE_RUST_FILTER" ] || fail "no kernel::alloc symbol in /proc/kallsyms"
}

# trace_events 0|1: the kmem tracepoints off or on (off outside the memtrace phase: they
# would cost every allocation of the other measurements).
trace_events() {
	local e
	for e in $TRACE_EVENTS; do
		echo "$1" >"$TRACE/events/kmem/$e/enable" || fail "no kmem:$e tracepoint"
	done
	local t="stacktrace if $TRACE_RUST_FILTER"
	[ "$1" = 1 ] || t="!$t"
	echo "$t" >"$TRACE/events/kmem/kmalloc/trigger" || fail "cannot set the stack trace trigger"
}

# The trace buffer's lost events, all CPUs: overrun, commit overrun and dropped events.
trace_lost() {
	local f k v sum=0
	for f in "$TRACE"/per_cpu/cpu*/stats; do
		while IFS=: read -r k v; do
			case "$k" in overrun|"commit overrun"|"dropped events") sum=$((sum + v)) ;; esac
		done <"$f"
	done
	echo "$sum"
}

trace_mark() { echo "MARK $1" >"$TRACE/trace_marker" || fail "cannot write trace_marker"; }

phase_memtrace() { # phase_memtrace IMPL REP N
	local impl=$1 rep=$2 n=$3 i ko=$C_KO lost0 lost1 base=memtrace-$1-$2-$3
	[ "$impl" = rust ] && ko=$RUST_KO
	# What the traced commands need is read once before, so that the caches they fill
	# (dentries, inodes, page cache of the binaries and the .ko) are not charged to the module.
	cat "$ko" >/dev/null
	insmod -V >/dev/null
	mkdir -p "$WORK/warm" && rmdir "$WORK/warm"
	nap 0.5
	trace_events 1
	: >"$TRACE/trace"
	lost0=$(trace_lost)
	echo 1 >"$TRACE/tracing_on"
	trace_mark load
	nc_load "$impl" ""
	nap 0.5
	trace_mark targets
	for ((i = 0; i < n; i++)); do
		cfs_target "b$i" $((7000 + i))
	done
	# Objects freed after an RCU grace period are freed by then.
	nap 0.5
	trace_mark end
	echo 0 >"$TRACE/tracing_on"
	trace_events 0
	lost1=$(trace_lost)
	gzip -1 <"$TRACE/trace" >"$OUT/$base.trace.gz" || fail "saving the trace failed"
	: >"$TRACE/trace"
	echo "memtrace impl=$impl rep=$rep n=$n file=$base.trace.gz lost=$((lost1 - lost0))" \
		"mode=$(nc_mode)" >>"$MAN"
	nc_unload
}

phase_link() { # phase_link IMPL REP: raw UDP from userspace over the same link
	local impl=$1 rep=$2 size out base
	for size in $SIZES; do
		base=link-$impl-$rep-$size
		recv_start "$WORK/$base.recv" 6667
		out=$("$TOOLS/udp_blast" "$DSTIP" 6667 "$size" "$LINK_SECS") || fail "udp_blast failed"
		recv_wait
		echo "link impl=$impl rep=$rep size=$size file=$base $out" >>"$MAN"
	done
}

save() {
	cp "$WORK"/*.recv "$WORK"/*.gen "$OUT"/ 2>/dev/null
	rm -f "$WORK"/*.recv "$WORK"/*.gen "$WORK"/*.stop "$WORK"/*.ready
}

topo_setup
ns_start
trap 'rc=$?; kill "$NS_PID" 2>/dev/null; (exit $rc); topo_cleanup' EXIT
serial_off
# The receiving side's queue: large enough that the receiver, not the queue, is measured.
sysctl_set net/core/netdev_max_backlog 10000
trace_setup
cpus=$(grep -c ^processor /proc/cpuinfo)
echo "boot kernel=$(uname -r) cpus=$cpus mode_arg=$mode rust_params=${NC_BENCH_RUST_PARAMS:-}" \
	"c_ko=$C_KO rust_ko=$RUST_KO" >>"$MAN"
info "benchmark ($mode): kernel $(uname -r), $cpus CPUs"

phases_memory() { # phases_memory IMPL REP: Slab, then the traced objects
	local n
	say "mem: rep $2, $1"
	phase_mem "$1" "$2"
	for n in $MEM_TRACE_NS; do
		say "memtrace: rep $2, $1 ($n targets)"
		phase_memtrace "$1" "$2" "$n"
	done
}

if [ "$mode" = mem ]; then
	for ((rep = 1; rep <= REPS; rep++)); do
		for impl in c rust; do
			phases_memory "$impl" "$rep"
		done
	done
	say "benchmark data in $OUT"
	exit 0
fi
for ((rep = 1; rep <= REPS; rep++)); do
	for impl in c rust; do
		say "sweep: rep $rep, $impl"
		phase_sweep "$impl" "$rep"
		save
	done
done
# The load phase (latency, caller cost, CPU; then the link's own limit with the same module
# loaded) runs at fractions of the C module's knee, the same offered load for both.
knee=$("$NC_PY" -S "$(dirname "$0")/analyze.py" knee "$OUT" "$WORK" "$LOAD_SIZE") ||
	fail "no knee from the sweep"
say "C knee at $LOAD_SIZE bytes: $knee records/s"
echo "knee size=$LOAD_SIZE rate=$knee" >>"$MAN"
idle=20
half=$((knee / 2)) ninety=$((knee * 9 / 10))
[ $half -gt $idle ] || half=$((idle + 1))
[ $ninety -gt $half ] || ninety=$((half + 1))
for ((rep = 1; rep <= REPS; rep++)); do
	for impl in c rust; do
		say "load: rep $rep, $impl ($idle, $half, $ninety records/s)"
		phase_load "$impl" "$rep" "$idle" "$half" "$ninety"
		save
		[ "$rep" -le "$MEM_REPS" ] || continue
		phases_memory "$impl" "$rep"
	done
done
[ -s "$WORK/recv.err" ] && cp "$WORK/recv.err" "$OUT/"
say "benchmark data in $OUT"
