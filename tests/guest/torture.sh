#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 420
# Torture, in the spirit of upstream's netcons_torture.sh (issue 8): for NC_TORTURE_SECONDS
# (default 60; longer runs need tests/vm/run --timeout) these run concurrently:
#   - a printk flood through /dev/kmsg (every level, lengths up to the record limit, so that
#     extended targets with userdata fragment);
#   - 3 loops creating targets, configuring them, adding userdata, enabling, disabling (or not)
#     and removing them;
#   - a loop rewriting the userdata (values of 0 to 199 bytes, keys created and removed) and the
#     sysdata toggles (where the module has them) of an enabled extended target, and toggling
#     the attached boot target cmdline0;
#   - the sending device's link flapping down and up;
#   - the sending device unregistering and coming back under its name (a resume where the
#     module resumes; Linux 6.12's C module disables the target instead).
# Then: every target the loops created was removed, configfs lists exactly the two left by
# design, the enabled target delivers again once the device is back, every loop did its work;
# and the module unloads while the flood goes on (and while a loop keeps creating targets,
# so that rmmod may be refused with EBUSY until it stops), and kmemleak (debug kernel) finds no
# leak. Pass also needs a clean kernel log (the runner fails any splat: KASAN, lockdep, RCU,
# atomic sleep, WARN, a device that cannot unregister).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
# The configfs helper is a hang detector: give it room on a slow (sanitizer, TCG) kernel.
CFS_TIMEOUT=${CFS_TIMEOUT:-180}
. "$(dirname "$0")/../lib/kmemleak.sh"

SECONDS_RUN=${NC_TORTURE_SECONDS:-60}
[[ "$SECONDS_RUN" =~ ^[1-9][0-9]*$ ]] || fail "NC_TORTURE_SECONDS must be a positive number"
CHURNERS=3
W=$NC_TMP/torture
mkdir -p "$W"

kml_start
topo_setup
recv=$NC_TMP/torture.recv
start_receiver 6666 "$recv"
# Two boot targets: cmdline0 is attached and toggled, cmdline1 is left alone (enabled, until
# the device goes away) and sends while the module unloads.
load_netconsole "+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;6667@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC"
cfs_setup
# Keep netpoll's wait for carrier short: setup races the link flapping.
[ -w /sys/module/netpoll/parameters/carrier_timeout ] &&
	echo 1 >/sys/module/netpoll/parameters/carrier_timeout

expect_mkdir 0 cmdline0
cfs_mkdir ud
cfs_config ud "$SRCIF" "$DSTIP" 6666 1
cfs_enable ud
has_sysdata=0
cfs_exists ud/userdata/cpu_nr_enabled && has_sysdata=1
info "torture for ${SECONDS_RUN}s (sysdata toggles: $has_sysdata)"

# Sleep without an exec (every exec costs 0.1 s or more under TCG).
exec {sleepfd}<> <(:)
nap() { read -r -t "$1" -u "$sleepfd" _ 2>/dev/null; return 0; }

END=$((EPOCHSECONDS + SECONDS_RUN))
running() { [ "$EPOCHSECONDS" -lt "$END" ] && [ ! -e "$W/stop" ]; }

# Every loop writes "name count..." to $W/<name>.count when it ends.

flood() {
	local i=0 pad
	printf -v pad '%*s' 900 ''
	pad=${pad// /x}
	while running; do
		case $((i % 4)) in
		0) echo "<$((i % 8))>nc-torture flood $i" ;;
		1) echo "<6>nc-torture flood $i ${pad:0:$((i % 900))}" ;;
		2) echo "<4>nc-torture flood $i $pad$pad" ;;  # cut at the record limit
		3) echo "<7>nc-torture flood $i" ;;
		esac >/dev/kmsg 2>/dev/null
		i=$((i + 1))
	done
	echo "flood $i" >"$W/flood.count"
}

