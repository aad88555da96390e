# SPDX-License-Identifier: GPL-2.0
# Sourced by the device-event tests (tests/guest/netdev_*.sh), after tests/lib/topology.sh and
# tests/lib/configfs.sh: make the sending netdevsim device go away and come back (same id,
# same or other name, same or other MAC), link it to the receiver again, create extra devices
# (netdevsim, veth, bond) that are removed on exit, time deletions, race a rename against a
# deletion, and wait for a configfs attribute or a kernel log line.
#
# Renames and up/down go through one Python helper started once per test (ioctls: no exec
# per operation, which costs 0.1 s or more under TCG, and precise timing for the races).
#
# Setup:    nd_setup                cfs_setup, plus an EXIT trap that stops the helper and
#                                    removes the extra devices (nd_extra_*) before the targets
#                                    and the topology
# Devices:  nd_new ID                create netdevsim device ID; ND_IF = its interface (as the
#                                    kernel named it, e.g. eth0)
#           nd_link IF               link IF (initial namespace) with $DSTIF (in $NC_NS)
#           nd_rename OLD NEW        rename a (down) interface
#           nd_up IF                 set IF up and wait for carrier (5 s)
#           nd_up_nowait IF / nd_down IF
#           nd_nocarrier IF          up and down again: a netdevsim device without a peer then
#                                    has no carrier (a new one has), so that netpoll setup
#                                    forcing it up waits netpoll.carrier_timeout seconds
#           nd_mac IF MAC            set the hardware address
#           nd_del ID [LIMIT]        delete netdevsim device ID; fail the test if it takes more
#                                    than LIMIT seconds (default $ND_DEL_LIMIT); ND_DEL_MS = time
#           nd_rename_then OLD NEW DELAY ACTION ARG   rename OLD to NEW, wait DELAY seconds
#                                    (may be 0), then, from the same process: ACTION "del"
#                                    deletes netdevsim device ARG, "rmdir" removes the directory
#                                    ARG, "rmmod" unloads module ARG. ND_RENAMED = 1 if the
#                                    rename worked, ND_MS = how long ACTION took, ND_ERR = 0 or
#                                    its errno name. Fails the test if no answer comes within
#                                    $ND_DEL_LIMIT + DELAY + 1 seconds.
#           nd_src_again [NAME] [link|nolink|nocarrier]   the sender comes back: nd_new
#                                    $NSIM_SRC_ID, link it to the receiver (link, default), or not
#                                    (nolink), or not and without carrier (nocarrier); then
#                                    rename it to NAME (default $SRCIF), left down
#           nd_extra_nsim NAME       one more netdevsim device, renamed NAME, deleted on exit
#           nd_extra_link NAME       a link created by the test (veth, bond): deleted on exit
# Waiting:  nd_wait_value T A VALUE SECONDS   poll $NC_CFG/T/A until it reads VALUE (byte
#                                    notation, as expect_value); ND_WAITED = seconds waited;
#                                    non-zero on timeout (no check counted)
#           nd_wait_log TEXT SECONDS  until a kernel log record since log_mark (configfs.sh)
#                                    contains TEXT; non-zero on timeout
#           nd_since T0              seconds since T0 (an $EPOCHREALTIME value), e.g. 1.23
#           nd_sleep SECONDS         sleep without an exec
# Module:   nd_rmmod                 rmmod netconsole; one check that it is gone

ND_DEL_LIMIT=${ND_DEL_LIMIT:-10}
ND_EXTRA_NSIM=()
ND_EXTRA_LINKS=()
ND_NEXT_ID=$((768 + RANDOM % 200))
ND_DST_IDX=
ND_IF=
ND_DEL_MS=
ND_RENAMED=
ND_MS=
ND_ERR=
ND_REPLY=
ND_WAITED=
ND_SLEEP_FD=
ND_PY_PID=
ND_PY_W=
ND_PY_R=

# The helper: one request per line, fields separated by spaces; one reply line, "OK [...]"
# or "ERR <errno name>".
ND_PY='
import errno, fcntl, os, socket, struct, sys, time

SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCSIFNAME = 0x8913, 0x8914, 0x8923
IFF_UP = 1
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

def rename(old, new):
    fcntl.ioctl(sock, SIOCSIFNAME, struct.pack("16s16s8x", old.encode(), new.encode()))

def set_up(name, up):
    r = fcntl.ioctl(sock, SIOCGIFFLAGS, struct.pack("16s24x", name.encode()))
    flags = struct.unpack_from("16xH", r)[0]
    flags = flags | IFF_UP if up else flags & ~IFF_UP
    fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH22x", name.encode(), flags))

def handle(f):
    if f[0] == "rename":
        rename(f[1], f[2])
        return "OK"
    if f[0] in ("up", "down"):
        set_up(f[1], f[0] == "up")
        return "OK"
    if f[0] == "rename_then":
        old, new, delay, action, arg = f[1], f[2], float(f[3]), f[4], f[5]
        try:
            rename(old, new)
            renamed = 1
        except OSError:
            renamed = 0
        if delay > 0:
            time.sleep(delay)
        t0 = time.monotonic()
        err = "0"
        try:
            if action == "del":
                with open("/sys/bus/netdevsim/del_device", "w") as fh:
                    fh.write(arg)
            elif action == "rmdir":
                os.rmdir(arg)
            elif action == "rmmod":
                import ctypes
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.delete_module(arg.encode(), os.O_NONBLOCK) != 0:
                    e = ctypes.get_errno()
                    err = errno.errorcode.get(e, "E%d" % e)
            else:
                return "ERR EBADRQC"
        except OSError as e:
            err = errno.errorcode.get(e.errno, "E%d" % e.errno)
        return "OK %d %d %s" % (renamed, int((time.monotonic() - t0) * 1000), err)
    return "ERR EBADRQC"

for line in sys.stdin:
    f = line.split()
    try:
        reply = handle(f)
    except OSError as e:
        reply = "ERR " + errno.errorcode.get(e.errno, "E%d" % e.errno)
    except Exception as e:
        reply = "ERR EHELPER " + repr(e).replace("\n", " ")
    sys.stdout.write(reply + "\n")
    sys.stdout.flush()
'

nd_py_start() {
	[ -n "$ND_PY_PID" ] && return 0
	local req=$NC_TMP/nd.req rsp=$NC_TMP/nd.rsp
	mkfifo "$req" "$rsp" || fail "mkfifo failed"
	"$NC_PY" -S -u -c "$ND_PY" <"$req" >"$rsp" &
	ND_PY_PID=$!
	exec {ND_PY_W}>"$req" {ND_PY_R}<"$rsp"
}

nd_py_stop() {
	[ -n "$ND_PY_PID" ] || return 0
	local i
	exec {ND_PY_W}>&- {ND_PY_R}<&-
	kill "$ND_PY_PID" 2>/dev/null
	# Not waited for if it is stuck in the kernel (a deletion that hangs): that is reported
	# by whoever saw it.
	for i in {1..20}; do
		kill -0 "$ND_PY_PID" 2>/dev/null || break
		nd_sleep 0.05
	done
	kill -0 "$ND_PY_PID" 2>/dev/null || wait "$ND_PY_PID" 2>/dev/null
	ND_PY_PID=
}

# nd_req TIMEOUT FIELD...: one request; the reply (after "OK") in ND_REPLY. Fails the test on
# an error or when no reply comes within TIMEOUT seconds.
nd_req() {
	local limit=$1 line
	shift
	nd_py_start
	echo "$*" >&"$ND_PY_W" || fail "the device helper is gone (request: $*)"
	IFS= read -r -t "$limit" -u "$ND_PY_R" line ||
		fail "the device helper did not answer '$*' within ${limit}s (a hang in the kernel?)"
	case "$line" in
	OK) ND_REPLY= ;;
	'OK '*) ND_REPLY=${line#OK } ;;
	*) fail "'$*' failed: $line" ;;
	esac
}

# Every exec costs 0.1 s or more under TCG: sleep on a pipe nobody writes to.
nd_sleep() {
	[ -n "$ND_SLEEP_FD" ] || exec {ND_SLEEP_FD}<> <(:)
	read -r -t "$1" -u "$ND_SLEEP_FD" _ 2>/dev/null
	return 0
}

