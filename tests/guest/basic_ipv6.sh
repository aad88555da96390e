#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# One basic target over IPv6 (module parameter): the datagram for a logged line equals, byte
# for byte, the line as the console prints it, "[%5lu.%06lu] <text>\n", built from the
# record's own timestamp as /dev/kmsg reports it (the same ts_nsec, printed by print_time()).
# On a kernel with CONFIG_NETCONSOLE_EXTENDED_LOG=y a target without "+" is extended, as in
# the C module, and the datagram must then equal the /dev/kmsg record (see nc_kind).
. "$(dirname "$0")/../lib/topology.sh"

topo_setup
recv=$NC_TMP/basic6.recv
start_receiver 6666 "$recv" v6
load_netconsole "6665@$SRCIP6/$SRCIF,6666@$DSTIP6/$DSTMAC"

marker=$(nc_marker)
kmsg_write "$marker"
kind=$(nc_kind plain)
[ "$kind" = basic ] || info "CONFIG_NETCONSOLE_EXTENDED_LOG=y: a target without + sends $kind"
wait_and_check "$marker" "$kind" "$recv"
