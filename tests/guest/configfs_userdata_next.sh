#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# Userdata where the spec (section 3) is newer than Linux 6.12, so 6.12's C module fails these
# checks (expected; they run against the Rust module only):
# - 256 keys per target, the 257th mkdir is ENOSPC (6.12: 16 keys, the 17th is ENOSPC,
#   netconsole.c:52, :805), and more than 16 keys all reach the message (6.12's
#   update_userdata() stops at 16, :717);
# - a value of 200 bytes or more is EMSGSIZE and changes nothing (6.12 refuses exactly 200
#   bytes with E2BIG after storing the first 199 of them, :748-:756).
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
recv=$NC_TMP/ext.recv
start_receiver 6666 "$recv"

nc_rep V199 v 199
nc_rep V200 v 200

# ---- value size ----
cfs_mkdir u
expect_mkdir 0 u/userdata/k
expect_write u userdata/k/value before
for d in "$V200" "$V199\\n" "${V200}x"; do expect_rejected EMSGSIZE u userdata/k/value "$d"; done
expect_write u userdata/k/value "$V199"
expect_value u userdata/k/value "$V199\\n"
expect_rmdir 0 u/userdata/k

# ---- more than 16 keys reach the message, in creation order ----
cfs_config u "$SRCIF" "$DSTIP" 6666 1
suffix=
for i in $(seq 20 -1 1); do
	k=$(printf 'k%02d' "$i")
	expect_mkdir 0 u/userdata/$k
	expect_write u userdata/$k/value "v$i"
	suffix+=" $k=v$i\\n"
done
expect_write u enabled 1
marker=$(nc_marker twenty)
kmsg_write "$marker"
msg_expect "$recv" "$marker" ext "$suffix"
expect_write u enabled 0

# ---- 256 keys, the 257th is ENOSPC ----
ok=20
for i in $(seq 21 256); do
	cfs_try mkdir "u/userdata/k$i" && ok=$((ok + 1))
done
check "$([ $ok = 256 ]; echo $?)" "256 keys can be created ($ok were)"
expect_mkdir ENOSPC u/userdata/k257
expect_mkdir ENOSPC u/userdata/another
expect_rmdir 0 u/userdata/k256
expect_mkdir 0 u/userdata/another
expect_mkdir ENOSPC u/userdata/k257

cfs_finish
