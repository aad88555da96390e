#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# hostnet: capture
# panic: sysrq triggered crash
# timeout: 180
# append: panic=1
# console-modes: legacy nbcon
# The panic path (spec sections 4 and 5): after `echo c >/proc/sysrq-trigger` the kernel
# panics with interrupts off and the other CPUs stopped, and what it prints on the way still
# leaves through netpoll: a basic and an extended target on the guest's NIC to the host
# (tests/vm/run "# hostnet: capture": QEMU carries its frames to a recorder on the host's
# loopback, which outlives the guest). The guest logs a marker, writes what the host must have
# received (for each target, in order: the marker, "sysrq: Trigger a crash",
# "Kernel panic - not syncing: sysrq triggered crash" and "Kernel Offset:", which x86 prints
# from a panic notifier once the other CPUs are stopped), and that the basic target's
# datagrams from the marker on are exactly lines of the serial console; then it crashes. The
# runner checks the frames (checksums included) after QEMU has exited. panic=1 (instead of the runner's -1)
# keeps the guest up one more second after the last line, so that QEMU has sent every frame
# before the reset ends it.
. "$(dirname "$0")/../lib/topology.sh"

[ "$(id -u)" = 0 ] || skip "must run as root"
if [ -z "${NC_HOSTNET_MAC:-}" ] || [ ! -d "${NC_RESULTS:-}" ]; then
	skip "needs the host NIC of tests/vm/run ('# hostnet: capture')"
fi
[ -w /proc/sysrq-trigger ] || fail "no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)"

dev=
for d in /sys/class/net/*; do
	[ "$(cat "$d/address" 2>/dev/null)" = "$NC_HOSTNET_MAC" ] && dev=${d##*/}
done
[ -n "$dev" ] || fail "no interface with the host NIC's MAC $NC_HOSTNET_MAC"
must ip addr add "$SRCIP/24" dev "$dev"
must ip link set "$dev" up
for _ in $(seq 50); do
	[ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
[ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ] || fail "$dev has no carrier"

# A basic target to port 6666 and an extended one to 6667, to the broadcast MAC: the host end
# records every frame whatever its destination.
load_netconsole "6665@$SRCIP/$dev,6666@$DSTIP/;+6664@$SRCIP/$dev,6667@$DSTIP/"
marker=$(nc_marker)
kmsg_write "$marker"

expect=$NC_RESULTS/hostnet.expect
for port in 6666 6667; do
	for text in "$marker" "sysrq: Trigger a crash" \
		"Kernel panic - not syncing: sysrq triggered crash" "Kernel Offset:"; do
		printf '%s %s\n' "$port" "$text"
	done
done >"$expect" || fail "cannot write $expect"
# And the basic target sends exactly what the serial console prints.
echo "6666 !console" >>"$expect" || fail "cannot write $expect"
sync
info "expectations in $expect; crashing the kernel"
echo c >/proc/sysrq-trigger
sleep 10
fail "the kernel is still running 10 s after sysrq c"
