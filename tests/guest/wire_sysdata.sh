#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# Sysdata on the wire [newer than 6.12] (spec section 5), over about 50 messages and two
# extended targets: target a (userdata key nckey) has every toggle on from the start, target b
# (no userdata) turns them on after 10 messages. Writers are copies of the shell named
# nc-writer pinned with taskset to CPU 0 or 1, plus one kernel message (the sysrq help line) of
# a task nc-sysrq on CPU 0. Every message must end, after its userdata, with exactly
# " cpu=<writer's CPU>", " taskname=<writer's comm>", " release=<uname -r>", " msgid=<k>" in
# this order; messages of 900 to 990 characters are fragmented (sysdata across fragment
# boundaries, msgid once per message). Per target msgid counts 1, 2, 3, ... in record order
# without gaps over every message it sent (kernel messages too), b's independently of a's.
# Turning one toggle off removes exactly its line, all off leaves the userdata alone.
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
require_cmds taskset nproc
[ "$(nproc)" -ge 2 ] || fail "needs 2 CPUs, the guest has $(nproc) (tests/vm/run -smp)"
ra=$NC_TMP/a.recv rb=$NC_TMP/b.recv
ea=$NC_TMP/a.expect eb=$NC_TMP/b.expect
: >"$ea"
: >"$eb"
start_receiver 6666 "$ra"
start_receiver 6667 "$rb"

rel=$(uname -r)
re_rel=$(printf '%s' "$rel" | sed 's/[][\.*^$+?(){}|]/\\&/g')
for comm in nc-writer nc-sysrq; do
	cp "$(readlink -f /bin/sh)" "$NC_TMP/$comm" || fail "cannot copy /bin/sh to $NC_TMP/$comm"
done
toggles="cpu_nr_enabled taskname_enabled release_enabled msgid_enabled"

# log_as CPU TEXT...: log each TEXT from the task nc-writer pinned to CPU, back to back.
log_as() {
	local cpu=$1
	shift
	# shellcheck disable=SC2016 # the writer's own "$@"
	taskset -c "$cpu" "$NC_TMP/nc-writer" -c 'for m in "$@"; do echo "$m" >/dev/kmsg; done' \
		nc-writer "$@" || fail "logging as nc-writer on CPU $cpu failed"
}

