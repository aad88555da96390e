#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# append: netconsole.netconsole=+6665@192.0.2.1/nc-src,6666@192.0.2.2/;6664@192.0.2.1/nc-src,6667@192.0.2.2/ netconsole.console_mode=nbcon
# Boot targets with console_mode=nbcon from the kernel command line (as boot_param.sh in legacy
# mode): the consoles are nbcon ones, the log so far is replayed by their printer kthreads
# (CON_PRINTBUFFER; checked exactly on the first record, "Linux version"), and new lines
# arrive exactly on the extended and the basic target.
. "$(dirname "$0")/../lib/topology.sh"

grep -q "netconsole.console_mode=nbcon" /proc/cmdline || fail "netconsole.console_mode=nbcon is not on the kernel command line"
topo_setup
[ "$SRCIP" = 192.0.2.1 ] && [ "$DSTIP" = 192.0.2.2 ] && [ "$SRCIF" = nc-src ] ||
	fail "the topology does not match the '# append:' line of this test"
ext=$NC_TMP/ext.recv
basic=$NC_TMP/basic.recv
start_receiver 6666 "$ext"
start_receiver 6667 "$basic"
load_netconsole ""

[ "$(cat /sys/module/netconsole/parameters/console_mode)" = nbcon ] ||
	fail "console_mode reads '$(cat /sys/module/netconsole/parameters/console_mode)', expected nbcon"
for c in netcon0 netcon_ext0; do
	dmesg | grep -q "printk: console \[$c\] enabled" || fail "$c was not registered as an nbcon console"
done

first=$NC_TMP/first.expected
if udp_recv kmsg --contains "Linux version $(uname -r)" --out "$first" &&
	grep -q '^[0-9]*,0,' "$first"; then
	wait_datagrams "$ext" 1 30 "Linux version $(uname -r)" || fail "the log was not replayed"
	expect_datagram "$ext" "Linux version $(uname -r)" "$first"
	info "replayed first record is exact"
	first_basic=$NC_TMP/first-basic.expected
	udp_recv kmsg --contains "Linux version $(uname -r)" --basic --out "$first_basic" ||
		fail "cannot build the basic form of the first record"
	wait_datagrams "$basic" 1 30 "Linux version $(uname -r)" || fail "the log was not replayed (basic)"
	expect_datagram "$basic" "Linux version $(uname -r)" "$first_basic"
	info "replayed first record is exact on the basic target too"
else
	info "the first record is no longer in the log: replay not checked"
fi

marker=$(nc_marker)
kmsg_write "$marker"
wait_and_check "$marker" ext "$ext"
wait_and_check "$marker" basic "$basic"
