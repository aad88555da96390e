#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 200
# The bound device is renamed while the target is enabled (spec section 2: on
# NETDEV_CHANGENAME `dev_name` follows; Linux 6.12 does the same): a boot target
# (`mkdir cmdline0`) on the sender; the device goes down, is renamed and comes up again. The
# target stays enabled, `dev_name` reads the new name, `local_mac` is unchanged, messages keep
# flowing; a rename back is followed too.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

NEWIF=nc-new

topo_setup
nd_boot_target "$SRCIF"
expect_value cmdline0 dev_name "$SRCIF\\n"
nd_first_message before

log_mark
nd_down "$SRCIF"
nd_rename "$SRCIF" "$NEWIF"
nd_up "$NEWIF"
expect_value cmdline0 enabled '1\n'
expect_value cmdline0 dev_name "$NEWIF\\n"
expect_value cmdline0 local_mac "$SRCMAC\\n"
expect_no_log "network logging stopped"
marker=$(nc_marker renamed)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

# Back to the first name.
nd_down "$NEWIF"
nd_rename "$NEWIF" "$SRCIF"
nd_up "$SRCIF"
expect_value cmdline0 enabled '1\n'
expect_value cmdline0 dev_name "$SRCIF\\n"
marker=$(nc_marker renamed-back)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

expect_write cmdline0 enabled 0
expect_rmdir 0 cmdline0
cfs_finish
