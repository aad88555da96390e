#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build what is missing, boot the test kernel under QEMU and show its kernel log
# arriving over UDP at netconsole-recv, the project's receiver, in another network namespace
# of the guest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$NC_TOP"
make --no-print-directory module
bash scripts/build-recv.sh >/dev/null
# netconsole-recv colours its output when the person watching has a terminal.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then NC_DEMO_COLOR=always; else NC_DEMO_COLOR=never; fi
export NC_DEMO_COLOR
NETCONSOLE_IMPL=${NETCONSOLE_IMPL:-rust} exec tests/vm/run --timeout 180 tests/demo/guest.sh
