#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 200
# A device that refuses netpoll (spec section 3: enabling fails with -ENOTSUPP, errno 524,
# "Unknown error 524" in a shell): veth sets IFF_DISABLE_NETPOLL, and netpoll's setup, in
# Linux 6.12 as in newer kernels, refuses it with -ENOTSUPP and "<dev> doesn't support
# polling, aborting". A boot target on the veth is listed disabled after `mkdir cmdline0`
# ("Not enabling netconsole for cmdline0. Netpoll setup failed"); a configfs target on it
# fails to enable with errno 524 and stays disabled, and works once moved to the netdevsim
# sender.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

VETH=nc-veth0
PEER=nc-veth1

topo_setup
modprobe veth 2>/dev/null
ip link add "$VETH" type veth peer name "$PEER" || fail "cannot create a veth pair (CONFIG_VETH)"
nd_extra_link "$VETH"
must ip link set "$PEER" up
nd_up "$VETH"
recv=$NC_TMP/t.recv
start_receiver 6666 "$recv"
load_netconsole "+6665@$SRCIP/$VETH,6666@$DSTIP/$DSTMAC"
nd_setup
kind=$(nc_kind ext)

# The boot target: kept, disabled.
expect_mkdir 0 cmdline0
expect_value cmdline0 enabled '0\n'
expect_value cmdline0 dev_name "$VETH\\n"
dmesg | grep -q "Not enabling netconsole for cmdline0. Netpoll setup failed"
check $? "kernel log at load: 'Not enabling netconsole for cmdline0. Netpoll setup failed'"
dmesg | grep -q "$VETH doesn't support polling, aborting"
check $? "kernel log at load: '$VETH doesn't support polling, aborting'"
expect_rmdir 0 cmdline0

# A configfs target.
expect_mkdir 0 t
cfs_config t "$VETH" "$DSTIP" 6666 1
log_mark
# E524: ENOTSUPP (524) has no name in Python's errno table.
expect_rejected E524 t enabled 1
expect_log "$VETH doesn't support polling, aborting"
expect_value t enabled '0\n'
expect_rejected E524 t enabled 1
# The same target on a device that supports netpoll.
expect_write t dev_name "$SRCIF"
expect_write t enabled 1
expect_value t enabled '1\n'
marker=$(nc_marker)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"
expect_write t enabled 0
expect_rmdir 0 t
cfs_finish