# nd_since T0: seconds elapsed since T0 (an $EPOCHREALTIME value), e.g. 1.23.
nd_since() {
	local us=$((${EPOCHREALTIME/[.,]/} - ${1/[.,]/}))
	printf '%d.%02d' $((us / 1000000)) $((us % 1000000 / 10000))
}

nd_new() {
	local id=$1 d=/sys/bus/netdevsim/devices/netdevsim$1 i
	echo "$id" >/sys/bus/netdevsim/new_device || fail "netdevsim new_device $id failed"
	ND_IF=
	for i in {1..200}; do
		ND_IF=$(nsim_ifname "$d") && break
		nd_sleep 0.02
	done
	[ -n "$ND_IF" ] || fail "the interface of netdevsim$id did not appear"
}

nd_link() {
	local ifc=$1 idx nsfd initfd
	if [ -z "$ND_DST_IDX" ]; then
		ND_DST_IDX=$(ip netns exec "$NC_NS" cat /sys/class/net/$DSTIF/ifindex) ||
			fail "cannot read the ifindex of $DSTIF"
	fi
	read -r idx </sys/class/net/$ifc/ifindex || fail "no interface $ifc"
	exec {nsfd}</run/netns/"$NC_NS"
	exec {initfd}</proc/self/ns/net
	echo "$initfd:$idx $nsfd:$ND_DST_IDX" >/sys/bus/netdevsim/link_device ||
		fail "linking $ifc with $DSTIF failed"
	exec {nsfd}<&- {initfd}<&-
}

nd_rename() { nd_req 10 rename "$1" "$2"; }
nd_mac() { must ip link set dev "$1" address "$2"; }
nd_down() { nd_req 10 down "$1"; }
nd_up_nowait() { nd_req 10 up "$1"; }
nd_nocarrier() { nd_up_nowait "$1"; nd_down "$1"; }

nd_up() {
	local i c
	nd_up_nowait "$1"
	for i in {1..250}; do
		read -r c <"/sys/class/net/$1/carrier" 2>/dev/null && [ "$c" = 1 ] && return 0
		nd_sleep 0.02
	done
	fail "$1 has no carrier 5 s after going up"
}

nd_del() {
	local id=$1 limit=${2:-$ND_DEL_LIMIT} t0=${EPOCHREALTIME/[.,]/} pid i
	[ -d /sys/bus/netdevsim/devices/netdevsim$id ] || fail "nd_del: no netdevsim$id"
	echo "$id" >/sys/bus/netdevsim/del_device &
	pid=$!
	for ((i = 0; i < limit * 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		nd_sleep 0.02
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "deleting netdevsim$id did not finish within ${limit}s (a leaked device reference?)"
	fi
	wait "$pid" || fail "deleting netdevsim$id failed"
	ND_DEL_MS=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
}

nd_rename_then() {
	local old=$1 new=$2 delay=$3 action=$4 arg=$5
	nd_req "$((ND_DEL_LIMIT + ${delay%.*} + 1))" rename_then "$old" "$new" "$delay" "$action" "$arg"
	read -r ND_RENAMED ND_MS ND_ERR <<<"$ND_REPLY"
}

nd_src_again() {
	local name=${1:-$SRCIF} how=${2:-link}
	nd_new "$NSIM_SRC_ID"
	case "$how" in
	link) nd_link "$ND_IF" ;;
	nolink) ;;
	nocarrier) nd_nocarrier "$ND_IF" ;;
	*) fail "nd_src_again: unknown mode $how" ;;
	esac
	[ "$ND_IF" = "$name" ] || nd_rename "$ND_IF" "$name"
}

nd_extra_nsim() {
	local name=$1 id=$ND_NEXT_ID
	ND_NEXT_ID=$((ND_NEXT_ID + 1))
	nd_new "$id"
	ND_EXTRA_NSIM+=("$id")
	nd_rename "$ND_IF" "$name"
	ND_IF=$name
}

nd_extra_link() { ND_EXTRA_LINKS+=("$1"); }

