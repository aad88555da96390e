# SPDX-License-Identifier: GPL-2.0
# Sourced by the configfs tests (tests/guest/configfs_*.sh), after tests/lib/topology.sh:
# create and remove netconsole targets, write attributes with exactly one write(2) of arbitrary
# bytes and observe the errno, read them back byte for byte, watch the kernel log, and count
# checks (a failed check is reported and the test goes on; cfs_finish fails the test at the end
# if any check failed, so that one run shows every difference).
#
# All file operations go through one Python helper started once per test as a bash coprocess
# (under TCG every exec costs ~0.1 s, and a test makes hundreds of writes).
#
# Byte notation (DATA arguments and expected values): the text as is, except the escapes
#   \n \t \r  newline, tab, carriage return     \0  a NUL byte
#   \xHH      the byte 0xHH                       \\  one backslash
# so a write of "1" plus newline is '1\n', and a value read back as "6665\n" is shown as
# '6665\n'. Values read back are given in the same notation (bytes outside printable ASCII as
# \xHH), so they compare as strings.
#
# Setup:   cfs_setup             after topo_setup (and load_netconsole, if the test wants a
#                                 netconsole= parameter): load netconsole without parameter
#                                 unless it is loaded, start the helper, and on exit remove
#                                 every target before the topology's cleanup (rmmod needs it)
# Targets: cfs_mkdir NAME / cfs_rmdir NAME   create / remove (keys first) $NC_CFG/NAME; a
#                                 failure fails the test
#          cfs_try mkdir|rmdir PATH   sets CFS_ERRNO (0 or EXXX) without judging
#          cfs_exists PATH, cfs_ls [-d] PATH (CFS_LIST), cfs_mode PATH (CFS_MODE, octal)
#          cfs_config NAME [DEV [REMOTE_IP [REMOTE_PORT [EXTENDED]]]]
#                                 set a target up for the topology (defaults: $SRCIF, $DSTIP,
#                                 6666, 0) with local_ip $SRCIP (or $SRCIP6 for an IPv6
#                                 remote) and remote_mac $DSTMAC
# Raw:     attr_write T A DATA...  one write(2) of DATA (concatenated) to $NC_CFG/T/A; sets
#                                 ATTR_ERRNO (0 or EINVAL, ...), ATTR_WROTE (write's return
#                                 value) and ATTR_LEN (bytes offered); returns 0 on success
#          attr_read T A           sets ATTR_VALUE (byte notation) or ATTR_ERRNO; 0 on success
#          nc_rep VAR STRING N     VAR = STRING repeated N times
# Checks (each counts one check, prints "ok N - ..." or "FAIL: check N: ..."):
#          expect_write T A DATA [N]   the write succeeds and returns N (default: every byte)
#          expect_errno E T A DATA     the write fails with errno E (E=0: succeeds)
#          expect_rejected E T A DATA  fails with E and the attribute reads the same after
#          expect_value T A VALUE      the attribute reads VALUE (byte notation, with the \n)
#          expect_mkdir E PATH / expect_rmdir E PATH   (relative to $NC_CFG; E=0: succeeds)
#          log_mark; expect_log TEXT / expect_no_log TEXT   a kernel log record written since
#                                 the last log_mark contains (does not contain) TEXT
#          msg_expect FILE MARKER KIND [SUFFIX]   the exact datagram for a logged line
#          msg_expect_re FILE MARKER KIND REGEX   the record, then what REGEX matches
#          msg_absent FILE MARKER [SECONDS]       no datagram for MARKER
#          check STATUS DESC       pass if STATUS is 0 (e.g. check "$([ ... ]; echo $?)" ...)
#          pass DESC / bad DESC    count a passed / failed check
# Waits:   msg_wait FILE MARKER [N [TIMEOUT]], msg_count, msg_get (no check counted)
# End:     cfs_finish            print the count; exit 1 (with diagnostics) if a check failed
#          rust_only_note        (rust-only files) say that failures on C are expected
# NC_CFS_TIMING=1 (passed into the guest by tests/vm/run) stamps every "ok" line with the time.

