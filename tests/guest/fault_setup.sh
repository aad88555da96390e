#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 400
# Fault injection on the setup paths (issue 8): failslab, scoped to one task and one syscall
# (task-filter + /proc/<pid>/make-it-fail), sleeping allocations included, makes the kernel's
# slab allocations fail while that task
#   A. enables a configured target, every allocation failing: the write fails with an errno
#      (not 0, not a crash), `enabled` reads 0, and with failslab off the same target enables
#      and delivers (nothing half set up);
#   B. enables and disables a target 20 times with 50% of the allocations failing: each
#      attempt either fails with an errno and leaves the target disabled, or succeeds and the
#      target delivers;
#   C. creates targets and userdata entries (10% of the allocations failing: a mkdir makes
#      many) and writes userdata values (50%): each operation fails with an errno or works,
#      and everything made can be removed;
#   D. logs messages with 50% of its allocations failing (the send path): nothing crashes, and
#      the target still delivers afterwards.
# Finally the module unloads and kmemleak (debug kernel) finds no leak; the runner fails the
# run on any splat (lockdep, atomic sleep, KASAN, a device reference that was not put back).
# (The fallback pool under failing atomic allocations is pool_fallback.sh's.)
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
# The configfs helper is a hang detector: give it room on a slow (sanitizer, TCG) kernel.
CFS_TIMEOUT=${CFS_TIMEOUT:-180}
. "$(dirname "$0")/../lib/kmemleak.sh"

F=/sys/kernel/debug/failslab
[ -d $F ] || fail "no $F: the test kernel must have FAILSLAB and FAULT_INJECTION_DEBUG_FS"
kml_start
topo_setup
recv=$NC_TMP/fault.recv
start_receiver 6666 "$recv"
cfs_setup
# Setup forces nothing up here (the device is up), but keep netpoll's carrier wait short.
[ -w /sys/module/netpoll/parameters/carrier_timeout ] &&
	echo 1 >/sys/module/netpoll/parameters/carrier_timeout

echo Y >$F/task-filter
echo -1 >$F/times
echo 0 >$F/space
echo N >$F/ignore-gfp-wait
echo 0 >$F/verbose
failslab_off() { echo 0 >$F/probability; }
fault_exit() {
	local rc=$?
	failslab_off
	[ -n "${FAULT_PID:-}" ] && { exec {FAULT_W}>&- {FAULT_R}<&-; kill "$FAULT_PID" 2>/dev/null; wait "$FAULT_PID"; }
	_cfs_rc "$rc"
	cfs_exit
}
trap fault_exit EXIT

# The task that fails: a small helper that opens what it needs first (a file, and its own
# /proc/self/make-it-fail), then turns failslab on for itself, makes the one syscall under
# test (write or mkdir), and turns it off again through the already open file (a write to
# it allocates nothing). Requests: "write PATH DATA" / "mkdir PATH" (DATA in hex); reply
# "OK" or "ERR <errno name>".
FAULT_PY='
import errno, os, sys
mif = os.open("/proc/self/make-it-fail", os.O_WRONLY)
for line in sys.stdin:
    f = line.split()
    try:
        if f[0] == "write":
            fd = os.open(f[1], os.O_WRONLY)
            os.write(mif, b"1")
            try:
                os.write(fd, bytes.fromhex(f[2]) if len(f) > 2 else b"")
            finally:
                os.write(mif, b"0")
                os.close(fd)
        elif f[0] == "mkdir":
            os.write(mif, b"1")
            try:
                os.mkdir(f[1])
            finally:
                os.write(mif, b"0")
        print("OK", flush=True)
    except OSError as e:
        print("ERR", errno.errorcode.get(e.errno, str(e.errno)), flush=True)
'
mkfifo "$NC_TMP/fault.req" "$NC_TMP/fault.rsp" || fail "mkfifo"
"$NC_PY" -S -u -c "$FAULT_PY" <"$NC_TMP/fault.req" >"$NC_TMP/fault.rsp" &
FAULT_PID=$!
exec {FAULT_W}>"$NC_TMP/fault.req" {FAULT_R}<"$NC_TMP/fault.rsp"

