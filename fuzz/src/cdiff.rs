// SPDX-License-Identifier: GPL-2.0

//! Target `cdiff` (feature `cdiff`): differential fuzzing against the kernel's own C code.
//!
//! Input: any bytes, taken as the text of an address, a MAC, a port and a whole target. Each
//! goes through the Rust port and the C function copied from Linux 6.12 by `crates/cdiff`
//! (`in4_pton`, `in6_pton`, `netpoll_parse_ip_addr`, `mac_pton`, `kstrtou16`,
//! `netpoll_parse_options` with the `+`/`r` prefix, with and without the extended default),
//! and every result, `end` offset, parsed field, error offset, error text and whitespace
//! warning must agree (see `netconsole_cdiff::compare`).

/// Run every comparison on `data`.
pub fn check(data: &[u8]) {
    netconsole_cdiff::compare::all(data);
}