churn() {
	local k=$1 t=$NC_CFG/churn$1 made=0 removed=0 enabled=0 refused=0 i=0
	while running; do
		i=$((i + 1))
		mkdir "$t" 2>/dev/null || { refused=$((refused + 1)); nap 0.05; continue; }
		made=$((made + 1))
		{
			echo "$SRCIF" >"$t/dev_name"
			echo "$SRCIP" >"$t/local_ip"
			echo "$DSTIP" >"$t/remote_ip"
			echo "$DSTMAC" >"$t/remote_mac"
			echo $((6666 + i % 2)) >"$t/remote_port"
			echo $((i % 2)) >"$t/extended"
			mkdir "$t/userdata/k$k" && echo "churn $k $i" >"$t/userdata/k$k/value"
		} 2>/dev/null
		echo 1 2>/dev/null >"$t/enabled" && enabled=$((enabled + 1))
		nap 0.0$((i % 10))
		# Every third target is removed while still enabled.
		[ $((i % 3)) = 0 ] || echo 0 2>/dev/null >"$t/enabled"
		rmdir "$t/userdata/k$k" 2>/dev/null
		rmdir "$t" 2>/dev/null && removed=$((removed + 1))
		if [ -d "$t" ]; then
			echo "# churn$k: rmdir failed, retrying"
			nap 0.2
			rmdir "$t"/userdata/* 2>/dev/null
			rmdir "$t" && removed=$((removed + 1))
		fi
	done
	echo "churn$k $made $removed $enabled $refused" >"$W/churn$k.count"
}

userdata() {
	local u=$NC_CFG/ud/userdata i=0 v pad writes=0 keys=0 toggles=0
	printf -v pad '%*s' 199 ''
	pad=${pad// /u}
	while running; do
		i=$((i + 1))
		mkdir "$u/key$((i % 8))" 2>/dev/null && keys=$((keys + 1))
		v=${pad:0:$(((i * 37) % 200))}
		echo -n "$v" 2>/dev/null >"$u/key$((i % 8))/value" && writes=$((writes + 1))
		echo "v$i" 2>/dev/null >"$u/key$(((i + 5) % 8))/value" && writes=$((writes + 1))
		rmdir "$u/key$(((i + 4) % 8))" 2>/dev/null
		if [ $has_sysdata = 1 ]; then
			for a in cpu_nr taskname release msgid; do
				echo $(((i >> ${#a}) % 2)) >"$u/${a}_enabled" && toggles=$((toggles + 1))
			done
		fi
		# The attached boot target: enabled and disabled (refusals are expected while
		# its device is gone).
		echo $((i % 2)) 2>/dev/null >"$NC_CFG/cmdline0/enabled"
		[ $((i % 20)) = 0 ] && nap 0.05
	done
	echo "userdata $writes $keys $toggles" >"$W/userdata.count"
}

flap() {
	local n=0
	while running; do
		ip link set dev "$SRCIF" down 2>/dev/null && n=$((n + 1))
		nap 0.1
		ip link set dev "$SRCIF" up 2>/dev/null
		nap 0.3
	done
	ip link set dev "$SRCIF" up 2>/dev/null
	echo "flap $n" >"$W/flap.count"
}

# The sender goes away and comes back (same netdevsim id, renamed to its old name, linked to
# the receiver again, with its addresses, up). Always ends with the device back.
device_again() {
	local d=/sys/bus/netdevsim/devices/netdevsim$NSIM_SRC_ID ifc= i idx nsfd initfd dstidx
	echo "$NSIM_SRC_ID" >/sys/bus/netdevsim/del_device || return 1
	echo "$NSIM_SRC_ID" >/sys/bus/netdevsim/new_device || return 1
	for i in {1..200}; do
		ifc=$(nsim_ifname "$d") && break
		nap 0.02
	done
	[ -n "$ifc" ] || return 1
	[ "$ifc" = "$SRCIF" ] || ip link set dev "$ifc" name "$SRCIF" || return 1
	read -r idx </sys/class/net/$SRCIF/ifindex || return 1
	dstidx=$(ip netns exec "$NC_NS" cat /sys/class/net/$DSTIF/ifindex) || return 1
	exec {nsfd}</run/netns/"$NC_NS" {initfd}</proc/self/ns/net
	echo "$initfd:$idx $nsfd:$dstidx" >/sys/bus/netdevsim/link_device
	exec {nsfd}<&- {initfd}<&-
	ip addr add "$SRCIP/24" dev "$SRCIF" && ip link set dev "$SRCIF" up
}

devices() {
	local n=0 bad=0
	while running; do
		nap 2
		if device_again; then n=$((n + 1)); else bad=$((bad + 1)); fi
	done
	echo "devices $n $bad" >"$W/devices.count"
}

pids=()
flood & pids+=($!)
for k in $(seq $CHURNERS); do churn "$k" & pids+=($!); done
userdata & pids+=($!)
flap & pids+=($!)
devices & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
info "loops done: $(cat "$W"/*.count | tr '\n' ';')"

# ---- accounting ----
count() { # count NAME FIELD: a field of a loop's count line (0 if the loop left none)
	local line field=$2
	line=$(cat "$W/$1.count" 2>/dev/null) || { echo 0; return; }
	# shellcheck disable=SC2086
	set -- $line
	shift "$field"
	echo "${1:-0}"
}
made=0 removed=0 enabled=0
for k in $(seq $CHURNERS); do
	read -r _ m r e _ <"$W/churn$k.count" || { bad "churn$k left no count"; continue; }
	made=$((made + m)) removed=$((removed + r)) enabled=$((enabled + e))
done
check "$([ "$made" -gt 0 ] && [ "$made" = "$removed" ]; echo $?)" \
	"every created target was removed ($made created, $removed removed, $enabled enabled)"
check "$([ "$enabled" -gt 0 ]; echo $?)" "the churn loops enabled targets ($enabled times)"
cfs_ls -d ""
check "$([ "$CFS_LIST" = "cmdline0 ud" ]; echo $?)" "configfs lists exactly cmdline0 and ud ('$CFS_LIST')"
check "$([ "$(count flood 1)" -gt 0 ]; echo $?)" "the flood logged $(count flood 1) messages"
check "$([ "$(count userdata 1)" -gt 0 ]; echo $?)" "userdata rewritten $(count userdata 1) times, $(count userdata 2) keys created, $(count userdata 3) toggles"
check "$([ "$(count flap 1)" -gt 0 ]; echo $?)" "the link flapped $(count flap 1) times"
check "$([ "$(count devices 1)" -gt 0 ] && [ "$(count devices 2)" = 0 ]; echo $?)" \
	"the device went away and came back $(count devices 1) times ($(count devices 2) failed)"

# The device is back and up: the persistent target delivers again (enabled by hand where the
# device's unregistration disabled it; the resume may also still be running).
for i in {1..50}; do
	[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] && break
	nap 0.1
done
attr_read ud enabled
if [ "$ATTR_VALUE" != '1\n' ]; then
	nap 1
	attr_read ud enabled
	[ "$ATTR_VALUE" = '1\n' ] || cfs_enable ud
fi
msg_count "$recv" "nc-torture flood"
info "$MSG_COUNT flood datagrams received"
# A fresh receiver (the first one's lifetime is bounded, and its file is big by now).
stop_receivers
recv=$NC_TMP/after.recv
start_receiver 6666 "$recv"
marker=$(nc_marker after)
kmsg_write "$marker"
if wait_datagrams "$recv" 1 20 "$marker"; then
	pass "the enabled target delivers after the torture"
else
	bad "no datagram for $marker after the torture"
fi
if cfs_exists ud/transmit_errors; then
	attr_read ud transmit_errors
	check "$([[ "$ATTR_VALUE" =~ ^[0-9]+\\n$ ]]; echo $?)" "ud/transmit_errors reads a count (${ATTR_VALUE%\\n})"
fi

# ---- unload under load ----
cfs_rmdir ud
cfs_rmdir cmdline0
END=$((EPOCHSECONDS + 3600))
flood & fpid=$!
(
	while [ ! -e "$W/stop-mkdir" ]; do
		mkdir "$NC_CFG/late" 2>/dev/null && rmdir "$NC_CFG/late"
		[ -d "$NC_CFG" ] || break
	done
) & mpid=$!
nap 2
tries=0
while [ -d /sys/module/netconsole ] && [ $tries -lt 100 ]; do
	tries=$((tries + 1))
	[ $tries = 20 ] && touch "$W/stop-mkdir"
	rmmod netconsole 2>/dev/null || nap 0.05
done
touch "$W/stop-mkdir"
wait "$mpid"
touch "$W/stop"
wait "$fpid"
check "$([ ! -d /sys/module/netconsole ]; echo $?)" "rmmod netconsole under a printk flood (after $tries attempts)"

if kml_check; then pass "kmemleak: no leak"; else bad "kmemleak reports leaks (above)"; fi
cfs_finish