NC_CFG=/sys/kernel/config/netconsole
NC_CHECKS=0
NC_FAILED=0
ATTR_ERRNO= ATTR_WROTE= ATTR_LEN= ATTR_VALUE= CFS_ERRNO= CFS_REPLY=

# The helper: one request per line, fields separated by tabs, in byte notation; one reply
# line: "OK [fields]" or "ERR <errno name> [details]".
CFS_PY='
import errno, os, sys, time
sys.path.insert(0, os.environ.get("NC_LIB", "."))

def dec(s):
    out = bytearray()
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == 0x5c and i + 1 < n:
            e = s[i + 1]
            if e == 0x6e: out.append(10); i += 2; continue
            if e == 0x74: out.append(9); i += 2; continue
            if e == 0x72: out.append(13); i += 2; continue
            if e == 0x30: out.append(0); i += 2; continue
            if e == 0x5c: out.append(0x5c); i += 2; continue
            if e == 0x78 and i + 4 <= n:
                out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
        out.append(c)
        i += 1
    return bytes(out)

def esc(b):
    out = []
    for c in b:
        if c == 0x5c: out.append("\\\\")
        elif c == 10: out.append("\\n")
        elif 32 <= c < 127: out.append(chr(c))
        else: out.append("\\x%02x" % c)
    return "".join(out)

def ename(e):
    return errno.errorcode.get(e, "E%d" % e)

kfd = None
records = []

def kmsg_poll():
    global kfd
    if kfd is None:
        kfd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    while True:
        try:
            r = os.read(kfd, 16384)
        except OSError as e:
            if e.errno == errno.EAGAIN:
                return
            if e.errno == errno.EPIPE:
                continue
            raise
        head, _, rest = r.partition(b";")
        records.append(rest.split(b"\n", 1)[0])

def msg_hits(path, marker):
    import udp_recv
    return [d for d in udp_recv.read_datagrams(path) if marker in d]

