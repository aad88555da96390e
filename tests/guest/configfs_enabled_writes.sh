#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# configfs: while a target is enabled its parameters cannot change (spec section 3): every
# parameter write fails with EINVAL and logs "target (<name>) is enabled, disable to update
# parameters", whatever the value (the enabled check comes before parsing, except dev_name's
# length check, which comes first: ENAMETOOLONG and no log line); the target keeps sending
# with its old configuration. Userdata stays writable: values change, keys come and go, and the
# next message carries them. Once disabled, every parameter can be written again.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
recv=$NC_TMP/ext.recv
start_receiver 6666 "$recv"

t=busy.target-1
busy="target ($t) is enabled, disable to update parameters"
cfs_mkdir $t
cfs_config $t "$SRCIF" "$DSTIP" 6666 1
expect_mkdir 0 $t/userdata/k
expect_write $t userdata/k/value v0
expect_write $t enabled 1
expect_value $t enabled '1\n'
expect_value $t local_mac "$SRCMAC\\n"

# refused ATTR DATA: while enabled, DATA fails with EINVAL, the value is unchanged and the
# kernel log says why.
refused() {
	log_mark
	expect_rejected EINVAL $t "$1" "$2"
	expect_log "$busy"
}
declare -A other=([extended]=0 [release]=1 [dev_name]=eth1 [local_port]=7000 [remote_port]=7001
	[local_ip]=192.0.2.50 [remote_ip]=192.0.2.60 [remote_mac]=02:00:00:00:00:01)
for a in extended release dev_name local_port remote_port local_ip remote_ip remote_mac; do
	refused $a "${other[$a]}"
	attr_read $t $a
	refused $a "$ATTR_VALUE"
done
# Bad values are refused for being enabled too (EINVAL, not the parser's errno).
refused local_port 70000
refused remote_port abc
refused local_ip 2001:db8::9
refused remote_mac nonsense
refused extended 2
# dev_name's length is checked before the state: ENAMETOOLONG, nothing logged.
log_mark
expect_rejected ENAMETOOLONG $t dev_name 1234567890123456
expect_no_log "$busy"
expect_rejected EFAULT $t dev_name ''

# Userdata while enabled: values, new keys and removed keys take effect at once.
marker=$(nc_marker ud1)
kmsg_write "$marker"
msg_expect "$recv" "$marker" ext ' k=v0\n'
log_mark
expect_write $t userdata/k/value v1
expect_value $t userdata/k/value 'v1\n'
expect_mkdir 0 $t/userdata/k2
expect_write $t userdata/k2/value 'w\n'
expect_no_log "$busy"
marker=$(nc_marker ud2)
kmsg_write "$marker"
msg_expect "$recv" "$marker" ext ' k=v1\n k2=w\n'
expect_rmdir 0 $t/userdata/k2
marker=$(nc_marker ud3)
kmsg_write "$marker"
msg_expect "$recv" "$marker" ext ' k=v1\n'
expect_value $t enabled '1\n'

# Disabled: every parameter takes a new value again, without the log line.
expect_write $t enabled 0
expect_value $t local_mac 'ff:ff:ff:ff:ff:ff\n'
log_mark
for a in extended release dev_name local_port remote_port local_ip remote_ip remote_mac; do
	expect_write $t $a "${other[$a]}"
	expect_value $t $a "${other[$a]}\\n"
done
expect_no_log "$busy"
expect_value $t userdata/k/value 'v1\n'

cfs_finish
