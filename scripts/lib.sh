# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the project's scripts: quiet long steps with progress and a log file.

# Repository root and build output directory.
NC_TOP=${NC_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NC_BUILD=${NC_BUILD:-$NC_TOP/build}
NC_LOGS=${NC_LOGS:-$NC_BUILD/logs}
mkdir -p "$NC_LOGS"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# step NAME CMD...: run CMD with all output in $NC_LOGS/NAME.log, printing one progress line
# every 15 s (elapsed time, log lines, last line). On failure the log's tail and path are shown.
step() {
	local name=$1; shift
	local log="$NC_LOGS/$name.log" start=$SECONDS rc
	say "$name (log: $log)"
	"$@" >"$log" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		local i
		for i in $(seq 15); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
		if kill -0 "$pid" 2>/dev/null; then
			printf '    %s: %ds, %d lines, last: %.90s\n' "$name" $((SECONDS - start)) \
				"$(wc -l <"$log")" "$(tail -n 1 "$log" | tr -d '\r')" >&2
		fi
	done
	wait "$pid"; rc=$?
	if [ $rc -ne 0 ]; then
		printf 'error: %s failed (exit %d) after %ds; last lines of %s:\n' "$name" $rc \
			$((SECONDS - start)) "$log" >&2
		tail -n 40 "$log" | sed 's/^/    /' >&2
		printf 'full log: %s\n' "$log" >&2
		return $rc
	fi
	say "$name done in $((SECONDS - start))s"
}
