#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# The fallback pool runs dry, and fills again (issue 6; `stats` is netconsole-rs's own).
# One extended message with enough userdata to need more than 32 fragments is logged by a task
# whose every atomic allocation fails (failslab, 100%, scoped to the task with make-it-fail;
# sleeping allocations are left alone). The console writes the whole message in the writer's
# context in one call with interrupts off, so the refill work (queued on that CPU) cannot run
# before it returns: exactly the pool's 32 skbs go out, and the rest are counted as no-memory
# drops. Checked exactly: 32 fragments arrive (the first 32), and `stats` moves by
# pool_fallbacks +32, datagrams +32, dropped_nomem and transmit_errors +(F-32), where F is the
# message's fragment count, worked out from the fragment headers and confirmed by sending the
# same kind of message whole once injection stops. Then the pool is back to 32 (`pool_skbs`,
# refilled by the work item), that message goes out normally (no fallback), and a second
# burst again takes exactly 32 from the pool. The run fails on any splat.
. "$(dirname "$0")/../lib/topology.sh"

F=/sys/kernel/debug/failslab
[ -d $F ] || fail "no $F: the test kernel must have FAILSLAB and FAULT_INJECTION_DEBUG_FS"
POOL=32
NKEYS=160 # 160 lines of 40 + 199 bytes: about 39 KB of userdata, some 41 fragments
T=/sys/kernel/config/netconsole/dry

topo_setup
recv=$NC_TMP/dry.recv
start_receiver 6666 "$recv"
load_netconsole ""

# stat_of KEY: the value of KEY in $T/stats (bash builtins only: every exec is slow under TCG).
stat_of() {
	local k v
	while read -r k v; do
		[ "$k" = "$1" ] && { echo "$v"; return 0; }
	done <$T/stats
	echo "missing"
}
declare -A S0
snap() { local k; for k in datagrams pool_fallbacks dropped_nomem transmit_errors; do S0[$k]=$(stat_of $k); done; }
# delta KEY: how much KEY moved since the last snap.
delta() { echo $(($(stat_of "$1") - ${S0[$1]})); }

# The userdata: one process for the 320 configfs operations (every exec is slow under TCG).
mkdir $T || fail "mkdir $T"
"$NC_PY" -S - "$T/userdata" "$NKEYS" <<'EOF' || fail "cannot create the userdata"
import os, sys
base, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = "%s/%s%04d" % (base, "k" * 36, i)
    os.mkdir(d)
    with open(d + "/value", "w") as f:
        f.write(chr(ord("a") + i % 26) * 199)
EOF
echo "$SRCIF" >$T/dev_name && echo "$DSTIP" >$T/remote_ip && echo "$DSTMAC" >$T/remote_mac &&
	echo 1 >$T/extended && echo 1 >$T/enabled || fail "cannot enable the target"
[ "$(stat_of pool_skbs)" = $POOL ] || fail "pool_skbs is $(stat_of pool_skbs) right after enabling, expected $POOL"
info "enabled with $NKEYS userdata entries; pool_skbs $POOL"

echo Y >$F/task-filter; echo 0 >$F/probability; echo -1 >$F/times; echo 0 >$F/space
echo Y >$F/ignore-gfp-wait; echo 0 >$F/verbose; echo 1 >$F/interval

# frags MARKER WANT: wait for WANT fragments of the message whose first fragment contains
# MARKER; print "received total expected_fragments" and check the received ones are the first
# ones, each one complete and filled up to 1000 bytes.
frags() {
	"$NC_PY" -S - "$recv" "$1" "$2" "$NC_LIB" <<'EOF'
import re, sys, time
sys.path.insert(0, sys.argv[4])
import udp_recv
path, marker, want = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
for _ in range(200):
    first = [d for d in udp_recv.read_datagrams(path) if marker in d]
    if first:
        break
    time.sleep(0.1)
else:
    sys.exit("the first fragment did not arrive")
prefix = first[0].split(b",ncfrag=")[0] + b",ncfrag="
for _ in range(200):
    got = [d for d in udp_recv.read_datagrams(path) if d.startswith(prefix)]
    if len(got) >= want:
        break
    time.sleep(0.1)
frags = []
for d in got:
    m = re.match(rb"(\d+)/(\d+);", d[len(prefix):])
    if not m:
        sys.exit("not a fragment: %r" % d[:80])
    frags.append((int(m.group(1)), int(m.group(2))))
total = frags[0][1]
# Where each fragment must start: every datagram but the last is filled up to 1000 bytes.
starts, off = [], 0
while off < total:
    starts.append(off)
    off += 1000 - len(prefix) - len(b"%d/%d;" % (off, total))
offs = sorted(f[0] for f in frags)
if offs != starts[: len(offs)]:
    sys.exit("fragments %s are not the first %d of %s" % (offs, len(offs), starts))
print(len(frags), total, len(starts))
EOF
}

