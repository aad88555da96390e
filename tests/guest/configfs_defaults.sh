#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs: what a fresh `mkdir` target looks like (spec section 3): the attributes of
# Linux 6.12, their modes and their defaults read back byte for byte (enabled 0, extended and
# release from CONFIG_NETCONSOLE_EXTENDED_LOG / _PREPEND_RELEASE, dev_name eth0, ports
# 6665/6666, local_mac and remote_mac broadcast, userdata/ with no keys); local_ip/remote_ip
# unset read "0.0.0.0" on 6.12 and an empty line in the spec [next]: either is accepted here
# (configfs_defaults_next.sh asserts the spec's). configfs-level rules the module inherits:
# read-only local_mac (EACCES), EEXIST, EPERM for directories the module does not offer,
# ENOTEMPTY. Targets are independent; `cmdline0` without boot targets is an ordinary target.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup

ext=0 rel=0
nc_kconfig NETCONSOLE_EXTENDED_LOG && ext=1
nc_kconfig NETCONSOLE_PREPEND_RELEASE && rel=1

expect_mkdir 0 t1
check_defaults() {
	local t=$1 a
	expect_value "$t" enabled '0\n'
	expect_value "$t" extended "$ext\\n"
	expect_value "$t" release "$rel\\n"
	expect_value "$t" dev_name 'eth0\n'
	expect_value "$t" local_port '6665\n'
	expect_value "$t" remote_port '6666\n'
	expect_value "$t" local_mac 'ff:ff:ff:ff:ff:ff\n'
	expect_value "$t" remote_mac 'ff:ff:ff:ff:ff:ff\n'
	for a in local_ip remote_ip; do
		attr_read "$t" $a
		case "$ATTR_VALUE" in
		'0.0.0.0\n' | '\n') pass "$t/$a reads '$ATTR_VALUE' (unset: 6.12 0.0.0.0, [next] empty)" ;;
		*) bad "$t/$a reads '$ATTR_VALUE' ($ATTR_ERRNO), expected '0.0.0.0\n' (6.12) or '\n' ([next])" ;;
		esac
	done
	# userdata/ is there, with no keys (files such as the newer sysdata toggles may be).
	if cfs_ls -d "$t/userdata"; then
		check "$([ -z "$CFS_LIST" ]; echo $?)" "$t/userdata/ exists and has no keys ('$CFS_LIST')"
	else
		bad "$t/userdata/ cannot be listed: $CFS_ERRNO"
	fi
}
check_defaults t1

# Every attribute of 6.12 is there with its mode (newer ones may be there too).
cfs_ls t1
have=" $CFS_LIST "
for a in enabled extended release dev_name local_port remote_port local_ip remote_ip \
	local_mac remote_mac userdata; do
	case "$have" in
	*" $a "*) pass "t1/$a exists" ;;
	*) bad "t1/$a is missing (t1 has: $CFS_LIST)" ;;
	esac
done
for a in enabled extended release dev_name local_port remote_port local_ip remote_ip remote_mac; do
	cfs_mode "t1/$a"
	check "$([ "$CFS_MODE" = 644 ]; echo $?)" "t1/$a mode $CFS_MODE, expected 644"
done
cfs_mode t1/local_mac
check "$([ "$CFS_MODE" = 444 ]; echo $?)" "t1/local_mac mode $CFS_MODE, expected 444 (read-only)"
cfs_mode t1/userdata
check "$([ "$CFS_MODE" = 755 ]; echo $?)" "t1/userdata mode $CFS_MODE, expected 755"

# local_mac is read-only even for root: configfs refuses to open it for writing.
expect_rejected EACCES t1 local_mac 'aa:bb:cc:dd:ee:ff\n'

# configfs rules.
expect_mkdir EEXIST t1
expect_mkdir EPERM t1/sub
expect_rmdir EPERM t1/userdata
expect_mkdir 0 t1/userdata/key
expect_mkdir EPERM t1/userdata/key/sub
expect_rmdir ENOTEMPTY t1
expect_rmdir 0 t1/userdata/key

# Targets are independent: changing one leaves a new one at the defaults.
expect_write t1 local_port 7000
expect_write t1 dev_name "$SRCIF"
expect_write t1 remote_mac "$DSTMAC"
expect_mkdir 0 t2
check_defaults t2
expect_value t1 local_port '7000\n'
expect_value t1 dev_name "$SRCIF\\n"

# Without boot targets, cmdline0 is an ordinary new target.
expect_mkdir 0 cmdline0
check_defaults cmdline0

# rmdir removes a target; the name can be used again and starts from the defaults.
expect_rmdir 0 t1
cfs_exists t1
check "$([ "$CFS_REPLY" = 0 ]; echo $?)" "t1 is gone after rmdir"
expect_mkdir 0 t1
check_defaults t1
for t in t1 t2 cmdline0; do expect_rmdir 0 "$t"; done
cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "no targets left ('$CFS_LIST')"

cfs_finish
