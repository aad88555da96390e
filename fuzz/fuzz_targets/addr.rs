// SPDX-License-Identifier: GPL-2.0
//! Fuzz target `addr`: see `netconsole_fuzz::addr`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netconsole_fuzz::addr::check(data));
