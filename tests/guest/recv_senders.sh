#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# netconsole-recv tells two senders apart: two boot targets on one device with two source
# addresses ($SRCIP extended, $SRCIP2 basic) send to the same port. In its human output each
# logged line shows up once per sender, prefixed with that sender's address and port and in
# that target's format (extended: "<12>[ts] text", basic: printk's "[ts] text"), and its
# summary on exit lists both senders. (With CONFIG_NETCONSOLE_EXTENDED_LOG=y the second target
# would be extended too: see nc_kind.)
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/recv.sh"

SRCIP2=192.0.2.3
topo_setup
must ip addr add "$SRCIP2/24" dev "$SRCIF"
recv_start two --listen 6666 --color never
load_netconsole "+6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;6665@$SRCIP2/$SRCIF,6666@$DSTIP/$DSTMAC"

ts='\[ *[0-9]+\.[0-9]{6}\]'
case "$(nc_kind plain)" in
basic) second="^$SRCIP2:6665 $ts" ;;
*) second="^$SRCIP2:6665 <12>$ts" ;;
esac
for i in 1 2; do
	marker=$(nc_marker "$i")
	kmsg_write "$marker"
	recv_wait two "$marker" 2
	[ "$(grep -cE "^$SRCIP:6665 <12>$ts $marker\$" "$NC_TMP/two.out")" = 1 ] ||
		{ recv_show two; fail "no single extended line for $marker from $SRCIP:6665"; }
	[ "$(grep -cE "$second $marker\$" "$NC_TMP/two.out")" = 1 ] ||
		{ recv_show two; fail "no single $(nc_kind plain) line for $marker from $SRCIP2:6665"; }
	[ "$(grep -c "$marker" "$NC_TMP/two.out")" = 2 ] ||
		{ recv_show two; fail "$marker shows up in other lines too"; }
	info "$(grep "$marker" "$NC_TMP/two.out" | tr '\n' '|')"
done
# The boot targets replayed the log so far, each in its own format: both senders sent much.
for s in "$SRCIP" "$SRCIP2"; do
	n=$(grep -c "^$s:6665 " "$NC_TMP/two.out")
	[ "$n" -gt 2 ] || fail "$s:6665: only $n lines (the replayed log is missing)"
	info "$s:6665: $n lines"
done
recv_stop two
for s in "$SRCIP" "$SRCIP2"; do
	grep -q "^netconsole-recv:   $s:6665: " "$NC_TMP/two.err" ||
		{ recv_show two; fail "the summary does not list $s:6665"; }
done
sed -n '/summary:/,$p' "$NC_TMP/two.err" | while IFS= read -r l; do info "$l"; done
