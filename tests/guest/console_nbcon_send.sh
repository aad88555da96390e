#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# console_mode=nbcon (netconsole-rs only; Documentation "Console modes"): the parameter reads
# back "nbcon" and is read-only; printk registers nbcon consoles ("console [netcon0] enabled",
# not "legacy console") each with its printer kthread (pr/netcon0, pr/netcon_ext0); a basic and
# an extended target receive exact datagrams, and a message longer than one datagram arrives
# as exact basic chunks and exact ncfrag fragments. The send happens in the printer kthread,
# not in the task that logged: with the taskname sysdata on, the line logged by a task named
# nc-writer says " taskname=pr/netcon_ext0" (in legacy mode it says nc-writer, see
# configfs_sysdata.sh). An unknown console_mode refuses to load.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
basic=$NC_TMP/basic.recv ext=$NC_TMP/ext.recv sys=$NC_TMP/sys.recv
start_receiver 6666 "$basic"
start_receiver 6667 "$ext"
start_receiver 6668 "$sys"

out=$(modprobe netconsole console_mode=bogus 2>&1) && fail "console_mode=bogus loaded: $out"
[ -d /sys/module/netconsole ] && fail "netconsole is loaded after console_mode=bogus"
dmesg | grep -q "console_mode must be legacy or nbcon" || fail "no error logged for console_mode=bogus"
info "console_mode=bogus refused: $out"

load_netconsole "6665@$SRCIP/$SRCIF,6666@$DSTIP/$DSTMAC;+6664@$SRCIP/$SRCIF,6667@$DSTIP/$DSTMAC" \
	console_mode=nbcon
cfs_setup

param=/sys/module/netconsole/parameters/console_mode
[ "$(cat $param)" = nbcon ] || fail "$param reads '$(cat $param)', expected nbcon"
mode=$(stat -c %a $param)
check "$([ "$mode" = 444 ]; echo $?)" "$param mode $mode, expected 444"
if (echo legacy >$param) 2>/dev/null; then bad "$param is writable"; else pass "$param is read-only"; fi

for c in netcon0 netcon_ext0; do
	if dmesg | grep -q "printk: console \[$c\] enabled"; then
		pass "$c registered as an nbcon console"
	else
		bad "no 'printk: console [$c] enabled' (nbcon) in the log: $(dmesg | grep "\[$c\]")"
	fi
	if grep -qx "pr/$c" /proc/[0-9]*/comm 2>/dev/null; then
		pass "printer kthread pr/$c runs"
	else
		bad "no printer kthread pr/$c"
	fi
done

# Short lines: exact.
marker=$(nc_marker short)
kmsg_write "$marker"
msg_expect "$basic" "$marker" basic
msg_expect "$ext" "$marker" ext

# A line longer than a datagram: basic chunks of at most 1000 bytes, extended ncfrag fragments.
# 1004 bytes of text (/dev/kmsg takes 1024): the basic console text, "[%5lu.%06lu] " in front,
# is cut at byte 1000 inside the filler, so the short tail marker is whole in the second chunk.
nc_rep filler x 940
long=$(nc_marker long-head)
tail_marker=TAIL$(date +%s%N | sha256sum | cut -c1-8)
kmsg_write "$long-$filler-$tail_marker"
msg_wait "$basic" "$tail_marker" 1 10 || bad "no basic chunk with the end of the long line"
# Two fragments: the only message longer than a datagram (the chunks of one message are sent
# in order, so both basic chunks are there once the tail's is).
msg_wait "$ext" "ncfrag=" 2 10 || bad "no extended fragments of the long line"
if "$NC_PY" -S - "$NC_LIB" "$basic" "$ext" "$long" "$tail_marker" <<'EOF'; then
import sys
sys.path.insert(0, sys.argv[1])
import udp_recv
basic, ext, head, tail = sys.argv[2], sys.argv[3], sys.argv[4].encode(), sys.argv[5].encode()
record = udp_recv.kmsg_record_containing(head)
ok = True
# Basic: the chunk with the head, then the chunk with the tail, make the console text.
dg = udp_recv.read_datagrams(basic)
first = [i for i, d in enumerate(dg) if head in d]
if len(first) != 1 or first[0] + 1 >= len(dg) or tail not in dg[first[0] + 1]:
    print("basic: expected two consecutive chunks with the head and the tail", file=sys.stderr)
    ok = False
else:
    a, b = dg[first[0]], dg[first[0] + 1]
    want = udp_recv.basic_console_text(record)
    if len(a) != 1000 or a + b != want:
        print("basic: chunks %d+%d bytes differ from the console text (%d bytes)"
              % (len(a), len(b), len(want)), file=sys.stderr)
        ok = False
# Extended: every fragment carries the record's header; slices put together are the rest.
header, _, payload = record.partition(b";")
frags = {}
for d in udp_recv.read_datagrams(ext):
    if not d.startswith(header + b",ncfrag="):
        continue
    meta, _, data = d[len(header) + 1:].partition(b";")
    off, total = (int(x) for x in meta[len(b"ncfrag="):].split(b"/"))
    if total != len(payload) or off in frags or len(d) > 1000:
        print("ext: bad fragment %r" % d[:80], file=sys.stderr)
        ok = False
    frags[off] = data
joined = b"".join(frags[k] for k in sorted(frags))
if len(frags) < 2 or joined != payload or sorted(frags)[0] != 0:
    print("ext: %d fragments, joined %d bytes, expected %d" % (len(frags), len(joined), len(payload)),
          file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
EOF
	pass "the long line arrives as exact basic chunks and exact extended fragments"
else
	bad "the long line's chunks or fragments are not exact"
fi

# Who sends: the printer kthread, not the task that logged.
require_cmds taskset
writer=$NC_TMP/nc-writer
cp "$(readlink -f /bin/sh)" "$writer" || fail "cannot copy /bin/sh to $writer"
cfs_mkdir s
cfs_config s "$SRCIF" "$DSTIP" 6668 1
expect_write s userdata/taskname_enabled 1
expect_write s userdata/cpu_nr_enabled 1
expect_write s enabled 1
m=$(nc_marker sender)
taskset -c 1 "$writer" -c 'echo "$1" >/dev/kmsg' nc-writer "$m" || fail "logging as nc-writer failed"
msg_expect_re "$sys" "$m" ext ' cpu=(\d+)\n taskname=pr/netcon_ext0\n'
expect_write s enabled 0

cfs_finish