def handle(f):
    global kfd, records
    cmd = f[0]
    if cmd == b"write":
        path, data = dec(f[1]), dec(f[2])
        fd = os.open(path, os.O_WRONLY)
        try:
            n = os.write(fd, data)
        finally:
            os.close(fd)
        return "OK %d %d" % (n, len(data))
    if cmd == b"read":
        fd = os.open(dec(f[1]), os.O_RDONLY)
        try:
            data = b""
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(fd)
        return "OK " + esc(data)
    if cmd == b"mkdir":
        os.mkdir(dec(f[1]))
        return "OK"
    if cmd == b"rmdir":
        os.rmdir(dec(f[1]))
        return "OK"
    if cmd == b"ls":
        return "OK " + " ".join(esc(x) for x in sorted(os.listdir(dec(f[1]))))
    if cmd == b"append":
        with open(dec(f[1]), "ab") as fh:
            fh.write(dec(f[2]))
        return "OK"
    if cmd == b"lsdirs":
        d = dec(f[1])
        return "OK " + " ".join(esc(x) for x in sorted(os.listdir(d))
                                if os.path.isdir(os.path.join(d, x)))
    if cmd == b"mode":
        return "OK %o" % (os.stat(dec(f[1])).st_mode & 0o7777)
    if cmd == b"exists":
        return "OK %d" % os.path.exists(dec(f[1]))
    if cmd == b"rmtargets":
        root = dec(f[1])
        left = []
        if os.path.isdir(root):
            for t in sorted(os.listdir(root)):
                tp = os.path.join(root, t)
                ud = os.path.join(tp, b"userdata")
                try:
                    for k in os.listdir(ud):
                        kp = os.path.join(ud, k)
                        if os.path.isdir(kp):
                            os.rmdir(kp)
                    os.rmdir(tp)
                except OSError as e:
                    left.append("%s:%s" % (esc(t), ename(e.errno)))
        return "OK " + " ".join(left)
    if cmd == b"logmark":
        if kfd is None:
            kfd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(kfd, 0, os.SEEK_END)
        records = []
        return "OK"
    if cmd == b"loggrep":
        kmsg_poll()
        text = dec(f[1])
        return "OK %d" % sum(1 for r in records if text in r)
    if cmd == b"logdump":
        kmsg_poll()
        return "OK " + esc(b"\n".join(records[-40:]))
    if cmd == b"msgwait":
        path, marker = dec(f[1]).decode(), dec(f[2])
        want, deadline = int(f[3]), time.monotonic() + float(f[4])
        while True:
            n = len(msg_hits(path, marker))
            if n >= want:
                return "OK %d" % n
            if time.monotonic() >= deadline:
                return "ERR ETIME %d" % n
            time.sleep(0.05)
    if cmd == b"msgget":
        hits = msg_hits(dec(f[1]).decode(), dec(f[2]))
        if not hits:
            return "ERR ENOENT"
        return "OK " + esc(hits[-1])
    if cmd == b"msgexpect" or cmd == b"msgexpectre":
        import re
        import udp_recv
        path, marker, kind = dec(f[1]).decode(), dec(f[2]), f[3].decode()
        release, suffix = dec(f[4]), dec(f[5])
        deadline = time.monotonic() + float(f[6])
        while True:
            hits = msg_hits(path, marker)
            if hits:
                break
            if time.monotonic() >= deadline:
                return "ERR ETIME no datagram after %ss" % f[6].decode()
            time.sleep(0.05)
        try:
            record = udp_recv.kmsg_record_containing(marker)
        except LookupError as e:
            return "ERR ENOREC " + esc(str(e).encode())
        exp = udp_recv.basic_console_text(record) if kind == "basic" else record
        if release:
            exp = release + b"," + exp
        if len(hits) != 1:
            return "ERR ECOUNT %d datagrams, expected 1: " % len(hits) + " | ".join(esc(h) for h in hits)
        if cmd == b"msgexpectre":
            got = hits[0]
            if not got.startswith(exp):
                return "ERR EDIFF expected the record '" + esc(exp) + "' first, received '" + esc(got) + "'"
            m = re.fullmatch(suffix, got[len(exp):], re.S)
            if not m:
                return "ERR EDIFF after the record '" + esc(got[len(exp):]) + "' does not match '" + esc(suffix) + "'"
            return "OK " + " ".join(esc(g or b"") for g in m.groups())
        exp += suffix
        if hits[0] != exp:
            return "ERR EDIFF expected '" + esc(exp) + "' received '" + esc(hits[0]) + "'"
        return "OK"
    return "ERR EBADRQC"

out = sys.stdout
for line in sys.stdin.buffer:
    fields = line.rstrip(b"\n").split(b"\t")
    try:
        reply = handle(fields)
    except OSError as e:
        reply = "ERR " + ename(e.errno)
    except Exception as e:
        reply = "ERR EHELPER " + esc(repr(e).encode())
    out.write(reply + "\n")
    out.flush()
'

# cfs_req FIELD...: one request to the helper; the reply in CFS_REPLY. Non-zero if the reply
# is an error (then CFS_ERRNO is its errno name).
cfs_req() {
	local IFS=$'\t' line
	[ -n "${NCCFS_PID:-}" ] || fail "configfs helper not started (cfs_setup)"
	# Raw newlines and tabs in a field would break the line protocol: send them as escapes.
	local a args=()
	for a in "$@"; do
		a=${a//$'\n'/\\n}
		args+=("${a//$'\t'/\\t}")
	done
	printf '%s\n' "${args[*]}" >&"${NCCFS[1]}" ||
		{ _cfs_fatal "configfs helper gone (request ${args[0]})"; return 2; }
	IFS= read -r -t "${CFS_TIMEOUT:-60}" -u "${NCCFS[0]}" line || {
		_cfs_fatal "no answer from the configfs helper within ${CFS_TIMEOUT:-60}s to: ${args[*]:0:2} (a store hangs?)"
		return 2
	}
	CFS_REPLY=$line
	case "$line" in
	OK) CFS_REPLY= ; CFS_ERRNO=0; return 0 ;;
	'OK '*) CFS_REPLY=${line#OK }; CFS_ERRNO=0; return 0 ;;
	'ERR EHELPER'*) _cfs_fatal "configfs helper error: $line"; return 2 ;;
	'ERR '*)
		line=${line#ERR }
		CFS_ERRNO=${line%% *}
		CFS_REPLY=
		[ "$line" = "$CFS_ERRNO" ] || CFS_REPLY=${line#* }
		return 1 ;;
	*) _cfs_fatal "configfs helper: bad reply '$line'"; return 2 ;;
	esac
}

