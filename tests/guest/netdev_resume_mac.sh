#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# timeout: 200
# Resume of a target bound by MAC (spec sections 1 and 2; newer than 6.12): netconsole= names
# the sender by its hardware address (`+6665@<src-ip>/<mac>,6666@...`), a fixed address set
# on the netdevsim device before loading. The device is deleted (DEACTIVATED, `enabled` 0) and
# created again. netdevsim gives a new device a random address, so NETDEV_REGISTER does not
# match; the address is then set to the target's (NETDEV_CHANGEADDR: not a resume event in
# the spec, so the target stays DEACTIVATED), and the device is renamed: on that
# NETDEV_CHANGENAME the device matches by MAC and the target resumes within 2 s ("network
# logging resumed on interface <new name>", `local_mac` the bound address) and delivers.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

MAC=02:6e:63:00:00:01
NEWIF=nc-mac

topo_setup
nd_mac "$SRCIF" "$MAC"
SRCMAC=$MAC
nd_boot_target "$MAC"
rust_only_note
expect_value cmdline0 local_mac "$MAC\\n"
attr_read cmdline0 dev_name
info "bound by MAC: dev_name reads '$ATTR_VALUE'"
nd_first_message before

nd_unregister_src

# Back with a random address: NETDEV_REGISTER does not match.
nd_new "$NSIM_SRC_ID"
newif=$ND_IF
nd_link "$newif"
info "the device is back as $newif ($(cat /sys/class/net/$newif/address)), linked to $DSTIF"
[ "$(cat /sys/class/net/$newif/address)" != "$MAC" ] ||
	fail "netdevsim gave the new device the bound address $MAC by chance: cannot test"
expect_value cmdline0 enabled '0\n'

# The bound address: NETDEV_CHANGEADDR is not a resume event.
nd_mac "$newif" "$MAC"
nd_sleep 1
expect_value cmdline0 enabled '0\n'
expect_no_log "network logging resumed"

# Renamed: NETDEV_CHANGENAME of a device whose address matches resumes the target.
nd_rename_resumes "$newif" "$NEWIF" "bound address"
expect_value cmdline0 local_mac "$MAC\\n"
attr_read cmdline0 dev_name
info "after the resume: dev_name reads '$ATTR_VALUE'"
nd_up "$NEWIF"
marker=$(nc_marker resumed)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

expect_write cmdline0 enabled 0
expect_rmdir 0 cmdline0
cfs_finish
