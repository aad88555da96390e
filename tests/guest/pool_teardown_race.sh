#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# Teardown racing the send path and the pool's refill (issue 6). For NC_RACE_SECONDS (default
# 30) of guest time, two togglers drive a target each through mkdir, configure, enable,
# disable and rmdir (also rmdir while enabled) in a seeded random order, while three writers
# flood /dev/kmsg; writers and togglers fail a share of their atomic allocations (failslab,
# NC_RACE_PERCENT, default 10, scoped to those tasks), so sends fall back to the pool, the
# refill work is scheduled again and again, and setups run with allocations failing.
# Afterwards: the configfs directories and their `enabled` are exactly what the togglers left;
# with netconsole-rs the pool was used (stats pool_fallbacks, summed over the targets before
# each teardown) and the pool of a target enabled now is full; a fresh target delivers a
# message exactly; every target is removed, the module unloads, the devices unregister
# promptly (no device reference leaked), kmemleak (if the kernel has it) reports nothing, and
# the runner fails the run on any splat (lockdep, sleeping in atomic context, list corruption).
# The C module of 6.12 has no refill work but runs the same loop (its netpoll refills its own
# pool on every send).
. "$(dirname "$0")/../lib/topology.sh"

F=/sys/kernel/debug/failslab
[ -d $F ] || fail "no $F: the test kernel must have FAILSLAB and FAULT_INJECTION_DEBUG_FS"
SECONDS_RACE=${NC_RACE_SECONDS:-30}
PERCENT=${NC_RACE_PERCENT:-10}
CFG=/sys/kernel/config/netconsole
impl=${NETCONSOLE_IMPL:-rust}

topo_setup
recv=$NC_TMP/race.recv
start_receiver 6666 "$recv"
load_netconsole ""

echo Y >$F/task-filter; echo -1 >$F/times; echo 0 >$F/space; echo 1 >$F/interval
echo Y >$F/ignore-gfp-wait; echo 0 >$F/verbose; echo "$PERCENT" >$F/probability

stop=$NC_TMP/stop
writers=()
for w in 1 2 3; do
	(
		echo 1 >/proc/self/make-it-fail
		i=0
		while [ ! -e "$stop" ]; do
			i=$((i + 1))
			echo "nc-race-writer$w-$i" >/dev/kmsg
		done
		echo "$i" >"$NC_TMP/writer$w.count"
	) &
	writers+=($!)
done

# toggle NAME SEED: the toggler; prints "NAME STATE" (absent, disabled, enabled) at the end,
# then its counts.
toggle() {
	(
		echo 1 >/proc/self/make-it-fail
		exec "$NC_PY" -S - "$CFG/$1" "$2" "$SECONDS_RACE" "$SRCIF" "$DSTIP" "$DSTMAC" "$impl" <<'EOF'
import errno, os, random, sys, time
path, seed, secs, dev, ip, mac, impl = sys.argv[1:8]
rnd = random.Random(int(seed))
deadline = time.monotonic() + float(secs)
state = "absent"
counts = {}
stats = {}

def count(what):
    counts[what] = counts.get(what, 0) + 1

def write(attr, value):
    with open(path + "/" + attr, "w") as f:
        f.write(value)

def collect():
    # netconsole-rs: add up the counters of a target before it goes away.
    if impl != "rust":
        return
    with open(path + "/stats") as f:
        for line in f:
            k, v = line.split()
            if k != "pool_skbs":
                stats[k] = stats.get(k, 0) + int(v)

while time.monotonic() < deadline:
    try:
        if state == "absent":
            os.mkdir(path)
            state = "disabled"
            count("mkdir")
            write("dev_name", dev)
            write("remote_ip", ip)
            write("remote_mac", mac)
            write("extended", rnd.choice("01"))
        elif state == "disabled":
            if rnd.random() < 0.8:
                write("enabled", "1")
                state = "enabled"
                count("enable")
            else:
                collect()
                os.rmdir(path)
                state = "absent"
                count("rmdir")
        else:
            collect()
            if rnd.random() < 0.6:
                write("enabled", "0")
                state = "disabled"
                count("disable")
            else:
                os.rmdir(path)
                state = "absent"
                count("rmdir-enabled")
    except OSError as e:
        count("%s-%s" % (state, errno.errorcode.get(e.errno, e.errno)))
    time.sleep(rnd.random() * 0.2)
print(os.path.basename(path), state)
print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))
print(" ".join("%s=%d" % kv for kv in sorted(stats.items())))
EOF
	)
}

