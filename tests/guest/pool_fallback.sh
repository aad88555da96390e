#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# The fallback skb pool: with every atomic allocation of the writing task failing (failslab,
# scoped to that task, sleeping allocations untouched), each message still goes out from the
# pool, which is refilled in between (more messages than its 32 skbs), and `stats` counts
# the fallbacks. The run fails on any splat (lockdep, atomic sleep, leak of the device).
. "$(dirname "$0")/../lib/topology.sh"

F=/sys/kernel/debug/failslab
[ -d $F ] || fail "no $F: the test kernel must have FAILSLAB and FAULT_INJECTION_DEBUG_FS"
topo_setup
recv=$NC_TMP/pool.recv
start_receiver 6666 "$recv"
load_netconsole ""
T=/sys/kernel/config/netconsole/pool
mkdir $T || fail "mkdir $T"
echo "$SRCIF" >$T/dev_name && echo "$DSTIP" >$T/remote_ip && echo "$DSTMAC" >$T/remote_mac &&
	echo 1 >$T/enabled || fail "cannot enable the target"

n=40
echo Y >$F/task-filter; echo 100 >$F/probability; echo -1 >$F/times
echo Y >$F/ignore-gfp-wait; echo 0 >$F/verbose
marker=$(nc_marker pool)
(
	echo 1 >/proc/self/make-it-fail
	for i in $(seq $n); do echo "$marker-$i" >/dev/kmsg; done
)
echo 0 >$F/probability
wait_datagrams "$recv" $n 20 "$marker" || fail "not all $n messages arrived under allocation failures"
fallbacks=$(sed -n 's/^pool_fallbacks //p' $T/stats)
[ "${fallbacks:-0}" -ge $n ] || fail "stats counts $fallbacks pool fallbacks, expected at least $n"
info "$n of $n messages delivered with every atomic allocation failing; $fallbacks from the pool"
echo 0 >$T/enabled && rmdir $T || fail "teardown"
