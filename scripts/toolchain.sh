# SPDX-License-Identifier: GPL-2.0
# The toolchain the kernel and the module are built with (sourced by the other scripts).

# Debian's rustc-web matches rust-web-src; the rustup rustc earlier in PATH has no rust-src.
RUSTC=${RUSTC:-/usr/bin/rustc}
RUST_LIB_SRC=${RUST_LIB_SRC:-$(ls -d /usr/src/rustc-*/library 2>/dev/null | sort -V | tail -n 1)}
BINDGEN=${BINDGEN:-$HOME/.cargo/bin/bindgen}
export RUST_LIB_SRC
# Cache of unpacked sources and kernel builds, shared by clones on the same machine.
NC_KCACHE=${NC_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netconsole-rs}
NC_KMAKE_FLAGS="RUSTC=$RUSTC BINDGEN=$BINDGEN"
[ -x /usr/bin/rustfmt ] && NC_KMAKE_FLAGS="$NC_KMAKE_FLAGS RUSTFMT=/usr/bin/rustfmt"
[ -x /usr/bin/clippy-driver ] && NC_CLIPPY_DRIVER=/usr/bin/clippy-driver
