// SPDX-License-Identifier: GPL-2.0
//! Helpers shared by netconsole-rs's host tests and fuzz targets (never by the module).

pub mod oracle;
pub mod rng;

pub use rng::Rng;
