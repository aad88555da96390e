#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the project's test kernel (Linux 6.12 from Debian's linux-source-6.12, tinyconfig plus
# kernel/<flavour>.config) into a cache directory keyed by the build's inputs, and print the
# build directory (a valid KDIR) on stdout. An up-to-date build is reused as it is.
#
# Usage: build-kernel.sh [flavour]     (or NC_KFLAVOUR=flavour)
#   test (default)  GCC, kernel/test.config
#   debug           the sanitizer kernel: LLVM=1 (clang, lld, llvm from Debian), kernel/test.config
#                   with kernel/debug.config merged on top (KASAN, kmemleak, failslab, PROVE_RCU)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/toolchain.sh"

flavour=${1:-${NC_KFLAVOUR:-test}}
case "$flavour" in
debug) fragments=("$NC_TOP/kernel/test.config" "$NC_TOP/kernel/debug.config")
	NC_KMAKE_FLAGS="$NC_KMAKE_FLAGS LLVM=1" ;;
*) fragments=("$NC_TOP/kernel/$flavour.config") ;;
esac
for fragment in "${fragments[@]}"; do
	[ -f "$fragment" ] || die "no kernel fragment $fragment"
done
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "$tarball missing: run scripts/bootstrap.sh"

# Everything that changes the result goes into the key. Bump NC_KERNEL_RECIPE when a change
# to this script changes what it builds.
NC_KERNEL_RECIPE=1
# (The default flavour's key is computed exactly as before the debug flavour existed.)
key=$( { echo "recipe $NC_KERNEL_RECIPE"; cat "${fragments[@]}";
	dpkg-query -W linux-source-6.12 rustc-web $([ "$flavour" = debug ] && echo clang lld llvm);
	"$BINDGEN" --version; echo "$NC_KMAKE_FLAGS"; } | sha256sum | cut -c1-16)
src=$NC_KCACHE/src/linux-source-6.12
out=$NC_KCACHE/$flavour-$key

# One build at a time per cache (clones on one machine share it).
mkdir -p "$NC_KCACHE"
exec 9>"$NC_KCACHE/.lock-$flavour"
flock 9

if [ -f "$out/.nc-built" ]; then
	say "kernel ($flavour): up to date in $out"
	echo "$out"; exit 0
fi

if [ ! -f "$src/.nc-unpacked" ] || [ "$tarball" -nt "$src/.nc-unpacked" ]; then
	rm -rf "$src"; mkdir -p "$NC_KCACHE/src"
	step kernel-unpack tar -C "$NC_KCACHE/src" -xf "$tarball"
	touch "$src/.nc-unpacked"
fi

mkdir -p "$out"

kmake() { make -C "$src" O="$out" $NC_KMAKE_FLAGS "$@"; }
configure() {
	kmake tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}"
	kmake olddefconfig
}
step "kernel-config-$flavour" configure

# Every option of the fragment must have survived dependency resolution.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qx "$line" "$out/.config" ;;
	"# CONFIG_"*" is not set") ! grep -q "^${line:2:-11}=" "$out/.config" ;;
	*) continue ;;
	esac || { echo "  wanted '$line', got: $(grep "${line//[# ]/}" "$out/.config" || echo unset)" >&2; bad=1; }
done < <(cat "${fragments[@]}")
[ $bad = 0 ] || die "kernel config: options of ${fragments[*]} were dropped (see above)"

kmake rustavailable >"$NC_LOGS/rustavailable.log" 2>&1 ||
	die "Rust is not available to the kernel build; see $NC_LOGS/rustavailable.log"

step "kernel-build-$flavour" kmake -j"$(( $(nproc) + 1 ))" bzImage modules
touch "$out/.nc-built"
# Older builds of this flavour are stale now (kept until this one succeeded).
for old in "$NC_KCACHE/$flavour"-*; do
	[ -d "$old" ] && [ "$old" != "$out" ] && rm -rf "$old"
done
echo "$out"