# Helper trouble fails the test, except while cleaning up on exit.
_cfs_fatal() {
	CFS_ERRNO=EHELPER
	if [ -n "${NC_CFS_EXITING:-}" ]; then
		echo "FAIL: $*"
		return 0
	fi
	fail "$*"
}

cfs_start() {
	[ -n "${NCCFS_PID:-}" ] && return 0
	coproc NCCFS { NC_LIB=$NC_LIB exec "$NC_PY" -S -u -c "$CFS_PY"; }
	cfs_req exists / || fail "the configfs helper does not answer"
}

cfs_stop() {
	[ -n "${NCCFS_PID:-}" ] || return 0
	local pid=$NCCFS_PID w=${NCCFS[1]} r=${NCCFS[0]}
	exec {w}>&- {r}<&-
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	NCCFS_PID=
}

# Remove every target (userdata keys first); print what could not be removed.
cfs_remove_all() {
	[ -n "${NCCFS_PID:-}" ] || return 0
	cfs_req rmtargets "$NC_CFG" || { echo "FAIL: removing the targets: $CFS_ERRNO"; return 1; }
	if [ -n "$CFS_REPLY" ]; then
		echo "FAIL: targets that could not be removed: $CFS_REPLY"
		return 1
	fi
}

cfs_exit() {
	local rc=$?
	trap - EXIT
	NC_CFS_EXITING=1 CFS_TIMEOUT=20
	cfs_remove_all || rc=1
	cfs_stop
	_cfs_rc "$rc"
	topo_cleanup
}
_cfs_rc() { return "$1"; }

cfs_setup() {
	[ -d /sys/module/netconsole ] || load_netconsole ""
	[ -d "$NC_CFG" ] || fail "no $NC_CFG after loading netconsole (CONFIG_NETCONSOLE_DYNAMIC?)"
	cfs_start
	trap cfs_exit EXIT
}

# ---- raw operations ----

attr_write() {
	local t=$1 a=$2 data
	shift 2
	printf -v data '%s' "$@"
	ATTR_WROTE= ATTR_LEN= ATTR_ERRNO=
	if cfs_req write "$NC_CFG/$t/$a" "$data"; then
		ATTR_ERRNO=0
		read -r ATTR_WROTE ATTR_LEN <<<"$CFS_REPLY"
		return 0
	fi
	ATTR_ERRNO=$CFS_ERRNO
	return 1
}

attr_read() {
	ATTR_VALUE= ATTR_ERRNO=
	if cfs_req read "$NC_CFG/$1/$2"; then
		ATTR_ERRNO=0 ATTR_VALUE=$CFS_REPLY
		return 0
	fi
	ATTR_ERRNO=$CFS_ERRNO
	return 1
}

cfs_try() { # cfs_try mkdir|rmdir|exists PATH (relative to $NC_CFG)
	cfs_req "$1" "$NC_CFG/$2"
}

cfs_exists() { cfs_req exists "$NC_CFG/$1" && [ "$CFS_REPLY" = 1 ]; }

# cfs_ls [-d] PATH: the entries (-d: only directories) of $NC_CFG/PATH, sorted, space
# separated, in CFS_LIST; non-zero (CFS_ERRNO) if it cannot be listed.
cfs_ls() {
	local op=ls
	[ "$1" = -d ] && { op=lsdirs; shift; }
	CFS_LIST=
	cfs_req "$op" "$NC_CFG/$1" || return 1
	CFS_LIST=$CFS_REPLY
}

