#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# impl: rust
# Sysdata toggles [newer than 6.12] (spec sections 3 and 5): userdata/cpu_nr_enabled,
# taskname_enabled, release_enabled and msgid_enabled exist (mode 644, default 0, kstrtobool),
# are writable while the target is enabled (no "is enabled" refusal), and an extended target
# then appends, after its userdata lines and in this order, " cpu=<n>\n", " taskname=<comm>\n",
# " release=<uname -r>\n", " msgid=<n>\n" (msgid +1 per message). cpu and taskname are those of
# the task that logged (here a shell named nc-writer pinned to CPU 1). A basic target appends
# nothing. Linux 6.12 has none of this. With console_mode=nbcon the printer kthread sends, and
# cpu/taskname are its own (pr/netcon_ext0).
# console-modes: legacy nbcon
. "$(dirname "$0")/../lib/topology.sh"
. "$(dirname "$0")/../lib/configfs.sh"

topo_setup
cfs_setup
rust_only_note
require_cmds taskset
ext=$NC_TMP/ext.recv basic=$NC_TMP/basic.recv relr=$NC_TMP/rel.recv
start_receiver 6666 "$ext"
start_receiver 6667 "$basic"
start_receiver 6668 "$relr"

rel=$(uname -r)
re_rel=$(printf '%s' "$rel" | sed 's/[][\.*^$+?(){}|]/\\&/g')
writer=$NC_TMP/nc-writer
cp "$(readlink -f /bin/sh)" "$writer" || fail "cannot copy /bin/sh to $writer"
# log_as_writer TEXT...: log each TEXT from the task "nc-writer" on CPU 1, back to back.
log_as_writer() {
	taskset -c 1 "$writer" -c 'for m in "$@"; do echo "$m" >/dev/kmsg; done' nc-writer "$@" ||
		fail "logging as nc-writer on CPU 1 failed"
}
toggles="cpu_nr_enabled taskname_enabled release_enabled msgid_enabled"
# With console_mode=nbcon (NC_CONSOLE_MODE=nbcon) the extended console's printer kthread sends,
# and cpu/taskname are its own (Documentation "Console modes"): pr/netcon_ext0 on any CPU.
cpu_re=1 task=nc-writer task_re=nc-writer
if [ "$(cat /sys/module/netconsole/parameters/console_mode 2>/dev/null)" = nbcon ]; then
	cpu_re='\d+' task=pr/netcon_ext0 task_re=pr/netcon_ext0
	info "console_mode=nbcon: cpu and taskname are the printer kthread's"
fi

cfs_mkdir t
cfs_config t "$SRCIF" "$DSTIP" 6666 1
for a in $toggles; do
	expect_value t userdata/$a '0\n'
	cfs_mode t/userdata/$a
	check "$([ "$CFS_MODE" = 644 ]; echo $?)" "userdata/$a mode $CFS_MODE, expected 644"
	for d in 1 0 y n on off '1\n' '0\n'; do expect_write t userdata/$a "$d"; done
	expect_write t userdata/$a 1 && expect_value t userdata/$a '1\n'
	expect_rejected EINVAL t userdata/$a 2
	expect_rejected EINVAL t userdata/$a '\n'
	expect_rejected EFAULT t userdata/$a ''
	expect_write t userdata/$a 0 && expect_value t userdata/$a '0\n'
done
cfs_ls -d t/userdata
check "$([ -z "$CFS_LIST" ]; echo $?)" "the toggles are files, not keys ('$CFS_LIST')"

expect_mkdir 0 t/userdata/k
expect_write t userdata/k/value v
expect_write t enabled 1

# Toggles change while enabled.
log_mark
for a in $toggles; do expect_write t userdata/$a 1; done
expect_no_log "is enabled, disable to update parameters"

m1=$(nc_marker one) m2=$(nc_marker two) m3=$(nc_marker three)
log_as_writer "$m1" "$m2" "$m3"
ids=()
for m in "$m1" "$m2" "$m3"; do
	msg_expect_re "$ext" "$m" ext " k=v\\n cpu=$cpu_re\\n taskname=$task_re\\n release=$re_rel\\n msgid=(\\d+)\\n"
	ids+=("$MSG_GROUPS")
done
if [ ${#ids[@]} = 3 ] && [ -n "${ids[0]}" ] && [ -n "${ids[2]}" ] &&
	[ "${ids[1]}" = $((ids[0] + 1)) ] && [ "${ids[2]}" = $((ids[0] + 2)) ]; then
	pass "msgid counts up by one per message (${ids[*]})"
else
	bad "msgid of three back-to-back messages: '${ids[*]}', expected n, n+1, n+2"
fi

# One at a time.
for a in $toggles; do expect_write t userdata/$a 0; done
declare -A line=([cpu_nr_enabled]=" cpu=$cpu_re\\n" [taskname_enabled]=" taskname=$task_re\\n"
	[release_enabled]=" release=$re_rel\\n" [msgid_enabled]=' msgid=\d+\n')
for a in $toggles; do
	expect_write t userdata/$a 1
	m=$(nc_marker "$a")
	log_as_writer "$m"
	msg_expect_re "$ext" "$m" ext " k=v\\n${line[$a]}"
	expect_write t userdata/$a 0
done
m=$(nc_marker none)
log_as_writer "$m"
msg_expect "$ext" "$m" ext ' k=v\n'
# Without userdata keys, the sysdata lines come right after the record.
expect_rmdir 0 t/userdata/k
expect_write t userdata/taskname_enabled 1
m=$(nc_marker nokeys)
log_as_writer "$m"
msg_expect "$ext" "$m" ext " taskname=$task\\n"
expect_write t enabled 0

# The release attribute (prefix) and release_enabled (a line) together.
cfs_mkdir r
cfs_config r "$SRCIF" "$DSTIP" 6668 1
expect_write r release 1
expect_write r userdata/release_enabled 1
expect_write r enabled 1
m=$(nc_marker release)
log_as_writer "$m"
msg_expect "$relr" "$m" ext-release " release=$rel\\n"
expect_write r enabled 0

# A basic target sends no sysdata.
cfs_mkdir b
cfs_config b "$SRCIF" "$DSTIP" 6667 0
for a in $toggles; do expect_write b userdata/$a 1; done
expect_write b enabled 1
m=$(nc_marker basic)
log_as_writer "$m"
msg_expect "$basic" "$m" basic
expect_write b enabled 0

cfs_finish
