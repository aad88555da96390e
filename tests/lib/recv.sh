# SPDX-License-Identifier: GPL-2.0
# Sourced by the receiver tests (tests/guest/recv_*.sh) after tests/lib/topology.sh: run
# netconsole-recv, the project's receiver (crates/recv), in the receiving namespace $NC_NS.
# The release binary is built on the host by scripts/build-recv.sh (tests/check.sh and
# `make demo` run it) into build/bin/, which the guest sees at the same path; NC_RECV_BIN
# overrides it.
#
#   recv_start NAME ARGS...   start netconsole-recv ARGS in $NC_NS, stdout to $NC_TMP/NAME.out,
#                             stderr to $NC_TMP/NAME.err; returns once it listens
#   recv_stop NAME            SIGTERM: it reads what is queued, reports partial messages,
#                             prints its summary and must exit 0
#   recv_wait NAME TEXT [N [TIMEOUT]]   wait until N (1) lines of NAME.out contain TEXT
#   recv_json NAME <<'PY'     run the Python checks on stdin against NAME.out parsed as JSON
#                             lines (see tests/lib/recv_json.py); fails the test if one fails
#   recv_show NAME            print what it wrote (stdout and stderr), indented

NC_RECV_BIN=${NC_RECV_BIN:-$(cd "$NC_LIB/../.." && pwd)/build/bin/netconsole-recv}
declare -A NC_RECV_PID=()

recv_start() {
	local name=$1 i
	shift
	[ -x "$NC_RECV_BIN" ] ||
		fail "no $NC_RECV_BIN: build it on the host first (scripts/build-recv.sh; make check does)"
	ip netns exec "$NC_NS" "$NC_RECV_BIN" "$@" >"$NC_TMP/$name.out" 2>"$NC_TMP/$name.err" &
	NC_RECV_PID[$name]=$!
	NC_RECV_PIDS+=($!)
	for i in $(seq 200); do
		grep -q 'listening on' "$NC_TMP/$name.err" && {
			info "netconsole-recv $*: $(grep -m1 'listening on' "$NC_TMP/$name.err")"
			return 0
		}
		kill -0 "${NC_RECV_PID[$name]}" 2>/dev/null ||
			fail "netconsole-recv $* exited: $(cat "$NC_TMP/$name.err")"
		sleep 0.05
	done
	fail "netconsole-recv $* did not start listening"
}

recv_stop() {
	local pid=${NC_RECV_PID[$1]} rc
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ $rc = 0 ] || fail "netconsole-recv ($1) exited with $rc after SIGTERM: $(tail -n 5 "$NC_TMP/$1.err")"
}

recv_wait() {
	local name=$1 text=$2 n=${3:-1} timeout=${4:-10} i
	for i in $(seq $((timeout * 10))); do
		[ "$(grep -c -F -- "$text" "$NC_TMP/$name.out")" -ge "$n" ] && return 0
		sleep 0.1
	done
	fail "netconsole-recv ($name) did not print $n line(s) with '$text' within ${timeout}s"
}

recv_json() {
	"$NC_PY" -S "$NC_LIB/recv_json.py" "$NC_TMP/$1.out" || {
		recv_show "$1"
		fail "netconsole-recv ($1): the checks of its JSON output failed"
	}
}

recv_show() {
	echo "-- netconsole-recv ($1) stdout:"
	sed 's/^/   /' "$NC_TMP/$1.out"
	echo "-- netconsole-recv ($1) stderr:"
	sed 's/^/   /' "$NC_TMP/$1.err"
}
