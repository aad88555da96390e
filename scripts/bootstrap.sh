#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing netconsole-rs needs, only what is missing (idempotent).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Debian packages: the Rust-capable kernel toolchain, the kernel sources, QEMU and guest tools.
PKGS=(rustc-web rust-web-src rust-web-clippy rustfmt-web linux-source-6.12
      libclang-dev clang lld llvm flex bison bc libelf-dev libssl-dev cpio kmod
      qemu-system-x86 busybox-static socat iproute2 udev procps ethtool python3
      dkms gcc gnuplot-nox)
BINDGEN_VERSION=0.69.5

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	step apt-update apt-get update
	step apt-install env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${missing[@]}"
else
	say "Debian packages: all present"
fi

# bindgen: Debian's is too old for the kernel; the pinned version works with libclang 14.
BINDGEN=${BINDGEN:-$HOME/.cargo/bin/bindgen}
if ! "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	step bindgen-install cargo install --locked --version "$BINDGEN_VERSION" bindgen-cli
else
	say "bindgen $BINDGEN_VERSION: present"
fi
