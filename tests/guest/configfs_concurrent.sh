#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# Concurrent writers on one target (issue 3: bad input never changes state). For
# NC_CONCURRENT_SECONDS (default 15) of guest time, processes at once: four writing random
# attributes (ports, addresses, dev_name, remote_mac, extended, release; on netconsole-rs also
# rate limit and loglevel) with values from two known sets, one toggling `enabled`, two
# creating, removing and writing userdata entries k0..k3, one toggling the sysdata flags (where
# the module has them), two readers, and one logging messages (see tests/lib/
# concurrent_writers.py). Checked:
# - at rest every attribute reads one of the values written to it (or its initial one), never
#   a mix; `enabled` is 1 exactly when `local_mac` is the device's; userdata entries and
#   values are ones that were written;
# - netconsole-rs only (6.12's C module reads attributes and rebuilds userdata without a
#   lock, so it can show torn values; reported, not failed): every read during the run was a
#   written value, and every extended datagram sent during the run carries whole userdata
#   lines and ordered sysdata lines;
# - a message sent after a known-good reconfiguration carries exactly the userdata in configfs
#   (and on netconsole-rs the sysdata lines the toggles ask for), before and (for both) after
#   one more userdata write;
# - no splat (lockdep, sleeping in atomic context), the target and module tear down.
. "$(dirname "$0")/../lib/topology.sh"

T=/sys/kernel/config/netconsole/cc
topo_setup
recv=$NC_TMP/cc.recv
start_receiver 6666 "$recv"
load_netconsole ""
mkdir $T || fail "mkdir $T"
echo "$SRCIF" >$T/dev_name && echo "$DSTIP" >$T/remote_ip && echo "$DSTMAC" >$T/remote_mac ||
	fail "cannot configure $T"

"$NC_PY" -S "$NC_LIB/concurrent_writers.py" --target $T --recv "$recv" \
	--seconds "${NC_CONCURRENT_SECONDS:-15}" --impl "${NETCONSOLE_IMPL:-rust}" \
	--srcif "$SRCIF" --srcip "$SRCIP" --srcmac "$SRCMAC" --dstip "$DSTIP" --dstmac "$DSTMAC"
rc=$?

[ "$(cat $T/enabled)" = 0 ] || echo 0 >$T/enabled || fail "cannot disable $T"
for d in $T/userdata/*/; do
	[ -d "$d" ] && { rmdir "$d" || fail "rmdir $d"; }
done
rmdir $T || fail "rmdir $T"
[ $rc = 0 ] || fail "concurrent writers: see the FAIL lines above"
info "concurrent writers left a consistent target"