nd_cleanup_extras() {
	local rc=0 l id
	for l in "${ND_EXTRA_LINKS[@]}"; do
		[ -e "/sys/class/net/$l" ] && { ip link del "$l" || rc=1; }
	done
	ND_EXTRA_LINKS=()
	for id in "${ND_EXTRA_NSIM[@]}"; do
		nsim_delete "$id" 10 || rc=1
	done
	ND_EXTRA_NSIM=()
	return $rc
}

# nd_boot_target DEV: a receiver on port 6666 ($recv), netconsole loaded with an extended boot
# target on DEV (a name or a MAC), the netdev helpers started, `cmdline0` attached and
# enabled; $kind is what that target sends.
nd_boot_target() {
	recv=$NC_TMP/cmdline0.recv
	start_receiver 6666 "$recv"
	load_netconsole "+6665@$SRCIP/$1,6666@$DSTIP/$DSTMAC"
	nd_setup
	kind=$(nc_kind ext)
	expect_mkdir 0 cmdline0
	expect_value cmdline0 enabled '1\n'
}

# nd_first_message TAG: a message logged now reaches the receiver, exactly.
nd_first_message() {
	local marker
	marker=$(nc_marker "$1")
	kmsg_write "$marker"
	msg_expect "$recv" "$marker" "$kind"
}

# nd_unregister_src: delete the sender device: promptly, `cmdline0` then reads disabled and the
# log says why.
nd_unregister_src() {
	log_mark
	nd_del "$NSIM_SRC_ID"
	pass "deleting $SRCIF completes (${ND_DEL_MS} ms)"
	expect_value cmdline0 enabled '0\n'
	expect_log "network logging stopped on interface $SRCIF as it unregistered"
}

nd_exit() {
	local rc=$?
	trap - EXIT
	nd_py_stop
	nd_cleanup_extras || { echo "FAIL: removing the extra devices failed"; rc=1; }
	_cfs_rc "$rc"
	cfs_exit
}

nd_setup() {
	cfs_setup
	trap nd_exit EXIT
}

nd_wait_value() {
	local t=$1 a=$2 want=$3 limit=$4 t0=$EPOCHREALTIME rc=0
	while :; do
		attr_read "$t" "$a" && [ "$ATTR_VALUE" = "$want" ] && break
		if [ $((${EPOCHREALTIME/[.,]/} - ${t0/[.,]/})) -ge $((limit * 1000000)) ]; then
			rc=1
			break
		fi
		nd_sleep 0.05
	done
	ND_WAITED=$(nd_since "$t0")
	return $rc
}

# nd_rename_resumes OLD NEW WHAT: renaming OLD to NEW (NETDEV_CHANGENAME) must resume
# cmdline0 within 2 s: enabled reads 1 and "network logging resumed on interface NEW" is
# logged. WHAT describes the device in the messages.
nd_rename_resumes() {
	local old=$1 new=$2 what=$3 t0=$EPOCHREALTIME
	nd_rename "$old" "$new"
	if nd_wait_value cmdline0 enabled '1\n' 2; then
		pass "enabled reads 1 $(nd_since "$t0")s after the rename of $old ($what) to $new (limit 2 s)"
	else
		attr_read cmdline0 enabled
		bad "enabled still reads '$ATTR_VALUE' $(nd_since "$t0")s after the rename of $old ($what) to $new (limit 2 s)"
	fi
	nd_wait_log "network logging resumed on interface $new" 2
	expect_log "network logging resumed on interface $new"
}

nd_wait_log() {
	local text=$1 limit=$2 t0=${EPOCHREALTIME/[.,]/}
	while ! _log_has "$text"; do
		[ $((${EPOCHREALTIME/[.,]/} - t0)) -ge $((limit * 1000000)) ] && return 1
		nd_sleep 0.05
	done
}

nd_rmmod() {
	local out
	if out=$(rmmod netconsole 2>&1) && [ ! -d /sys/module/netconsole ]; then
		pass "rmmod netconsole succeeds"
		return 0
	fi
	bad "rmmod netconsole failed: ${out:-module still loaded}"
	return 1
}
