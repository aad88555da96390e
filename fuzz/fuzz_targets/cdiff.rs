// SPDX-License-Identifier: GPL-2.0
//! Fuzz target `cdiff`: see `netconsole_fuzz::cdiff`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netconsole_fuzz::cdiff::check(data));