toggle race0 1 >"$NC_TMP/race0.out" 2>&1 &
t0=$!
toggle race1 2 >"$NC_TMP/race1.out" 2>&1 &
t1=$!
wait $t0 || fail "toggler race0 failed: $(cat "$NC_TMP/race0.out")"
wait $t1 || fail "toggler race1 failed: $(cat "$NC_TMP/race1.out")"
touch "$stop"
for p in "${writers[@]}"; do wait "$p"; done
echo 0 >$F/probability
info "writers wrote $(cat "$NC_TMP"/writer*.count | tr '\n' ' ')messages"

# The targets are exactly what the togglers left.
fallbacks=0
for t in race0 race1; do
	{ read -r name state; read -r counts; read -r stats; } <"$NC_TMP/$t.out"
	info "$name ended $state; $counts${stats:+; summed stats: $stats}"
	[ "$name" = "$t" ] || fail "toggler $t: unexpected output: $(cat "$NC_TMP/$t.out")"
	case "$state" in
	absent) [ ! -e $CFG/$t ] || fail "$t exists, its toggler removed it" ;;
	disabled | enabled)
		[ -d $CFG/$t ] || fail "$t is missing, its toggler left it $state"
		want=0
		[ "$state" = enabled ] && want=1
		[ "$(cat $CFG/$t/enabled)" = $want ] || fail "$t/enabled is not $want ($state)"
		;;
	*) fail "toggler $t: unexpected state '$state'" ;;
	esac
	[[ "$counts" == *enable=* ]] || fail "toggler $t never enabled its target: $counts"
	if [ "$impl" = rust ]; then
		for kv in $stats; do
			[ "${kv%%=*}" = pool_fallbacks ] && fallbacks=$((fallbacks + ${kv#*=}))
		done
		if [ "$state" = enabled ]; then
			pool=$(sed -n 's/^pool_skbs //p' $CFG/$t/stats)
			# Only the work item refills: wait for it (polled, it runs on a kworker).
			for _ in $(seq 100); do
				[ "$pool" = 32 ] && break
				sleep 0.1
				pool=$(sed -n 's/^pool_skbs //p' $CFG/$t/stats)
			done
			[ "$pool" = 32 ] || fail "$t is enabled with pool_skbs $pool after the race, expected 32"
		fi
	fi
done
if [ "$impl" = rust ]; then
	[ "$fallbacks" -gt 0 ] || fail "no datagram went out from the pool: the race did not exercise it"
	info "$fallbacks datagrams went out from the pool during the race"
fi

for t in race0 race1; do
	if [ -d $CFG/$t ]; then
		[ "$(cat $CFG/$t/enabled)" = 0 ] || echo 0 >$CFG/$t/enabled || fail "disable $t"
		rmdir $CFG/$t || fail "rmdir $t"
	fi
done

# Still works: a fresh target delivers a message exactly.
T=$CFG/after
mkdir $T || fail "mkdir $T"
echo "$SRCIF" >$T/dev_name && echo "$DSTIP" >$T/remote_ip && echo "$DSTMAC" >$T/remote_mac &&
	echo 1 >$T/enabled || fail "cannot enable a target after the race"
marker=$(nc_marker after)
kmsg_write "$marker"
wait_and_check "$marker" basic "$recv"
echo 0 >$T/enabled && rmdir $T || fail "teardown of $T"

stop_receivers
rmmod netconsole || fail "rmmod netconsole after the race"
K=/sys/kernel/debug/kmemleak
if [ -w $K ]; then
	echo scan >$K && echo scan >$K
	leaks=$(cat $K)
	[ -z "$leaks" ] || fail "kmemleak: $leaks"
	info "kmemleak: nothing reported"
else
	info "kmemleak is not in this kernel: leaks are only seen as devices that do not unregister"
fi
info "race survived; module unloaded"
