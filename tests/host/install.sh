#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make install` against the project's kernel ($NC_KDIR, else scripts/build-kernel.sh) into a
# temporary INSTALL_MOD_PATH: netconsole.ko lands in lib/modules/<release>/updates/, is built
# for that release, and depmod has indexed it so that modprobe finds it there.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
fail() { echo "FAIL: $*"; exit 1; }

kdir=${NC_KDIR:-$(bash "$NC_TOP/scripts/build-kernel.sh")} || fail "no test kernel"
krel=$(cat "$kdir/include/config/kernel.release") || fail "no kernel release in $kdir"
root=$(mktemp -d "${TMPDIR:-/tmp}/nc-install.XXXXXX")
trap 'rm -rf "$root"' EXIT

make -C "$NC_TOP" --no-print-directory install KDIR="$kdir" INSTALL_MOD_PATH="$root" ||
	fail "make install KDIR=$kdir INSTALL_MOD_PATH=$root failed"
ko=$root/lib/modules/$krel/updates/netconsole.ko
[ -f "$ko" ] || fail "no $ko; installed: $(cd "$root" && find . -name '*.ko*')"
echo "# installed $ko"
[ "$(modinfo -F name "$ko")" = netconsole ] || fail "$ko is not the module netconsole"
case "$(modinfo -F vermagic "$ko")" in
"$krel "*) ;;
*) fail "vermagic '$(modinfo -F vermagic "$ko")' is not for $krel" ;;
esac
grep -q '^updates/netconsole.ko:' "$root/lib/modules/$krel/modules.dep" ||
	fail "depmod did not index updates/netconsole.ko"
found=$(modprobe -d "$root" -S "$krel" --show-depends netconsole 2>&1) ||
	fail "modprobe cannot resolve netconsole in $root: $found"
case "$found" in
*"/lib/modules/$krel/updates/netconsole.ko"*) echo "# modprobe resolves: $found" ;;
*) fail "modprobe resolves netconsole to '$found'" ;;
esac