# cfs_mode PATH: the permission bits of $NC_CFG/PATH in octal, in CFS_MODE.
cfs_mode() {
	CFS_MODE=
	cfs_req mode "$NC_CFG/$1" || return 1
	CFS_MODE=$CFS_REPLY
}

cfs_mkdir() {
	cfs_req mkdir "$NC_CFG/$1" || fail "mkdir $NC_CFG/$1: $CFS_ERRNO"
}

cfs_rmdir() {
	local k
	if cfs_req lsdirs "$NC_CFG/$1/userdata"; then
		for k in $CFS_REPLY; do
			cfs_req rmdir "$NC_CFG/$1/userdata/$k" || fail "rmdir userdata/$k of $1: $CFS_ERRNO"
		done
	fi
	cfs_req rmdir "$NC_CFG/$1" || fail "rmdir $NC_CFG/$1: $CFS_ERRNO"
}

# nc_rep VAR STRING N: VAR = STRING repeated N times (no fork).
nc_rep() {
	local _s
	printf -v _s '%*s' "$3" ''
	printf -v "$1" '%s' "${_s// /$2}"
}

# ---- checks ----

pass() {
	NC_CHECKS=$((NC_CHECKS + 1))
	echo "ok $NC_CHECKS - ${NC_CFS_TIMING:+[$EPOCHREALTIME] }$*"
}

bad() {
	NC_CHECKS=$((NC_CHECKS + 1))
	NC_FAILED=$((NC_FAILED + 1))
	echo "FAIL: check $NC_CHECKS: $*"
}

# check STATUS DESC: pass if STATUS is 0.
check() {
	local st=$1
	shift
	if [ "$st" = 0 ]; then pass "$*"; else bad "$*"; fi
}