# Under TCG every fork costs: markers and expectations are made without.
run_id=$(nc_marker)
run_id=${run_id##*-}
# mark VAR TAG: VAR = a marker unique to this run.
mark() { printf -v "$1" 'nc-test-%s-%s-%s' "$NC_TEST" "$2" "$run_id"; }

# sys_re CPU COMM [OFF]: SYS = the regex of the sysdata lines of a message from COMM on CPU,
# without the line of the toggle OFF.
sys_re() {
	local cpu=$1 comm=$2 off=${3:-}
	SYS=
	[ "$off" = cpu_nr_enabled ] || SYS+=" cpu=$cpu\\n"
	[ "$off" = taskname_enabled ] || SYS+=" taskname=$comm\\n"
	[ "$off" = release_enabled ] || SYS+=" release=$re_rel\\n"
	[ "$off" = msgid_enabled ] || SYS+=" msgid=\\d+\\n"
}

# expect FILE MARKER REGEX: what must follow the record of MARKER on that target.
expect() { printf '%s\t%s\n' "$2" "$3" >>"$1"; }

# Long texts: with the record's header, userdata and sysdata they need two datagrams, the
# boundary falling in the text, userdata or sysdata.
long() { # long VAR N TAG: VAR = a marker padded to N characters
	local _mk _pad
	mark _mk "$3"
	nc_rep _pad x $(($2 - ${#_mk} - 1))
	printf -v "$1" '%s %s' "$_mk" "$_pad"
}

cfs_mkdir a
cfs_config a "$SRCIF" "$DSTIP" 6666 1
expect_mkdir 0 a/userdata/nckey
expect_write a userdata/nckey/value ncval
cfs_mkdir b
cfs_config b "$SRCIF" "$DSTIP" 6667 1
expect_write a enabled 1
expect_write b enabled 1
for t in $toggles; do expect_write a userdata/"$t" 1; done

# 10 messages from CPU 1, two of them fragmented; b has no sysdata yet.
msgs=()
for i in {1..8}; do mark m "p1-$i"; msgs+=("$m"); done
long m 930 p1-long930 && msgs+=("$m")
long m 990 p1-long990 && msgs+=("$m")
log_as 1 "${msgs[@]}"
sys_re 1 nc-writer
for m in "${msgs[@]}"; do
	expect "$ea" "${m%% *}" " nckey=ncval\\n$SYS"
	expect "$eb" "${m%% *}" ""
done

# b's toggles on; 30 more messages, 15 from each CPU, with fragmented ones.
for t in $toggles; do expect_write b userdata/"$t" 1; done
first2=
for cpu in 0 1; do
	msgs=()
	for i in {1..12}; do mark m "p2-$cpu-$i"; msgs+=("$m"); done
	for n in 900 960 990; do long m $n "p2-$cpu-long$n" && msgs+=("$m"); done
	first2=${first2:-${msgs[0]}}
	log_as "$cpu" "${msgs[@]}"
	sys_re "$cpu" nc-writer
	for m in "${msgs[@]}"; do
		expect "$ea" "${m%% *}" " nckey=ncval\\n$SYS"
		expect "$eb" "${m%% *}" "$SYS"
	done
done

# A line the kernel prints itself (sysrq's help) in the writing task's context.
taskset -c 0 "$NC_TMP/nc-sysrq" -c 'echo h >/proc/sysrq-trigger' ||
	fail "sysrq h from nc-sysrq on CPU 0 failed"
sys_re 0 nc-sysrq
expect "$ea" "sysrq: HELP :" " nckey=ncval\\n$SYS"
expect "$eb" "sysrq: HELP :" "$SYS"

# Each toggle off (on a) removes exactly its line; then all off.
for t in $toggles; do
	expect_write a userdata/"$t" 0
	mark m "off-$t"
	log_as 1 "$m"
	sys_re 1 nc-writer "$t"
	expect "$ea" "$m" " nckey=ncval\\n$SYS"
	sys_re 1 nc-writer
	expect "$eb" "$m" "$SYS"
	expect_write a userdata/"$t" 1
done
for t in $toggles; do expect_write a userdata/"$t" 0; done
last=
mark last all-off
log_as 1 "$last"
expect "$ea" "$last" " nckey=ncval\\n"
sys_re 1 nc-writer
expect "$eb" "$last" "$SYS"

msg_wait "$ra" "$last" || bad "a: the last message did not arrive"
msg_wait "$rb" "$last" || bad "b: the last message did not arrive"
for t in a b; do
	r=$NC_TMP/$t.recv e=$NC_TMP/$t.expect ud=
	[ $t = a ] && ud=nckey
	out=$("$NC_PY" -S "$NC_LIB/ext_messages.py" check "$r" "$e" --release "$rel" --userdata "$ud")
	st=$?
	mapfile -t lines <<<"$out"
	printf "#   %s\n" "${lines[@]}"
	check "$st" "target $t: $(grep -c '^ok' <<<"$out") message checks passed, $(grep -c '^FAIL' <<<"$out") failed"
done
# Independent counters: for the same message a's msgid is at least 10 above b's (a counted
# the first 10 messages, b did not).
ids=()
for t in a b; do
	msg_get "$NC_TMP/$t.recv" "$first2" || bad "$t: no datagram for $first2"
	ids+=("$(sed -n 's/.*\\n msgid=\([0-9]*\)\\n$/\1/p' <<<"$MSG_DATA")")
done
check "$([ -n "${ids[0]}" ] && [ -n "${ids[1]}" ] && [ "${ids[0]}" -ge $((ids[1] + 10)) ]; echo $?)" \
	"$first2: msgid ${ids[0]:-none} on a, ${ids[1]:-none} on b: counted per target"

cfs_finish
