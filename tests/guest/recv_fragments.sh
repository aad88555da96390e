#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: both
# netconsole-recv puts a fragmented extended message back together: a record of about 900
# bytes plus four userdata values of about 110 bytes make a message of about 1400 bytes, which the
# target sends as ncfrag fragments. The --json output must hold it once, whole: the text as
# logged (every position numbered, so a misplaced slice shows), the userdata as configured,
# "fragments" of 2 or more, and no incomplete or rejected message.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"
. "$(dirname "$0")/../lib/recv.sh"

topo_setup
cfs_setup
cfs_mkdir frag
cfs_config frag "$SRCIF" "$DSTIP" 6666 1
for k in alpha beta gamma delta; do
	cfs_mkdir "frag/userdata/$k"
	v=$(for i in $(seq 10); do printf '%s%04d-%s' "${k:0:1}" "$i" "$k"; done)
	attr_write frag "userdata/$k/value" "$v" || fail "userdata $k: $ATTR_ERRNO"
done
cfs_enable frag
recv_start frag --json --listen 6666

marker=$(nc_marker)
text="$marker $(for i in $(seq 0 53); do printf '%04d-abcdefghij ' "$i"; done)"
kmsg_write "$text"
recv_wait frag "$marker"
recv_stop frag

TEXT=$text recv_json frag <<'PY'
m = one(env["TEXT"].split()[0])
if m:
    check(m["format"] == "extended", "extended (%s)" % m["format"])
    check(m["text"] == env["TEXT"], "the text is whole (%d of %d bytes)"
          % (len(m["text"]), len(env["TEXT"])))
    want = {}
    for k in ["alpha", "beta", "gamma", "delta"]:
        want[k] = "".join("%s%04d-%s" % (k[0], i, k) for i in range(1, 11))
    check(m["userdata"] == want, "the userdata is whole: %s" % m["userdata"])
    check(list(m["userdata"]) == list(want), "userdata in creation order")
    check(m["fragments"] >= 2, "it came in %s fragments" % m["fragments"])
t = summary.get("totals", {})
check(t.get("incomplete") == 0 and t.get("rejected") == 0 and t.get("fragments", 0) >= 2,
      "no incomplete or rejected message: %s" % t)
PY
