#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# netconsole-recv detects a message lost on the way: an extended target sends m1, m2, m3; m2
# reaches the receiving device while the receiver's IPv4 address is removed (the IP layer
# drops it; no firewall involved), m1 and m3 arrive. The --json output must show m1 and m3
# once, no m2, and a "loss" event for the seq counter whose range holds m2's seq (read from
# /dev/kmsg). With our module the target also sends the sysdata msgid, and the msgid gap
# (loss in transit, not just a seq gap) must be reported too; Linux 6.12's C module has no
# msgid.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/recv.sh"

topo_setup
cfs_setup
cfs_mkdir loss
cfs_config loss "$SRCIF" "$DSTIP" 6666 1
if [ "$NETCONSOLE_IMPL" = rust ]; then
	attr_write loss userdata/msgid_enabled 1 || fail "enabling msgid: $ATTR_ERRNO"
fi
cfs_enable loss
recv_start loss --json --listen 6666

m1=$(nc_marker m1) m2=$(nc_marker m2) m3=$(nc_marker m3)
kmsg_write "$m1"
recv_wait loss "$m1"

# Drop m2: it reaches $DSTIF (the sniffer sees it) while $DSTIP is not there.
ready=$NC_TMP/sniff.ready
ip netns exec "$NC_NS" "$NC_PY" -S "$NC_LIB/sniff.py" --ifname "$DSTIF" --contains "$m2" \
	--ready "$ready" --timeout 30 &
sniffer=$!
for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.1; done
[ -s "$ready" ] || fail "the sniffer did not start"
must ip -n "$NC_NS" addr del "$DSTIP/24" dev "$DSTIF"
kmsg_write "$m2"
wait "$sniffer" || fail "m2 never reached $DSTIF"
must ip -n "$NC_NS" addr add "$DSTIP/24" dev "$DSTIF"
info "m2 reached $DSTIF while $DSTIP was removed"

kmsg_write "$m3"
recv_wait loss "$m3"
recv_stop loss

udp_recv kmsg --contains "$m2" --out "$NC_TMP/m2.kmsg" || fail "no kernel log record for m2"
M2_SEQ=$(cut -d, -f2 "$NC_TMP/m2.kmsg") M1=$m1 M2=$m2 M3=$m3 recv_json loss <<'PY'
seq2 = int(env["M2_SEQ"])
a, c = one(env["M1"]), one(env["M3"])
check(not [m for m in messages if env["M2"] in m["text"]], "m2 (seq %d) was not received" % seq2)
if a and c:
    sender = a["sender"]
    gaps = [l for l in losses if l["counter"] == "seq" and l["sender"] == sender
            and l["first"] <= seq2 <= l["last"]]
    check(len(gaps) == 1, "one seq loss event holds m2's seq %d: %s" % (seq2, gaps))
    for g in gaps:
        check(a["seq"] < g["first"] and g["last"] < c["seq"]
              and g["missing"] == g["last"] - g["first"] + 1,
              "the gap %d..%d lies between m1 (%d) and m3 (%d)"
              % (g["first"], g["last"], a["seq"], c["seq"]))
    if env["NETCONSOLE_IMPL"] == "rust":
        i, k = a["sysdata"].get("msgid"), c["sysdata"].get("msgid")
        check(i is not None and k is not None, "m1 and m3 carry msgid (%s, %s)" % (i, k))
        ids = [l for l in losses if l["counter"] == "msgid" and l["sender"] == sender]
        check(len(ids) == 1 and i is not None and k is not None
              and i < ids[0]["first"] <= ids[0]["last"] < k,
              "one msgid loss event between m1's and m3's msgid: %s" % ids)
    totals = summary.get("totals", {})
    check(totals.get("seq", {}).get("missing", 0) >= 1 and totals.get("incomplete") == 0,
          "the summary counts the loss and no incomplete message: %s" % totals)
PY
grep '"type":"loss"' "$NC_TMP/loss.out" | while IFS= read -r l; do info "$l"; done
