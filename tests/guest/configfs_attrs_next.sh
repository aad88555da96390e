#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# configfs attributes where the spec (section 3) is newer than Linux 6.12, so the C module of
# 6.12 fails these checks (expected; they run against the Rust module only):
# - local_ip/remote_ip read an empty line while unset [next] (6.12: 0.0.0.0, netconsole.c:350,
#   :360);
# - each address keeps its own family [next]: an IPv4 local_ip next to an IPv6 remote_ip (6.12
#   has one np.ipv6 flag per target and refuses IPv4 text once it is set, :597-600, :634-637);
# - strict address text: IPv4 garbage is EINVAL (6.12 feeds any text without ':' to in_aton(),
#   which never fails, :598, :635), and a refused IPv6 text changes nothing (6.12's in6_pton()
#   has already overwritten the address when the trailing byte is refused, :588-592);
# - remote_mac is exactly 17 characters plus an optional newline (6.12 only looks at byte 17,
#   :660-662, and takes "aa:bb:cc:dd:ee:ff\n<anything>"; the spec's wording is asserted here).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note

nc_rep A4096 a 4096

# ---- unset addresses read an empty line ----
cfs_mkdir t
expect_value t local_ip '\n'
expect_value t remote_ip '\n'

# ---- each address keeps its own family ----
expect_write t remote_ip "$DSTIP6"
expect_value t remote_ip "$DSTIP6\\n"
expect_value t local_ip '\n'
expect_write t local_ip "$SRCIP"
expect_value t local_ip "$SRCIP\\n"
expect_value t remote_ip "$DSTIP6\\n"
expect_write t remote_ip "$DSTIP"
expect_value t remote_ip "$DSTIP\\n"
expect_write t local_ip "$SRCIP6"
expect_value t local_ip "$SRCIP6\\n"
expect_value t remote_ip "$DSTIP\\n"

# ---- strict text, nothing changes on EINVAL ----
# A fresh target per attribute and starting family.
n=0
for a in local_ip remote_ip; do
	for keep in 192.0.2.77 2001:db8::77; do
		n=$((n + 1))
		cfs_mkdir s$n
		expect_write s$n $a $keep
		for d in abc 1.2.3 1.2.3.4.5 256.1.1.1 1..2.3 ' 1.2.3.4' '1.2.3.4 ' 1.2.3.4x \
			192.0.2.1junk '1.2.3.4\t' '\xff' '\xff\xfe' "$A4096" \
			2001:db8::1x '2001:db8::5 ' fe80::1%nc-src ::g '::1\t' '::1 x'; do
			expect_rejected EINVAL s$n $a "$d"
		done
		expect_value s$n $a "$keep\\n"
	done
done

# ---- remote_mac: exactly 17 characters and an optional newline ----
expect_write t remote_mac 02:00:00:00:00:01
for d in 'aa:bb:cc:dd:ee:ff\n\n' 'aa:bb:cc:dd:ee:ff\nxyz' 'aa:bb:cc:dd:ee:ff\n '; do
	expect_rejected EINVAL t remote_mac "$d"
done

cfs_finish
