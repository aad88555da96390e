#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# A basic and an extended target at once (module parameter, one device, two ports): each
# receives its own form of the same line, exactly once. (With CONFIG_NETCONSOLE_EXTENDED_LOG=y
# the target without "+" is extended too, as in the C module: see nc_kind.)
. "$(dirname "$0")/../lib/topology.sh"

topo_setup
basic=$NC_TMP/basic.recv
ext=$NC_TMP/ext.recv
start_receiver 6666 "$basic"
start_receiver 6667 "$ext"
load_netconsole "6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;+6664@$SRCIP/$SRCIF,6667@$DSTIP/$DSTMAC"

for i in 1 2 3; do
	marker=$(nc_marker "$i")
	kmsg_write "$marker"
	wait_and_check "$marker" "$(nc_kind plain)" "$basic"
	wait_and_check "$marker" "$(nc_kind ext)" "$ext"
done
