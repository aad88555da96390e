#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# timeout: 300
# Resume races (spec sections 2 and 3: the resume runs on a workqueue, one attempt; if the
# device goes away again while resuming the target ends DISABLED with nothing leaked; rmdir
# cancels or waits for a resume; newer than 6.12). Pass = every step completes, no kernel
# splat (WARN, lockdep, "unregister_netdevice: waiting for", ...), devices are deleted
# promptly, the module unloads. The rename that queues a resume and the step racing it come
# from one process (tests/lib/netdev.sh nd_rename_then), microseconds to milliseconds apart.
# "nocarrier" steps use a device without carrier, so that the resume sits in netpoll's
# carrier wait (netpoll.carrier_timeout, lowered to 1-2 s) when the racing step comes.
#  A. 10 rounds: the sender is deleted (target DEACTIVATED), comes back as eth<N> and is
#     renamed to the target's device name (a resume is queued) and deleted 0 to 600 ms later;
#     then it comes back for good and the target resumes (within 1 s), or, if the race left
#     it DISABLED, is enabled by hand. Afterwards a message is delivered.
#  B. The device goes away while the resume waits for carrier inside netpoll setup: the
#     deletion completes, the target ends DISABLED (the device's next return does not resume
#     it), "network logging resumed" is not logged.
#  C. rmdir right after the rename (twice, other targets resuming meanwhile) and while the
#     resume waits for carrier: rmdir succeeds, the other targets resume, the device can then
#     be deleted promptly.
#  D. rmmod right after the rename and while the resume waits for carrier, with a boot target
#     (a configfs directory would pin the module): rmmod succeeds, the device can then be
#     deleted promptly.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

CT=/sys/module/netpoll/parameters/carrier_timeout

topo_setup
recv=$NC_TMP/cmdline0.recv
start_receiver 6666 "$recv"
param="+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC"
load_netconsole "$param"
nd_setup
rust_only_note
kind=$(nc_kind ext)
[ -w "$CT" ] || fail "no writable $CT"
read -r ct_saved <"$CT"
echo 1 >"$CT"

# wait_forcing WHAT: the resume is inside netpoll setup, about to wait for carrier.
wait_forcing() {
	nd_wait_log "device $SRCIF not up yet, forcing it" 3 ||
		bad "$1: no 'device $SRCIF not up yet, forcing it' within 3 s of the rename (no resume started?)"
}

expect_mkdir 0 cmdline0
expect_value cmdline0 enabled '1\n'

# ---- A: the device goes away again right after coming back ----
resumed=0 by_hand=0 racy_resumes=0 started=$EPOCHREALTIME i=0
for spec in 0 0 0.001 0.003 0.01 0.03 0.1 nc:0.3 nc:0.6 0.2; do
	i=$((i + 1))
	how=link delay=$spec
	case "$spec" in nc:*) how=nocarrier delay=${spec#nc:} ;; esac
	nd_del "$NSIM_SRC_ID"
	log_mark
	nd_new "$NSIM_SRC_ID"
	case "$how" in link) nd_link "$ND_IF" ;; nocarrier) nd_nocarrier "$ND_IF" ;; esac
	nd_rename_then "$ND_IF" "$SRCIF" "$delay" del "$NSIM_SRC_ID"
	[ "$ND_RENAMED" = 1 ] || bad "A$i: renaming the new $ND_IF to $SRCIF failed"
	[ "$ND_ERR" = 0 ] || fail "A$i: deleting the device failed: $ND_ERR"
	racy="deleted after ${delay}s in ${ND_MS} ms, the resume never ran or failed"
	if _log_has "network logging resumed"; then
		racy="deleted after ${delay}s in ${ND_MS} ms, after the resume had succeeded"
		racy_resumes=$((racy_resumes + 1))
	elif _log_has "not up yet, forcing it"; then
		racy="deleted after ${delay}s in ${ND_MS} ms, during the resume's netpoll setup"
	fi
	# Back for good.
	nd_src_again "$SRCIF" link
	nd_up "$SRCIF"
	if nd_wait_value cmdline0 enabled '1\n' 1; then
		resumed=$((resumed + 1))
		pass "A$i ($how): $racy; resumed when back for good"
	elif attr_write cmdline0 enabled 1; then
		by_hand=$((by_hand + 1))
		pass "A$i ($how): $racy; left disabled, enabled by hand"
	else
		# A late resume may have won against the write.
		err=$ATTR_ERRNO
		attr_read cmdline0 enabled
		if [ "$ATTR_VALUE" = '1\n' ]; then
			resumed=$((resumed + 1))
			pass "A$i ($how): $racy; resumed late (the write of 1 got $err)"
		else
			bad "A$i ($how): $racy; neither resumed nor could be enabled: write 1 -> $err, enabled reads '$ATTR_VALUE'"
		fi
	fi
