// SPDX-License-Identifier: GPL-2.0
//! Fuzz target `frame`: see `netconsole_fuzz::frame`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netconsole_fuzz::frame::check(data));
