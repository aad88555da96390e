#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build what is missing, boot the test kernel under QEMU and show its kernel log
# arriving over UDP at a receiver in another network namespace of the guest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$NC_TOP"
make --no-print-directory module
NETCONSOLE_IMPL=${NETCONSOLE_IMPL:-rust} exec tests/vm/run --timeout 180 tests/demo/guest.sh
