#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs and boot targets (spec sections 1 and 3): targets from netconsole= are not listed
# until `mkdir cmdline<N>` attaches them; cmdline0 (working, extended) then shows its boot
# configuration with enabled 1, refuses parameter writes while enabled ("target (cmdline0) is
# enabled, ..."), takes userdata, can be disabled and enabled again; cmdline1, whose device is
# missing, is listed disabled with its boot configuration, fails to enable with ENODEV, and
# once dev_name is fixed enables and delivers. rmdir of a boot target destroys it: a later
# `mkdir cmdline0` is an ordinary new target, and so is a cmdline<N> beyond the boot targets.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
r0=$NC_TMP/cmdline0.recv r1=$NC_TMP/cmdline1.recv
start_receiver 6666 "$r0"
start_receiver 6667 "$r1"
load_netconsole "+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;6664@$SRCIP/nc-missing,6667@$DSTIP/$DSTMAC"
cfs_setup

rel=0
nc_kconfig NETCONSOLE_PREPEND_RELEASE && rel=1
kind0=$(nc_kind ext)
kind1=$(nc_kind plain)
ext1=0
nc_kconfig NETCONSOLE_EXTENDED_LOG && ext1=1

cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "boot targets are not listed before mkdir ('$CFS_LIST')"

# ---- cmdline0: the working boot target ----
expect_mkdir 0 cmdline0
expect_value cmdline0 enabled '1\n'
expect_value cmdline0 extended '1\n'
expect_value cmdline0 release "$rel\\n"
expect_value cmdline0 dev_name "$SRCIF\\n"
expect_value cmdline0 local_port '6665\n'
expect_value cmdline0 remote_port '6666\n'
expect_value cmdline0 local_ip "$SRCIP\\n"
expect_value cmdline0 remote_ip "$DSTIP\\n"
expect_value cmdline0 local_mac "$SRCMAC\\n"
expect_value cmdline0 remote_mac "$DSTMAC\\n"
cfs_ls -d cmdline0/userdata
check "$([ -z "$CFS_LIST" ]; echo $?)" "cmdline0/userdata/ has no keys ('$CFS_LIST')"
marker=$(nc_marker c0)
kmsg_write "$marker"
msg_expect "$r0" "$marker" "$kind0"

log_mark
expect_rejected EINVAL cmdline0 local_port 7000
expect_log "target (cmdline0) is enabled, disable to update parameters"
expect_mkdir 0 cmdline0/userdata/boot
expect_write cmdline0 userdata/boot/value yes
marker=$(nc_marker c0-userdata)
kmsg_write "$marker"
msg_expect "$r0" "$marker" "$kind0" ' boot=yes\n'

log_mark
expect_write cmdline0 enabled 0
marker=$(nc_marker c0-disabled)
kmsg_write "$marker"
msg_absent "$r0" "$marker"
log_mark
expect_write cmdline0 enabled 1
expect_log "network logging started"
marker=$(nc_marker c0-again)
kmsg_write "$marker"
msg_expect "$r0" "$marker" "$kind0" ' boot=yes\n'

# ---- cmdline1: its device is missing ----
expect_mkdir 0 cmdline1
expect_value cmdline1 enabled '0\n'
expect_value cmdline1 extended "$ext1\\n"
expect_value cmdline1 dev_name 'nc-missing\n'
expect_value cmdline1 local_port '6664\n'
expect_value cmdline1 remote_port '6667\n'
expect_value cmdline1 local_ip "$SRCIP\\n"
expect_value cmdline1 remote_ip "$DSTIP\\n"
expect_value cmdline1 local_mac 'ff:ff:ff:ff:ff:ff\n'
expect_value cmdline1 remote_mac "$DSTMAC\\n"
expect_rejected ENODEV cmdline1 enabled 1
expect_write cmdline1 dev_name "$SRCIF"
expect_write cmdline1 enabled 1
expect_value cmdline1 enabled '1\n'
expect_value cmdline1 local_mac "$SRCMAC\\n"
marker=$(nc_marker c1)
kmsg_write "$marker"
msg_expect "$r1" "$marker" "$kind1"
msg_expect "$r0" "$marker" "$kind0" ' boot=yes\n'

# ---- a cmdline name beyond the boot targets is an ordinary target ----
expect_mkdir 0 cmdline2
expect_value cmdline2 enabled '0\n'
expect_value cmdline2 dev_name 'eth0\n'
expect_value cmdline2 local_port '6665\n'
expect_rmdir 0 cmdline2

# ---- rmdir destroys a boot target ----
expect_rmdir 0 cmdline0/userdata/boot
expect_rmdir 0 cmdline0
marker=$(nc_marker c0-removed)
kmsg_write "$marker"
msg_expect "$r1" "$marker" "$kind1"
msg_absent "$r0" "$marker" 0
expect_mkdir 0 cmdline0
expect_value cmdline0 enabled '0\n'
expect_value cmdline0 dev_name 'eth0\n'
expect_value cmdline0 local_port '6665\n'
expect_value cmdline0 remote_mac 'ff:ff:ff:ff:ff:ff\n'
expect_rmdir 0 cmdline0
expect_write cmdline1 enabled 0
expect_rmdir 0 cmdline1
cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "no targets left ('$CFS_LIST')"

cfs_finish
