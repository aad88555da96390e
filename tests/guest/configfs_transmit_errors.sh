#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# transmit_errors [newer than 6.12] (spec section 3): a read-only u64 (mode 444, EACCES on
# write), 0 on a new target, still 0 while datagrams go out, and counting up when messages are
# logged while the target's device is down (it stays enabled: spec section 2); it never goes
# back down while the target lives. Linux 6.12 has no such attribute.
# Note: spec section 4 says the write path skips a target whose device is not running, while
# the attribute's row counts "datagrams dropped because the device was down"; this test asserts
# the latter (a skipped datagram on a down device is counted).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
recv=$NC_TMP/basic.recv
start_receiver 6666 "$recv"

cfs_mkdir t
expect_value t transmit_errors '0\n'
cfs_mode t/transmit_errors
check "$([ "$CFS_MODE" = 444 ]; echo $?)" "transmit_errors mode $CFS_MODE, expected 444"
expect_rejected EACCES t transmit_errors '5\n'

cfs_config t "$SRCIF" "$DSTIP" 6666 0
expect_write t enabled 1
m=$(nc_marker up)
kmsg_write "$m"
msg_expect "$recv" "$m" basic
expect_value t transmit_errors '0\n'

ip link set "$SRCIF" down
for i in 1 2 3; do kmsg_write "$(nc_marker down-$i)"; done
attr_read t transmit_errors
n=${ATTR_VALUE%\\n}
if [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ]; then
	pass "transmit_errors counted messages logged while $SRCIF was down ($n)"
else
	bad "transmit_errors is '$ATTR_VALUE' after 3 messages logged while $SRCIF was down, expected at least 1"
fi
expect_value t enabled '1\n'
ip link set "$SRCIF" up
for i in $(seq 50); do
	[ "$(cat /sys/class/net/$SRCIF/carrier 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
m=$(nc_marker up-again)
kmsg_write "$m"
msg_expect "$recv" "$m" basic
attr_read t transmit_errors
n2=${ATTR_VALUE%\\n}
check "$([[ "$n2" =~ ^[0-9]+$ ]] && [ "$n2" -ge "${n:-0}" ]; echo $?)" \
	"transmit_errors did not go down ($n -> $n2)"
expect_write t enabled 0

cfs_finish
