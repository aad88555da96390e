#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# timeout: 200
# Resume by name (spec section 2, DEACTIVATED -> ENABLED; newer than 6.12): a boot target
# (`mkdir cmdline0`) is enabled on the sending netdevsim device, which is deleted (the target
# is DEACTIVATED: `enabled` reads 0) and created again: it registers as eth<N> (no match, no
# resume), is linked to the receiver and renamed to the target's device name (down). On that
# NETDEV_CHANGENAME the target resumes on its own: within 2 s `enabled` reads 1, the kernel
# log says "network logging resumed on interface <dev>", `local_mac` is the new device's
# address, and a new message is delivered.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

topo_setup
nd_boot_target "$SRCIF"
rust_only_note
nd_first_message before

nd_unregister_src

# The device comes back under the kernel's name first: that name does not match.
nd_new "$NSIM_SRC_ID"
newif=$ND_IF
nd_link "$newif"
newmac=$(cat /sys/class/net/$newif/address)
info "the device is back as $newif ($newmac), linked to $DSTIF"
expect_value cmdline0 enabled '0\n'
expect_no_log "network logging resumed"

# Renamed to the target's device name: NETDEV_CHANGENAME resumes the target.
nd_rename_resumes "$newif" "$SRCIF" "the new device"
expect_value cmdline0 dev_name "$SRCIF\\n"
expect_value cmdline0 local_mac "$newmac\\n"
nd_up "$SRCIF"
marker=$(nc_marker resumed)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

expect_write cmdline0 enabled 0
expect_rmdir 0 cmdline0
cfs_finish
