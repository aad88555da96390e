#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# append: netconsole.netconsole=+6665@192.0.2.1/nc-src,6666@192.0.2.2/;6664@192.0.2.1/nc-src,6667@192.0.2.2/
# Targets from the kernel command line (netconsole.netconsole=..., applied by modprobe), both
# to the default broadcast MAC: they start when the module loads on existing devices, replay
# the log so far (CON_PRINTBUFFER; checked exactly on the first record, "Linux version"), and
# send new lines exactly. With console_mode=nbcon (NC_CONSOLE_MODE, "# console-modes") the
# consoles must be nbcon ones and their printer kthreads replay the log.
# console-modes: legacy nbcon
. "$(dirname "$0")/../lib/topology.sh"

grep -q "netconsole.netconsole=" /proc/cmdline || fail "netconsole.netconsole= is not on the kernel command line"
topo_setup
[ "$SRCIP" = 192.0.2.1 ] && [ "$DSTIP" = 192.0.2.2 ] && [ "$SRCIF" = nc-src ] ||
	fail "the topology does not match the '# append:' line of this test"
ext=$NC_TMP/ext.recv
basic=$NC_TMP/basic.recv
start_receiver 6666 "$ext"
start_receiver 6667 "$basic"
load_netconsole ""

if [ "${NC_CONSOLE_MODE:-legacy}" = nbcon ]; then
	mode=$(cat /sys/module/netconsole/parameters/console_mode)
	[ "$mode" = nbcon ] || fail "console_mode reads '$mode', expected nbcon"
	for c in netcon0 netcon_ext0; do
		dmesg | grep -q "printk: console \[$c\] enabled" ||
			fail "$c was not registered as an nbcon console"
	done
fi

# The replay: the first record (seq 0) if the log still holds it.
first=$NC_TMP/first.expected
if udp_recv kmsg --contains "Linux version $(uname -r)" --out "$first" &&
	grep -q '^[0-9]*,0,' "$first"; then
	wait_datagrams "$ext" 1 30 "Linux version $(uname -r)" || fail "the log was not replayed"
	expect_datagram "$ext" "Linux version $(uname -r)" "$first"
	first_basic=$NC_TMP/first-basic.expected
	udp_recv kmsg --contains "Linux version $(uname -r)" --basic --out "$first_basic" ||
		fail "cannot build the basic form of the first record"
	wait_datagrams "$basic" 1 30 "Linux version $(uname -r)" || fail "the log was not replayed (basic)"
	expect_datagram "$basic" "Linux version $(uname -r)" "$first_basic"
	info "replayed first record is exact on both targets"
else
	info "the first record is no longer in the log: replay not checked"
fi

marker=$(nc_marker)
kmsg_write "$marker"
wait_and_check "$marker" "$(nc_kind ext)" "$ext"
wait_and_check "$marker" "$(nc_kind plain)" "$basic"
