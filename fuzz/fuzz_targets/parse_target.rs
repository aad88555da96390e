// SPDX-License-Identifier: GPL-2.0
//! Fuzz target `parse_target`: see `netconsole_fuzz::parse_target`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netconsole_fuzz::parse_target::check(data));