done
info "A: $i rounds in $(nd_since "$started") s: the racy resume had succeeded before the deletion $racy_resumes times; back for good: $resumed resumed on their own, $by_hand enabled by hand"
marker=$(nc_marker after-A)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

# ---- B: the device goes away while the resume waits for carrier ----
echo 2 >"$CT"
nd_del "$NSIM_SRC_ID"
log_mark
nd_src_again "$SRCIF" nocarrier
wait_forcing B
nd_del "$NSIM_SRC_ID"
pass "B: the device deleted during the resume's carrier wait is gone after ${ND_DEL_MS} ms"
expect_value cmdline0 enabled '0\n'
nd_sleep 1
expect_no_log "network logging resumed"
# DISABLED, not DEACTIVATED: the device's return does not resume it.
nd_src_again "$SRCIF" link
nd_up "$SRCIF"
nd_sleep 2
expect_value cmdline0 enabled '0\n'
expect_no_log "network logging resumed"
expect_write cmdline0 enabled 1
marker=$(nc_marker after-B)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

# ---- C: rmdir while a resume is pending ----
targets=(cmdline0)
for t in r1 r2; do
	expect_mkdir 0 "$t"
	cfs_config "$t" "$SRCIF" "$DSTIP" 6667 1
	expect_write "$t" enabled 1
	targets+=("$t")
done
# C1, C2: rmdir right after the rename; the other targets resume.
n=0
for delay in 0 0.005; do
	n=$((n + 1))
	gone=${targets[0]}
	targets=("${targets[@]:1}")
	nd_del "$NSIM_SRC_ID"
	nd_new "$NSIM_SRC_ID"
	nd_link "$ND_IF"
	nd_rename_then "$ND_IF" "$SRCIF" "$delay" rmdir "$NC_CFG/$gone"
	check "$([ "$ND_RENAMED" = 1 ] && [ "$ND_ERR" = 0 ]; echo $?)" \
		"C$n: rmdir $gone ${delay}s after the rename (resume queued) succeeds in ${ND_MS} ms (renamed $ND_RENAMED, error $ND_ERR)"
	for t in "${targets[@]}"; do
		if nd_wait_value "$t" enabled '1\n' 2; then
			pass "C$n: the other target $t resumed"
		else
			bad "C$n: the other target $t did not resume within 2 s (enabled reads '$ATTR_VALUE')"
		fi
	done
done
# C3: rmdir while the resume waits for carrier.
nd_del "$NSIM_SRC_ID"
log_mark
nd_src_again "$SRCIF" nocarrier
wait_forcing C3
t0=$EPOCHREALTIME
expect_rmdir 0 "${targets[0]}"
info "C3: rmdir ${targets[0]} during the resume's carrier wait took $(nd_since "$t0") s"
nd_del "$NSIM_SRC_ID"
pass "C3: the device is deleted ${ND_DEL_MS} ms after the rmdir"
cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "C: no target left ('$CFS_LIST')"

# ---- D: rmmod while a resume is pending ----
nd_rmmod
for d in D1 D2; do
	nd_src_again "$SRCIF" link
	nd_up "$SRCIF"
	load_netconsole "$param"
	marker=$(nc_marker "$d")
	kmsg_write "$marker"
	msg_expect "$recv" "$marker" "$kind"
	nd_del "$NSIM_SRC_ID"
	nd_new "$NSIM_SRC_ID"
	t0=$EPOCHREALTIME
	if [ $d = D1 ]; then
		nd_link "$ND_IF"
		nd_rename_then "$ND_IF" "$SRCIF" 0 rmmod netconsole
		check "$([ "$ND_RENAMED" = 1 ] && [ "$ND_ERR" = 0 ] && [ ! -d /sys/module/netconsole ]; echo $?)" \
			"D1: rmmod right after the rename (resume queued) succeeds in ${ND_MS} ms (renamed $ND_RENAMED, error $ND_ERR)"
	else
		log_mark
		nd_nocarrier "$ND_IF"
		nd_rename "$ND_IF" "$SRCIF"
		wait_forcing D2
		t0=$EPOCHREALTIME
		nd_rmmod
		info "D2: rmmod during the resume's carrier wait took $(nd_since "$t0") s"
	fi
	nd_del "$NSIM_SRC_ID"
	pass "$d: the device is deleted ${ND_DEL_MS} ms after the rmmod"
done
echo "$ct_saved" >"$CT"
cfs_finish
