// SPDX-License-Identifier: GPL-2.0
//! Bindings generated at build time from `rust-bindings/bindings.h` (see `Kbuild`).
//!
//! Only the items the kernel crate lacks are generated; every other C type they mention is the
//! kernel crate's own (`kernel::bindings`), so there is one Rust type per C type.

#![allow(
    dead_code,
    improper_ctypes,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]

// Re-exported so that the wrappers find every C item under one path.
#[allow(unused_imports)]
pub(crate) use kernel::{bindings::*, ffi};

include!("../../rust-bindings/bindings_generated.rs");
