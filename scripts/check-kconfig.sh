#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Kconfig works when the sources are dropped into a kernel tree as it says: in a symlink
# copy of the test kernel's source tree (real directories down to drivers/net/) with
# drivers/net/netconsole-rs/ and the two lines added, olddefconfig from the test kernel's
# .config gives
#   NETCONSOLE=n, NETCONSOLE_RUST=m  ->  NETCONSOLE_RUST=m, NETPOLL=y (selected)
#   NETCONSOLE=m, NETCONSOLE_RUST=m  ->  NETCONSOLE_RUST off (one module name netconsole)
#   CONFIGFS_FS=m, NETCONSOLE_RUST=y ->  NETCONSOLE_RUST=m (configfs is needed at load)
# The module itself is not built in tree here (that needs a full kernel build; out of tree
# it is built by every make check). Not in make check: four olddefconfig runs with their
# toolchain probes take about a minute alone, several under load. By hand:
#   bash scripts/check-kconfig.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$NC_TOP/scripts/toolchain.sh"
fail() { echo "FAIL: $*"; exit 1; }

kdir=${NC_KDIR:-$(bash "$NC_TOP/scripts/build-kernel.sh")} || fail "no test kernel"
src=$(readlink -f "$kdir/source")
[ -f "$src/drivers/net/Kconfig" ] || fail "no kernel source tree at $kdir/source"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nc-kconfig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# link_dir SRC DST: DST is a new directory of symlinks to SRC's entries.
link_dir() {
	local e
	mkdir "$2" || return 1
	for e in "$1"/* "$1"/.[!.]*; do
		[ -e "$e" ] || continue
		ln -s "$e" "$2/" || return 1
	done
}
# Real directories down to drivers/net, symlinks for everything else.
tree=$tmp/linux
link_dir "$src" "$tree" && rm "$tree/drivers" && link_dir "$src/drivers" "$tree/drivers" &&
	rm "$tree/drivers/net" && link_dir "$src/drivers/net" "$tree/drivers/net" ||
	fail "cannot make a symlink copy of $src"
for f in Kconfig Makefile; do
	rm "$tree/drivers/net/$f" && cp "$src/drivers/net/$f" "$tree/drivers/net/$f" || fail "copying $f"
done
mkdir "$tree/drivers/net/netconsole-rs"
cp "$NC_TOP/Kconfig" "$NC_TOP/Kbuild" "$NC_TOP/netconsole.lds" "$tree/drivers/net/netconsole-rs/"
# The two lines the Kconfig's header asks for.
sed -i '/^config NETPOLL$/i source "drivers/net/netconsole-rs/Kconfig"\n' "$tree/drivers/net/Kconfig"
echo 'obj-$(CONFIG_NETCONSOLE_RUST) += netconsole-rs/' >>"$tree/drivers/net/Makefile"
grep -q netconsole-rs "$tree/drivers/net/Kconfig" || fail "could not add the source line"

out=$tmp/out
mkdir "$out"
# olddefconfig SETTINGS...: the test kernel's .config with SETTINGS (scripts/config options).
olddefconfig() {
	cp "$kdir/.config" "$out/.config"
	"$src/scripts/config" --file "$out/.config" "$@"
	# shellcheck disable=SC2086
	make -C "$tree" O="$out" $NC_KMAKE_FLAGS olddefconfig >"$tmp/make.log" 2>&1 ||
		{ tail -n 20 "$tmp/make.log"; fail "olddefconfig failed"; }
}
# expect OPTION VALUE: the resulting .config has CONFIG_OPTION=VALUE ("n": not set).
expect() {
	local got
	got=$(sed -n "s/^CONFIG_$1=//p" "$out/.config")
	[ "${got:-n}" = "$2" ] || fail "$3: CONFIG_$1 is '${got:-n}', expected $2"
	echo "ok - $3: CONFIG_$1=$2"
}

olddefconfig -d NETCONSOLE -m NETCONSOLE_RUST
expect NETCONSOLE_RUST m "alone"
expect NETPOLL y "alone"
expect NETCONSOLE n "alone"
olddefconfig -m NETCONSOLE -m NETCONSOLE_RUST
expect NETCONSOLE_RUST n "with the C netconsole"
olddefconfig -d NETCONSOLE -m CONFIGFS_FS -e NETCONSOLE_RUST
expect NETCONSOLE_RUST m "with configfs as a module"

