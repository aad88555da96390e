# SPDX-License-Identifier: GPL-2.0
# Sourced by in-guest tests that check for leaks: kmemleak (CONFIG_DEBUG_KMEMLEAK, the debug
# kernel flavour; the default test kernel has none and these helpers then say so and pass).
# The kernel does not scan on its own (DEBUG_KMEMLEAK_AUTO_SCAN is off): a test scans.
#
#   kml_start    once per boot (several tests may run in one, tests/vm/suite.sh): forget what
#                is reported so far (boot-time objects): scan, then clear
#   kml_check    after the objects of the test have aged (kmemleak reports only objects older
#                than 5 s), scan twice and read the report: non-zero if anything leaked; the
#                report is printed and copied into the kernel log ("unreferenced object"
#                lines, which the runner's splat scan also catches), then cleared (a leak is
#                reported once)

KML=/sys/kernel/debug/kmemleak

kml_available() { [ -w "$KML" ]; }

kml_start() {
	kml_available || return 0
	[ -e /run/nc-kmemleak-started ] && return 0
	echo scan >"$KML" 2>/dev/null
	echo clear >"$KML"
	: >/run/nc-kmemleak-started
}

kml_check() {
	local report line n=0
	if ! kml_available; then
		echo "# kmemleak: not in this kernel (the debug flavour has it); no leak scan"
		return 0
	fi
	sleep 6
	echo scan >"$KML" || { echo "# kmemleak: scan failed (disabled after an error?)"; return 1; }
	echo scan >"$KML"
	report=$(cat "$KML")
	if [ -z "$report" ]; then
		echo "# kmemleak: scan found no leak"
		return 0
	fi
	echo "# kmemleak report:"
	echo "$report" | head -n 200 | sed 's/^/#   /'
	while IFS= read -r line; do
		echo "nc-kmemleak: $line" >/dev/kmsg
		n=$((n + 1))
		[ $n -lt 100 ] || break
	done <<<"$report"
	echo clear >"$KML"
	return 1
}
