#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dkms.conf works: `dkms add` and `dkms build` of a copy of the sources for the project's
# kernel tree ($NC_KDIR, else scripts/build-kernel.sh, via --kernelsourcedir), with the DKMS
# tree, source tree and install tree in a temporary directory so that the host's DKMS state is
# not touched, and signing off (no key is generated). The built netconsole.ko must be the
# module netconsole for that release. Skips when dkms is not installed (scripts/bootstrap.sh
# installs Debian's).
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
fail() { echo "FAIL: $*"; exit 1; }

command -v dkms >/dev/null || { echo "SKIP: dkms is not installed"; exit 4; }
kdir=${NC_KDIR:-$(bash "$NC_TOP/scripts/build-kernel.sh")} || fail "no test kernel"
krel=$(cat "$kdir/include/config/kernel.release") || fail "no kernel release in $kdir"
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$NC_TOP/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$NC_TOP/dkms.conf")
[ -n "$name" ] && [ -n "$version" ] || fail "dkms.conf has no PACKAGE_NAME/PACKAGE_VERSION"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nc-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The sources as a release tarball would have them: the files git tracks, as they are now.
src=$tmp/src/$name-$version
mkdir -p "$src" "$tmp/dkms" "$tmp/install"
git -C "$NC_TOP" ls-files -z | (cd "$NC_TOP" && xargs -0 cp --parents -t "$src") ||
	fail "copying the sources failed"

# dkms reads these from the environment: no signing, and no key generated on the host.
export sign_file=$tmp/no-sign-file mok_signing_key=$tmp/no-key mok_certificate=$tmp/no-cert
opts=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/install")
dkms add -m "$name" -v "$version" "${opts[@]}" || fail "dkms add failed"
if ! dkms build -m "$name" -v "$version" -k "$krel" --kernelsourcedir "$kdir" "${opts[@]}"; then
	cat "$tmp/dkms/$name/$version/build/make.log" 2>/dev/null | tail -n 40
	fail "dkms build failed"
fi
ko=$tmp/dkms/$name/$version/$krel/$(uname -m)/module/netconsole.ko
[ -f "$ko" ] || fail "no $ko; built: $(cd "$tmp/dkms" && find . -name '*.ko*')"
[ "$(modinfo -F name "$ko")" = netconsole ] || fail "$ko is not the module netconsole"
case "$(modinfo -F vermagic "$ko")" in
"$krel "*) echo "# dkms built $ko for $krel" ;;
*) fail "vermagic '$(modinfo -F vermagic "$ko")' is not for $krel" ;;
esac
dkms status -m "$name" "${opts[@]}"
