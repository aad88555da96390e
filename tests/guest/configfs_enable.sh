#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs: the enabled attribute (spec sections 3 and 7). Enabling a valid configuration
# logs the banner (local/remote port, IP, MAC, interface) and "network logging started" and
# delivers messages (basic, extended, extended with release, IPv4 and IPv6); writing the
# current value again is EINVAL with "network logging has already started|stopped"; every
# kstrtobool form works; release without extended is EINVAL; a missing device is ENODEV, a
# bond slave EBUSY, a device without an address (local IP unset) EDESTADDRREQ, and each leaves
# the target disabled and fixable; an unset local IP is picked from the device and stays
# visible; a down device is brought up; a target stays enabled while its device is down (and
# sends nothing) and sends again once it is up.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
basic=$NC_TMP/basic.recv ext=$NC_TMP/ext.recv rel=$NC_TMP/rel.recv v6=$NC_TMP/v6.recv
start_receiver 6666 "$basic"
start_receiver 6667 "$ext"
start_receiver 6668 "$rel"
start_receiver 6669 "$v6" v6

# ---- a fresh target: nothing to stop, eth0 does not exist ----
cfs_mkdir fresh
log_mark
expect_rejected EINVAL fresh enabled 0
expect_log "network logging has already stopped"
for d in 2 x ' 1' '\0' '\n' '\xff'; do expect_rejected EINVAL fresh enabled "$d"; done
expect_rejected EFAULT fresh enabled ''
# With a remote address (the spec refuses one without with EDESTADDRREQ, 6.12 does not:
# configfs_enable_next.sh), the missing device is what fails, for both modules.
expect_write fresh remote_ip 192.0.2.2
log_mark
expect_rejected ENODEV fresh enabled 1
expect_no_log "network logging started"

# ---- a basic IPv4 target ----
cfs_mkdir b
cfs_config b "$SRCIF" "$DSTIP" 6666 0
log_mark
expect_write b enabled 1
expect_value b enabled '1\n'
for l in "local port 6665" "local IPv4 address $SRCIP" "interface name '$SRCIF'" \
	"remote port 6666" "remote IPv4 address $DSTIP" "remote ethernet address $DSTMAC" \
	"network logging started"; do
	expect_log "$l"
done
expect_value b local_mac "$SRCMAC\\n"
marker=$(nc_marker basic1)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic

log_mark
expect_rejected EINVAL b enabled 1
expect_log "network logging has already started"
expect_no_log "network logging started"
expect_rejected EINVAL b enabled 'y\n'
marker=$(nc_marker basic2)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic

log_mark
expect_write b enabled 0
expect_value b enabled '0\n'
expect_no_log "already"
expect_value b local_mac 'ff:ff:ff:ff:ff:ff\n'
marker=$(nc_marker disabled)
kmsg_write "$marker"
msg_absent "$basic" "$marker"
log_mark
expect_rejected EINVAL b enabled 0
expect_log "network logging has already stopped"

# Every kstrtobool form, alternating.
for pair in 'y n' 'Y N' 'on off' 'ON OFF' 't f' 'T F' '1\n 0\n' 'yes no' '1junk 0junk'; do
	read -r on off <<<"$pair"
	expect_write b enabled "$on" && expect_value b enabled '1\n'
	expect_write b enabled "$off" && expect_value b enabled '0\n'
done
expect_write b enabled 1
marker=$(nc_marker basic3)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic
expect_write b enabled 0

# ---- extended, extended with release, release without extended ----
cfs_mkdir e
cfs_config e "$SRCIF" "$DSTIP" 6667 1
expect_write e enabled 1
cfs_mkdir r
cfs_config r "$SRCIF" "$DSTIP" 6668 1
expect_write r release 1
expect_write r enabled 1
marker=$(nc_marker ext)
kmsg_write "$marker"
msg_expect "$ext" "$marker" ext
msg_expect "$rel" "$marker" ext-release
msg_absent "$basic" "$marker" 0
expect_write e enabled 0
expect_write r enabled 0

cfs_mkdir rb
cfs_config rb "$SRCIF" "$DSTIP" 6666 0
expect_write rb release 1
log_mark
expect_rejected EINVAL rb enabled 1
expect_no_log "network logging started"
expect_write rb extended 1
expect_write rb enabled 1
expect_write rb enabled 0

# ---- the local address is picked from the device when unset ----
cfs_mkdir pick4
expect_write pick4 dev_name "$SRCIF"
expect_write pick4 remote_ip "$DSTIP"
expect_write pick4 remote_mac "$DSTMAC"
expect_write pick4 enabled 1
expect_value pick4 local_ip "$SRCIP\\n"
marker=$(nc_marker pick4)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic
expect_write pick4 enabled 0

cfs_mkdir pick6
expect_write pick6 dev_name "$SRCIF"
expect_write pick6 remote_ip "$DSTIP6"
expect_write pick6 remote_port 6669
expect_write pick6 remote_mac "$DSTMAC"
log_mark
expect_write pick6 enabled 1
expect_log "remote IPv6 address $DSTIP6"
expect_value pick6 local_ip "$SRCIP6\\n"
marker=$(nc_marker pick6)
kmsg_write "$marker"
msg_expect "$v6" "$marker" basic
expect_write pick6 enabled 0

# ---- setup errors leave the target disabled, and it can be fixed ----
cfs_mkdir nodev
cfs_config nodev nc-nosuchdev "$DSTIP" 6666 0
expect_rejected ENODEV nodev enabled 1
expect_value nodev enabled '0\n'
expect_write nodev dev_name "$SRCIF"
expect_write nodev enabled 1
expect_write nodev enabled 0

modprobe bonding max_bonds=0 2>/dev/null || bad "modprobe bonding failed"
modprobe veth 2>/dev/null || bad "modprobe veth failed"
ip link add nc-bond type bond 2>/dev/null || bad "cannot create a bond"
ip link add nc-v0 type veth peer name nc-v1 2>/dev/null || bad "cannot create a veth pair"
ip link set nc-v0 master nc-bond 2>/dev/null || bad "cannot enslave nc-v0"
ip link set nc-v1 up 2>/dev/null
cfs_mkdir slave
cfs_config slave nc-v0 "$DSTIP" 6666 0
expect_rejected EBUSY slave enabled 1
expect_value slave enabled '0\n'
cfs_mkdir noaddr
expect_write noaddr dev_name nc-v1
expect_write noaddr remote_ip "$DSTIP"
expect_rejected EDESTADDRREQ noaddr enabled 1
expect_value noaddr enabled '0\n'
expect_write noaddr dev_name "$SRCIF"
expect_write noaddr enabled 1
expect_value noaddr local_ip "$SRCIP\\n"
expect_write noaddr enabled 0

# ---- device state ----
# A down device is brought up by enabling (IPv4 addresses survive a down; IPv6 ones do not,
# so this comes after the IPv6 checks).
ip link set "$SRCIF" down
expect_write b enabled 1
check "$(ip link show "$SRCIF" | grep -q '[<,]UP[,>]'; echo $?)" "enabling brought $SRCIF up"
for i in $(seq 50); do
	[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
marker=$(nc_marker up)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic
# Down: the target stays enabled and sends nothing; up again: it sends.
ip link set "$SRCIF" down
sleep 0.2
expect_value b enabled '1\n'
marker=$(nc_marker while-down)
kmsg_write "$marker"
ip link set "$SRCIF" up
for i in $(seq 50); do
	[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
msg_absent "$basic" "$marker"
expect_value b enabled '1\n'
marker=$(nc_marker up-again)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic
expect_write b enabled 0

cfs_finish
