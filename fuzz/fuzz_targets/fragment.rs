// SPDX-License-Identifier: GPL-2.0
//! Fuzz target `fragment`: see `netconsole_fuzz::fragment`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netconsole_fuzz::fragment::check(data));
