// SPDX-License-Identifier: GPL-2.0
//! The wrapper layer: every `unsafe` of the module lives below this module.
//!
//! Each file wraps one kind of kernel object (netpoll, console, lock, parameters) behind a safe
//! interface with its invariants documented; the netconsole logic above it is safe Rust.

pub(crate) mod bindings;
pub(crate) mod configfs;
pub(crate) mod console;
pub(crate) mod errno;
pub(crate) mod netpoll;
pub(crate) mod notifier;
pub(crate) mod params;
pub(crate) mod spinlock_irq;
pub(crate) mod workqueue;
