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
#   C. systematically (fail-nth): mkdir of a target, enabling a target and writing a userdata
#      value of an enabled target, each repeated with its 1st, 2nd, 3rd, ... allocation failing
#      until it makes no more: each attempt fails with an errno and leaves nothing (no target,
#      still disabled, the old value) or works;
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

# The task that fails: a small helper that opens what it needs first (a file, its own
# /proc/self/make-it-fail and /proc/thread-self/fail-nth), then arms the fault, makes the one
# syscall under test (write or mkdir) and disarms it through the already open file (a write
# to it allocates nothing). Armed either by make-it-fail (failslab's probability applies) or,
# when N > 0, by fail-nth: exactly the Nth allocation of the syscall fails, whatever the
# probability. Requests: "write N PATH HEX" / "mkdir N PATH"; reply "OK|ERR <errno> <hit>",
# hit 1 if the Nth allocation was reached (fail-nth), else 0.
FAULT_PY='
import errno, os, sys
mif = os.open("/proc/self/make-it-fail", os.O_WRONLY)
NTH = "/proc/thread-self/fail-nth"
nthf = os.open(NTH, os.O_WRONLY)
rfd = None
def arm(n):
    global rfd
    if n == 0:
        os.write(mif, b"1")
        return
    rfd = os.open(NTH, os.O_RDONLY)  # read after the syscall: no open then
    os.write(nthf, str(n).encode())
def disarm(n):
    global rfd
    if n == 0:
        os.write(mif, b"0")
        return 0
    left = os.read(rfd, 32).strip()
    os.write(nthf, b"0")
    os.close(rfd)
    rfd = None
    return 1 if left == b"0" else 0
for line in sys.stdin:
    f = line.split()
    n = int(f[1])
    hit = 0
    try:
        if f[0] == "write":
            fd = os.open(f[2], os.O_WRONLY)
            try:
                arm(n)
                os.write(fd, bytes.fromhex(f[3]) if len(f) > 3 else b"")
            finally:
                hit = disarm(n)
                os.close(fd)
        elif f[0] == "mkdir":
            try:
                arm(n)
                os.mkdir(f[2])
            finally:
                hit = disarm(n)
        print("OK -", hit, flush=True)
    except OSError as e:
        print("ERR", errno.errorcode.get(e.errno, str(e.errno)), hit, flush=True)
'
mkfifo "$NC_TMP/fault.req" "$NC_TMP/fault.rsp" || fail "mkfifo"
"$NC_PY" -S -u -c "$FAULT_PY" <"$NC_TMP/fault.req" >"$NC_TMP/fault.rsp" &
FAULT_PID=$!
exec {FAULT_W}>"$NC_TMP/fault.req" {FAULT_R}<"$NC_TMP/fault.rsp"

# failing PROB write PATH DATA | failing PROB mkdir PATH: the operation from the helper with
# PROB percent of its slab allocations failing; FAIL_ERR = the errno name, empty if it worked.
# PROB "nth:N": the Nth allocation fails; FAIL_HIT = 1 if the operation got that far.
failing() {
	local prob=$1 op=$2 path=$3 data=${4:-} hex= line n=0
	[ -n "$data" ] && hex=$(printf '%s' "$data" | od -An -tx1 | tr -d ' \n')
	case "$prob" in
	nth:*) n=${prob#nth:} ;;
	*) echo "$prob" >$F/probability ;;
	esac
	echo "$op $n $path $hex" >&"$FAULT_W"
	IFS= read -r -t 60 -u "$FAULT_R" line || fail "the fault helper did not answer '$op $path'"
	failslab_off
	read -r st FAIL_ERR FAIL_HIT <<<"$line"
	case "$st" in
	OK) FAIL_RC=0 FAIL_ERR= ;;
	ERR) FAIL_RC=1 ;;
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

# ---- C. every allocation of a mkdir, an enable and a value write, one at a time ----
# nth_sweep NAME CMD...: run CMD (which calls failing nth:$N ...) for N = 1, 2, ... until
# an attempt no longer reaches its Nth allocation (at most 400): every allocation on the
# path fails once. CMD judges each attempt; the sweep counts them.
nth_sweep() {
	local name=$1 n
	shift
	for ((n = 1; n <= 400; n++)); do
		N=$n
		"$@"
		[ "$FAIL_HIT" = 1 ] || break
	done
	# (None at all is fine: Linux 6.12 writes a userdata value into a fixed buffer.)
	check "$([ $n -le 400 ]; echo $?)" \
		"C: $name: each of its $((n - 1)) allocations failed once, every time cleanly"
}
try_mkdir() {
	failing "nth:$N" mkdir "$NC_CFG/c"
	if [ $FAIL_RC = 0 ]; then
		cfs_rmdir c
	elif cfs_exists c; then
		bad "C: mkdir with allocation $N failing: $FAIL_ERR, but c exists"
		cfs_rmdir c
	fi
}
try_enable() {
	failing "nth:$N" write "$NC_CFG/a/enabled" 1
	attr_read a enabled
	if [ $FAIL_RC = 0 ]; then
		[ "$ATTR_VALUE" = '1\n' ] || bad "C: enable with allocation $N failing worked, but enabled reads '$ATTR_VALUE'"
		cfs_disable a
	elif [ "$ATTR_VALUE" != '0\n' ]; then
		bad "C: enable with allocation $N failing: $FAIL_ERR, but enabled reads '$ATTR_VALUE'"
		cfs_disable a
	fi
}
try_value() {
	attr_write a userdata/k/value before
	failing "nth:$N" write "$NC_CFG/a/userdata/k/value" "after"
	attr_read a userdata/k/value
	case "$FAIL_RC:$ATTR_VALUE" in
	'0:after\n' | 1:'before\n') ;;
	*) bad "C: value write with allocation $N failing (${FAIL_ERR:-worked}) reads '$ATTR_VALUE'" ;;
	esac
}
nth_sweep "mkdir of a target" try_mkdir
nth_sweep "enabling a target" try_enable
expect_mkdir 0 a/userdata/k
attr_write a extended 1
cfs_enable a
nth_sweep "a userdata value write on an enabled target" try_value
cfs_disable a
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
