#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# Enabling a target, where the spec (section 3, [next]) is newer than Linux 6.12: enabling
# without a remote IP is EDESTADDRREQ (6.12 enables and sends to 0.0.0.0), and local and remote
# addresses of different families are EINVAL (impossible on 6.12, where a target has one
# family). The target stays disabled, logs no "network logging started", and works once fixed.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
recv4=$NC_TMP/v4.recv recv6=$NC_TMP/v6.recv
start_receiver 6666 "$recv4"
start_receiver 6667 "$recv6" v6

# ---- no remote IP ----
cfs_mkdir noip
expect_write noip dev_name "$SRCIF"
expect_write noip local_ip "$SRCIP"
expect_write noip remote_mac "$DSTMAC"
log_mark
expect_rejected EDESTADDRREQ noip enabled 1
expect_no_log "network logging started"
cfs_mkdir noip2
expect_write noip2 dev_name "$SRCIF"
expect_rejected EDESTADDRREQ noip2 enabled 1
expect_write noip remote_ip "$DSTIP"
expect_write noip enabled 1
marker=$(nc_marker noip-fixed)
kmsg_write "$marker"
msg_expect "$recv4" "$marker" basic
expect_write noip enabled 0

# ---- mixed families ----
cfs_mkdir mix
expect_write mix dev_name "$SRCIF"
expect_write mix remote_mac "$DSTMAC"
expect_write mix remote_port 6667
expect_write mix local_ip "$SRCIP"
expect_write mix remote_ip "$DSTIP6"
log_mark
expect_rejected EINVAL mix enabled 1
expect_no_log "network logging started"
expect_write mix local_ip "$SRCIP6"
expect_write mix remote_ip "$DSTIP"
expect_rejected EINVAL mix enabled 1
expect_write mix remote_ip "$DSTIP6"
expect_write mix enabled 1
marker=$(nc_marker mix-fixed)
kmsg_write "$marker"
msg_expect "$recv6" "$marker" basic
expect_write mix enabled 0

cfs_finish
