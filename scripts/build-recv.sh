#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the release netconsole-recv and copy it to $NC_BUILD/bin/netconsole-recv, inside the
# repository, which the QEMU guests see at the same path (wherever cargo's target directory
# is). Prints the binary's path.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$NC_TOP"
step recv-build cargo build --release -p netconsole-recv --message-format=json-render-diagnostics >&2 ||
	die "building netconsole-recv failed"
bin=$(/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and \
            m["target"]["name"] == "netconsole-recv":
        print(m["executable"])
' "$NC_LOGS/recv-build.log")
[ -n "$bin" ] && [ -x "$bin" ] || die "cargo did not report the netconsole-recv binary"
mkdir -p "$NC_BUILD/bin"
cp "$bin" "$NC_BUILD/bin/netconsole-recv.tmp"
mv "$NC_BUILD/bin/netconsole-recv.tmp" "$NC_BUILD/bin/netconsole-recv"
echo "$NC_BUILD/bin/netconsole-recv"