# Shorten long data for messages.
_cfs_show() {
	local s
	printf -v s '%s' "$@"
	if [ ${#s} -gt 70 ]; then
		printf "'%s...' (%d chars of notation)" "${s:0:60}" ${#s}
	else
		printf "'%s'" "$s"
	fi
}

expect_write() {
	local t=$1 a=$2 data=$3 n=${4:-}
	local what="write $(_cfs_show "$data") to $t/$a"
	if ! attr_write "$t" "$a" "$data"; then
		bad "$what: failed with $ATTR_ERRNO, expected success"
		return 1
	fi
	n=${n:-$ATTR_LEN}
	if [ "$ATTR_WROTE" != "$n" ]; then
		bad "$what: write returned $ATTR_WROTE, expected $n (of $ATTR_LEN bytes)"
		return 1
	fi
	pass "$what succeeds${4:+ returning $n}"
}

expect_errno() {
	local e=$1 t=$2 a=$3 data=$4
	[ "$e" = 0 ] && { expect_write "$t" "$a" "$data"; return; }
	local what="write $(_cfs_show "$data") to $t/$a"
	if attr_write "$t" "$a" "$data"; then
		bad "$what: succeeded (returned $ATTR_WROTE of $ATTR_LEN), expected $e"
		return 1
	fi
	if [ "$ATTR_ERRNO" != "$e" ]; then
		bad "$what: failed with $ATTR_ERRNO, expected $e"
		return 1
	fi
	pass "$what -> $e"
}

expect_rejected() {
	local e=$1 t=$2 a=$3 data=$4 before
	local what="write $(_cfs_show "$data") to $t/$a"
	attr_read "$t" "$a" || { bad "$what: reading $t/$a before failed: $ATTR_ERRNO"; return 1; }
	before=$ATTR_VALUE
	if attr_write "$t" "$a" "$data"; then
		bad "$what: succeeded (returned $ATTR_WROTE of $ATTR_LEN), expected $e"
		return 1
	fi
	if [ "$ATTR_ERRNO" != "$e" ]; then
		bad "$what: failed with $ATTR_ERRNO, expected $e"
		return 1
	fi
	attr_read "$t" "$a" || { bad "$what: reading $t/$a after failed: $ATTR_ERRNO"; return 1; }
	if [ "$ATTR_VALUE" != "$before" ]; then
		bad "$what -> $e, but the value changed from '$before' to '$ATTR_VALUE'"
		return 1
	fi
	pass "$what -> $e, value unchanged ('$before')"
}

expect_value() {
	local t=$1 a=$2 want=$3
	if ! attr_read "$t" "$a"; then
		bad "read $t/$a: $ATTR_ERRNO, expected '$want'"
		return 1
	fi
	if [ "$ATTR_VALUE" != "$want" ]; then
		bad "read $t/$a: '$ATTR_VALUE', expected '$want'"
		return 1
	fi
	pass "$t/$a reads '$want'"
}

# expect_write_value T A DATA VALUE: the write succeeds (every byte) and reads back VALUE.
expect_write_value() {
	expect_write "$1" "$2" "$3" && expect_value "$1" "$2" "$4"
}

_expect_dirop() {
	local op=$1 e=$2 p=$3 what
	what="$op $(_cfs_show "$p")"
	if cfs_try "$op" "$p"; then
		if [ "$e" = 0 ]; then pass "$what succeeds"; return 0; fi
		bad "$what: succeeded, expected $e"
		return 1
	fi
	if [ "$CFS_ERRNO" = "$e" ]; then pass "$what -> $e"; return 0; fi
	bad "$what: failed with $CFS_ERRNO, expected ${e/#0/success}"
	return 1
}
expect_mkdir() { _expect_dirop mkdir "$@"; }
expect_rmdir() { _expect_dirop rmdir "$@"; }

log_mark() { cfs_req logmark || fail "cannot read /dev/kmsg: $CFS_ERRNO"; }

log_count() { # log_count TEXT: number of records since log_mark containing TEXT
	cfs_req loggrep "$1" || fail "cannot read /dev/kmsg: $CFS_ERRNO"
	echo "$CFS_REPLY"
}

_log_has() {
	cfs_req loggrep "$1" || fail "cannot read /dev/kmsg: $CFS_ERRNO"
	[ "$CFS_REPLY" != 0 ]
}

expect_log() {
	if _log_has "$1"; then pass "kernel log: '$1'"; return 0; fi
	cfs_req logdump
	bad "no kernel log record containing '$1' since the mark; records since: '$CFS_REPLY'"
	return 1
}

expect_no_log() {
	if ! _log_has "$1"; then pass "kernel log: no '$1'"; return 0; fi
	bad "a kernel log record contains '$1'"
	return 1
}

# cfs_config NAME [DEV [REMOTE_IP [REMOTE_PORT [EXTENDED]]]]: configure a (disabled) target
# for the topology; fails the test if a write fails.
cfs_config() {
	local t=$1 dev=${2:-$SRCIF} rip=${3:-$DSTIP} rport=${4:-6666} ext=${5:-0} lip=$SRCIP
	case "$rip" in *:*) lip=$SRCIP6 ;; esac
	local a v
	for a in "dev_name=$dev" "remote_ip=$rip" "local_ip=$lip" "remote_port=$rport" \
		"remote_mac=$DSTMAC" "extended=$ext"; do
		v=${a#*=}
		attr_write "$t" "${a%%=*}" "$v" || fail "configuring $t: writing '$v' to ${a%%=*}: $ATTR_ERRNO"
	done
}

cfs_enable() { # cfs_enable NAME: write 1 to enabled; fails the test if that fails
	attr_write "$1" enabled 1 || fail "enabling $1 failed: $ATTR_ERRNO"
}

cfs_disable() {
	attr_write "$1" enabled 0 || fail "disabling $1 failed: $ATTR_ERRNO"
}

# ---- messages (with the topology's receivers) ----

# msg_expect FILE MARKER KIND [SUFFIX]: within 10 s a datagram containing MARKER arrives in
# FILE, exactly one does, and it equals what a KIND (basic|ext|ext-release) target sends for
# the kernel log record containing MARKER, followed by SUFFIX (byte notation: the userdata and
# sysdata lines an extended target appends). One check.
msg_expect() {
	local file=$1 marker=$2 kind=$3 suffix=${4:-} rel=
	case "$kind" in
	basic | ext) ;;
	ext-release) rel=${NC_KRELEASE:-$(uname -r)} ;;
	*) fail "msg_expect: unknown kind $kind" ;;
	esac
	if cfs_req msgexpect "$file" "$marker" "$kind" "$rel" "$suffix" 10; then
		pass "$(basename "$file"): exact $kind datagram for $marker${suffix:+ with '$suffix'}"
		return 0
	fi
	bad "$(basename "$file"): $kind datagram for $marker${suffix:+ with '$suffix'}: $CFS_ERRNO $CFS_REPLY"
	return 1
}

