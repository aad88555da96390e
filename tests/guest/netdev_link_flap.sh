#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# timeout: 200
# The bound device goes down and up again (spec section 2: the notifier ignores
# NETDEV_UP/DOWN; section 4: the write path skips a target whose device is not running): a boot
# target (`mkdir cmdline0`) on the sender stays enabled while the device is down, a message
# logged meanwhile is not delivered (not then, and not later: nothing is queued), and once the
# device is up again a new message is delivered.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/netdev.sh"

topo_setup
nd_boot_target "$SRCIF"
nd_first_message up

for round in 1 2; do
	log_mark
	nd_down "$SRCIF"
	expect_value cmdline0 enabled '1\n'
	down=$(nc_marker "down$round")
	kmsg_write "$down"
	msg_absent "$recv" "$down"
	expect_value cmdline0 enabled '1\n'
	expect_no_log "network logging stopped"
	attr_read cmdline0 transmit_errors && info "transmit_errors while down: ${ATTR_VALUE%\\n}"

	nd_up "$SRCIF"
	expect_value cmdline0 enabled '1\n'
	marker=$(nc_marker "up$round")
	kmsg_write "$marker"
	msg_expect "$recv" "$marker" "$kind"
	msg_count "$recv" "$down"
	check "$([ "$MSG_COUNT" = 0 ]; echo $?)" "the message logged while down was never delivered ($MSG_COUNT)"
done

expect_write cmdline0 enabled 0
expect_rmdir 0 cmdline0
cfs_finish
