#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 200
# The bound device unregisters (spec section 2, NETDEV_UNREGISTER): a boot target attached
# with `mkdir cmdline0` is enabled on the sending netdevsim device, which is then deleted.
# The deletion completes promptly (netconsole gives its device reference back: no hang in
# unregister_netdevice), `enabled` reads 0, the kernel log says "network logging stopped on
# interface <dev> as it unregistered", nothing is sent any more, enabling again fails with
# ENODEV (no such device), and rmdir and rmmod then succeed.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

topo_setup
nd_boot_target "$SRCIF"
expect_value cmdline0 dev_name "$SRCIF\\n"
nd_first_message before

log_mark
nd_del "$NSIM_SRC_ID"
pass "deleting the bound device $SRCIF completes (${ND_DEL_MS} ms, limit ${ND_DEL_LIMIT}s)"
expect_value cmdline0 enabled '0\n'
expect_log "network logging stopped on interface $SRCIF as it unregistered"
marker=$(nc_marker after)
kmsg_write "$marker"
msg_absent "$recv" "$marker"
expect_value cmdline0 dev_name "$SRCIF\\n"

log_mark
expect_rejected ENODEV cmdline0 enabled 1
expect_log "$SRCIF doesn't exist, aborting"

expect_rmdir 0 cmdline0
cfs_ls -d .
check "$([ -z "$CFS_LIST" ]; echo $?)" "no target left after rmdir ('$CFS_LIST')"
nd_rmmod
cfs_finish
