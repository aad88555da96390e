#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run several guest tests in one boot (tests/vm/run tests/vm/suite.sh NAME...): the sanitizer
# kernel takes a minute or more to boot under TCG, so tests/check-debug.sh boots it once.
# Each tests/guest/NAME.sh runs as its own process, one after the other, and prints its own
# output; the suite prints one result line per test ("nc-suite: ok|not ok|skip NAME [reason]",
# in the order they ran), then scans for leaks once more after the last one (kmemleak, where
# the kernel has it: "nc-suite: ok|not ok kmemleak"). The kernel log gets a marker line
# before each test so that a splat can be told apart. Exit status: 0 if every test passed or
# skipped, else 1.
. "$(dirname "$0")/../lib/kmemleak.sh"

dir=$(cd "$(dirname "$0")/../guest" && pwd)
rc=0
results=()
kml_start
for name in "$@"; do
	t=$dir/$name.sh
	echo "nc-suite: begin $name" >/dev/kmsg
	echo "# ---- $name ----"
	if [ ! -x "$t" ]; then
		results+=("nc-suite: not ok $name no such test: $t")
		rc=1
		continue
	fi
	start=$EPOCHSECONDS
	bash "$t"
	st=$?
	took="$((EPOCHSECONDS - start))s"
	echo "nc-suite: end $name ($st)" >/dev/kmsg
	case $st in
	0) results+=("nc-suite: ok $name ($took)") ;;
	4) results+=("nc-suite: skip $name ($took)") ;;
	*) results+=("nc-suite: not ok $name exit $st ($took)"); rc=1 ;;
	esac
done
echo "# ---- kmemleak ----"
if kml_check; then
	results+=("nc-suite: ok kmemleak")
else
	results+=("nc-suite: not ok kmemleak leaks reported")
	rc=1
fi
printf '%s\n' "${results[@]}"
exit $rc
