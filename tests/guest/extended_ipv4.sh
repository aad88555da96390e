#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# Extended targets over IPv4 (module parameter): with "+" the datagram for a logged line equals
# the record exactly as /dev/kmsg returns it (both come from info_print_ext_header() plus
# msg_print_ext_body() through printk_get_next_message(..., is_extended=true, ...) in 6.12);
# with "+r" the same record comes after "<uname -r>,".
. "$(dirname "$0")/../lib/topology.sh"

topo_setup
ext=$NC_TMP/ext.recv
rel=$NC_TMP/ext-release.recv
start_receiver 6666 "$ext"
start_receiver 6667 "$rel"
load_netconsole "+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;+r6664@$SRCIP/$SRCIF,6667@$DSTIP/$DSTMAC"

marker=$(nc_marker)
kmsg_write "$marker"
wait_and_check "$marker" "$(nc_kind ext)" "$ext"
wait_and_check "$marker" "$(nc_kind ext-release)" "$rel"
