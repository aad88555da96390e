// SPDX-License-Identifier: GPL-2.0

//! Host build of netconsole-rs's pure logic (`src/pure`), for tests and fuzzing.
//!
//! The kernel module compiles the same files as its `pure` module; nothing here may differ
//! from what the kernel runs, so this file only includes them.

#![no_std]
#![forbid(unsafe_code)]
// The send path must not panic: make clippy prove the obvious cases.
#![deny(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]

#[path = "../../src/pure/mod.rs"]
mod pure;

pub use pure::*;