# burst NAME: log one marked message with every atomic allocation of the writer failing; set
# MARK to its marker.
burst() {
	MARK=$(nc_marker "$1")
	echo 100 >$F/probability
	(
		echo 1 >/proc/self/make-it-fail
		echo "$MARK" >/dev/kmsg
	)
	echo 0 >$F/probability
}

# check_burst NAME: a burst took exactly the pool and counted the rest as no-memory drops.
check_burst() {
	local r out
	out=$(frags "$MARK" $POOL) || fail "fragments of $1: $out"
	read -r got total nfrag <<<"$out"
	[ "$nfrag" -gt $POOL ] || fail "the message has $nfrag fragments; the test needs more than $POOL"
	r="$1: $got of $nfrag fragments arrived ($total bytes of payload)"
	r+=", pool_fallbacks +$(delta pool_fallbacks), datagrams +$(delta datagrams)"
	r+=", dropped_nomem +$(delta dropped_nomem), transmit_errors +$(delta transmit_errors)"
	info "$r"
	[ "$got" = $POOL ] || fail "$1: $got fragments arrived, expected the pool's $POOL"
	[ "$(delta pool_fallbacks)" = $POOL ] || fail "$1: pool_fallbacks did not move by $POOL"
	[ "$(delta datagrams)" = $POOL ] || fail "$1: datagrams did not move by $POOL"
	[ "$(delta dropped_nomem)" = $((nfrag - POOL)) ] || fail "$1: dropped_nomem is not +$((nfrag - POOL))"
	[ "$(delta transmit_errors)" = $((nfrag - POOL)) ] ||
		fail "$1: transmit_errors is not +$((nfrag - POOL))"
	NFRAG=$nfrag
}

# wait_pool: the refill work brings the pool back to 32 (polled; it runs on a kworker).
wait_pool() {
	for _ in $(seq 200); do
		[ "$(stat_of pool_skbs)" = $POOL ] && return 0
		sleep 0.1
	done
	fail "pool_skbs is $(stat_of pool_skbs) after the $1, expected $POOL again"
}

snap
burst burst1
check_burst "first burst"
wait_pool "first burst"

# Without injection the same kind of message goes out whole, from normal allocations.
snap
mark=$(nc_marker normal)
echo "$mark" >/dev/kmsg
out=$(frags "$mark" "$NFRAG") || fail "fragments of the normal message: $out"
read -r got total nfrag <<<"$out"
[ "$got" = "$nfrag" ] && [ "$nfrag" = "$NFRAG" ] ||
	fail "normal message: $got of $nfrag fragments arrived, the bursts' messages had $NFRAG"
[ "$(delta datagrams)" = "$nfrag" ] || fail "normal message: datagrams did not move by $nfrag"
[ "$(delta pool_fallbacks)" = 0 ] && [ "$(delta dropped_nomem)" = 0 ] ||
	fail "normal message used the pool or lost fragments"
[ "$(stat_of pool_skbs)" = $POOL ] || fail "pool_skbs is $(stat_of pool_skbs) after a normal message"
info "without injection: all $nfrag fragments sent normally, pool untouched"

snap
burst burst2
check_burst "second burst"
wait_pool "second burst"

echo 0 >$T/enabled || fail "disable"
[ "$(stat_of pool_skbs)" = 0 ] || fail "pool_skbs is $(stat_of pool_skbs) once disabled, expected 0"
"$NC_PY" -S - "$T/userdata" <<'EOF' || fail "cannot remove the userdata"
import os, sys
for d in os.listdir(sys.argv[1]):
    if os.path.isdir(sys.argv[1] + "/" + d):
        os.rmdir(sys.argv[1] + "/" + d)
EOF
rmdir $T || fail "rmdir $T"
info "pool ran dry twice, refilled twice; counters add up"