# failing PROB write PATH DATA | failing PROB mkdir PATH: the operation from the helper with
# PROB percent of its slab allocations failing; FAIL_ERR = the errno name, empty if it worked.
failing() {
	local prob=$1 op=$2 path=$3 data=${4:-} hex= line
	[ -n "$data" ] && hex=$(printf '%s' "$data" | od -An -tx1 | tr -d ' \n')
	echo "$prob" >$F/probability
	echo "$op $path $hex" >&"$FAULT_W"
	IFS= read -r -t 60 -u "$FAULT_R" line || fail "the fault helper did not answer '$op $path'"
	failslab_off
	case "$line" in
	OK) FAIL_RC=0 FAIL_ERR= ;;
	'ERR '*) FAIL_RC=1 FAIL_ERR=${line#ERR } ;;
	*) fail "fault helper: $line" ;;
	esac
}

delivers() { # delivers TAG: a message logged now reaches the receiver
	local marker
	marker=$(nc_marker "$1")
	kmsg_write "$marker"
	if wait_datagrams "$recv" 1 20 "$marker"; then
		pass "$1: the target delivers"
	else
		bad "$1: no datagram for $marker"
	fi
}

# ---- A. every allocation fails ----
cfs_mkdir a
cfs_config a
failing 100 write "$NC_CFG/a/enabled" 1
check "$([ $FAIL_RC != 0 ] && [ -n "$FAIL_ERR" ]; echo $?)" \
	"A: enabling with every allocation failing fails with an errno ('$FAIL_ERR', exit $FAIL_RC)"
expect_value a enabled '0\n'
cfs_enable a
expect_value a enabled '1\n'
delivers A
cfs_disable a

# ---- B. half of the allocations fail ----
ok=0 refused=0
for i in $(seq 20); do
	failing 50 write "$NC_CFG/a/enabled" 1
	attr_read a enabled
	if [ $FAIL_RC = 0 ]; then
		ok=$((ok + 1))
		[ "$ATTR_VALUE" = '1\n' ] || bad "B$i: the write worked but enabled reads '$ATTR_VALUE'"
		cfs_disable a
	else
		refused=$((refused + 1))
		[ -n "$FAIL_ERR" ] || bad "B$i: the write failed without an errno"
		[ "$ATTR_VALUE" = '0\n' ] || { bad "B$i: failed ('$FAIL_ERR') but enabled reads '$ATTR_VALUE'"; cfs_disable a; }
		info "B$i: $FAIL_ERR"
	fi
done
pass "B: 20 enables with 50% failing allocations: $ok worked, $refused failed with an errno"
cfs_enable a
delivers B
cfs_disable a

# ---- C. configfs objects ----
made=0 refused=0
for i in $(seq 10); do
	failing 10 mkdir "$NC_CFG/c$i"
	if [ $FAIL_RC = 0 ]; then made=$((made + 1)); else refused=$((refused + 1)); info "C$i: mkdir: $FAIL_ERR"; fi
	cfs_exists "c$i" || continue
	failing 10 mkdir "$NC_CFG/c$i/userdata/k"
	if [ -d "$NC_CFG/c$i/userdata/k" ]; then
		failing 50 write "$NC_CFG/c$i/userdata/k/value" "value $i"
		attr_read "c$i" userdata/k/value
		if [ $FAIL_RC = 0 ]; then
			check "$([ "$ATTR_VALUE" = "value $i\\n" ]; echo $?)" "C$i: the value write worked and reads back"
		else
			info "C$i: value write failed: $FAIL_ERR (reads '$ATTR_VALUE')"
		fi
	fi
	cfs_rmdir "c$i"
done
pass "C: 10 mkdirs with 10% failing allocations: $made worked, $refused failed; all removed"
cfs_ls -d ""
check "$([ "$CFS_LIST" = a ]; echo $?)" "C: configfs lists only a ('$CFS_LIST')"

# ---- D. the send path ----
cfs_enable a
marker=$(nc_marker send)
echo 50 >$F/probability
(
	echo 1 >/proc/self/make-it-fail
	# (No exec in here: it would fail too. An open of /dev/kmsg may fail, a message is lost.)
	for ((i = 1; i <= 30; i++)); do echo "$marker-$i" >/dev/kmsg; done
) 2>/dev/null
failslab_off
msg_count "$recv" "$marker"
info "D: $MSG_COUNT of 30 messages logged with 50% failing allocations arrived"
if cfs_exists a/transmit_errors; then
	attr_read a transmit_errors
	info "D: transmit_errors ${ATTR_VALUE%\\n}"
fi
delivers D
cfs_disable a
cfs_rmdir a

# ---- the end: unload, leaks ----
unloaded=1
rmmod netconsole && [ ! -d /sys/module/netconsole ] && unloaded=0
check "$unloaded" "rmmod netconsole"
if kml_check; then pass "kmemleak: no leak"; else bad "kmemleak reports leaks (above)"; fi
cfs_finish