# msg_expect_re FILE MARKER KIND REGEX: as msg_expect, but what follows the record must match
# the (Python bytes) regular expression REGEX, given in byte notation (\n is a newline; \d and
# other escapes pass through). MSG_GROUPS = its groups, space separated.
msg_expect_re() {
	local file=$1 marker=$2 kind=$3 re=$4 rel=
	MSG_GROUPS=
	case "$kind" in
	basic | ext) ;;
	ext-release) rel=${NC_KRELEASE:-$(uname -r)} ;;
	*) fail "msg_expect_re: unknown kind $kind" ;;
	esac
	if cfs_req msgexpectre "$file" "$marker" "$kind" "$rel" "$re" 10; then
		MSG_GROUPS=$CFS_REPLY
		pass "$(basename "$file"): $kind datagram for $marker, then '$re'${MSG_GROUPS:+ ($MSG_GROUPS)}"
		return 0
	fi
	bad "$(basename "$file"): $kind datagram for $marker then '$re': $CFS_ERRNO $CFS_REPLY"
	return 1
}

# msg_wait FILE MARKER [COUNT [TIMEOUT]]: wait until COUNT (1) datagrams containing MARKER are
# in FILE (TIMEOUT 10 s); non-zero on timeout. No check counted. MSG_COUNT = the number seen.
msg_wait() {
	MSG_COUNT=0
	cfs_req msgwait "$1" "$2" "${3:-1}" "${4:-10}"
	local rc=$?
	MSG_COUNT=${CFS_REPLY%% *}
	return $rc
}

# msg_count FILE MARKER: MSG_COUNT = the number of datagrams in FILE containing MARKER now.
msg_count() { msg_wait "$1" "$2" 1000000 0; }

# msg_get FILE MARKER: MSG_DATA = the (last) datagram containing MARKER, in byte notation.
msg_get() {
	MSG_DATA=
	cfs_req msgget "$1" "$2" || return 1
	MSG_DATA=$CFS_REPLY
}

# msg_absent FILE MARKER [SECONDS]: after SECONDS (default 1) no datagram contains MARKER.
msg_absent() {
	sleep "${3:-1}"
	msg_count "$1" "$2"
	if [ "$MSG_COUNT" != 0 ]; then
		bad "$(basename "$1"): $MSG_COUNT datagram(s) for $2 arrived, expected none"
		return 1
	fi
	pass "$(basename "$1"): no datagram for $2"
}

# rust_only_note: say why a rust-only file fails on C (the checks describe newer behaviour).
rust_only_note() {
	if [ "${NETCONSOLE_IMPL:-rust}" = c ]; then
		info "NETCONSOLE_IMPL=c: this file checks behaviour newer than Linux 6.12; failures are expected"
	fi
}

cfs_finish() {
	echo "# $NC_CHECKS checks, $NC_FAILED failed"
	[ "$NC_FAILED" = 0 ] || fail "$NC_FAILED of $NC_CHECKS checks failed (the first: see the first FAIL line)"
	[ "$NC_CHECKS" -gt 0 ] || fail "no check ran"
}
