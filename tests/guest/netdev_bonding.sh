#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 200
# Bonding (spec sections 2 and 3; Linux 6.12 behaves the same): bond0 (active-backup) with the
# netdevsim sender as its slave, so that frames sent through bond0 reach the receiver.
#  (a) a configfs target on the slave fails to enable with EBUSY ("<dev> is a slave device,
#      aborting") and stays disabled;
#  (b) a target enabled on a device that is then enslaved to bond0 (NETDEV_JOIN) becomes
#      disabled, with "network logging stopped on interface <dev> as it is joining a master
#      device";
#  (c) a target on the bond master keeps working when that slave is added: `enabled` stays 1
#      and messages are delivered before and after;
#  (d) releasing the last slave (NETDEV_RELEASE of the master) disables the master's target
#      with "... as it released slaves".
# netdevsim devices can be enslaved (bonding only requires them down while enslaving).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

BOND=bond0
JOINIF=nc-s1

topo_setup
out=$(modprobe bonding max_bonds=0 2>&1) || fail "modprobe bonding failed: $out"
[ -e "/sys/class/net/$BOND" ] && fail "$BOND exists already"
must ip link add "$BOND" type bond mode active-backup miimon 100
nd_extra_link "$BOND"
nd_extra_nsim "$JOINIF"
recv=$NC_TMP/master.recv
start_receiver 6666 "$recv"
nd_setup
kind=$(nc_kind ext)

# bond0 with the sender as its (active) slave.
nd_down "$SRCIF"
must ip link set dev "$SRCIF" master "$BOND"
nd_up "$BOND"
info "$BOND ($(cat /sys/class/net/$BOND/address)) up with slave $SRCIF; active slave: $(cat /sys/class/net/$BOND/bonding/active_slave)"

# (a) a target on a slave.
expect_mkdir 0 slave
cfs_config slave "$SRCIF" "$DSTIP" 6667 1
log_mark
expect_rejected EBUSY slave enabled 1
expect_log "$SRCIF is a slave device, aborting"
expect_value slave enabled '0\n'

# (c) a target on the master.
expect_mkdir 0 master
cfs_config master "$BOND" "$DSTIP" 6666 1
expect_write master enabled 1
expect_value master enabled '1\n'
marker=$(nc_marker master)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"

# (b) a target on a device that joins the bond.
must ip link set dev "$JOINIF" up
expect_mkdir 0 join
cfs_config join "$JOINIF" "$DSTIP" 6668 1
expect_write join enabled 1
expect_value join enabled '1\n'
log_mark
nd_down "$JOINIF"
expect_value join enabled '1\n'
must ip link set dev "$JOINIF" master "$BOND"
expect_value join enabled '0\n'
expect_log "network logging stopped on interface $JOINIF as it is joining a master device"
# ... and (c) again: the master's target did not notice.
expect_value master enabled '1\n'
expect_no_log "network logging stopped on interface $BOND"
marker=$(nc_marker master-after-join)
kmsg_write "$marker"
msg_expect "$recv" "$marker" "$kind"
# A slave's target stays refused.
expect_rejected EBUSY join enabled 1

# (d) the master releases its last slave.
log_mark
must ip link set dev "$JOINIF" nomaster
expect_value master enabled '1\n'
must ip link set dev "$SRCIF" nomaster
expect_value master enabled '0\n'
expect_log "network logging stopped on interface $BOND as it released slaves"

for t in slave master join; do
	expect_rmdir 0 "$t"
done
cfs_finish
