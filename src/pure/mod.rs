// SPDX-License-Identifier: GPL-2.0

//! The pure logic of netconsole: parsing, formatting, fragmentation and frame building.
//!
//! Plain `core`-only Rust with no allocation, no `unsafe` and no panicking paths. The kernel
//! module includes these files as its `pure` module; the host crate `netconsole-pure`
//! (`crates/pure`) includes the very same files so `cargo test` and fuzzers can run them.
//!
//! - [`addr`]: IP/MAC/port parsing and printing (`in4_pton`, `in6_pton`, `mac_pton`,
//!   `kstrtou16`, `%pI4`, `%pI6c`, `%pM`).
//! - [`option`]: the `netconsole=` parameter (`netpoll_parse_options`, `alloc_param_target`).
//! - [`frame`]: Ethernet/IP/UDP headers and checksums (`netpoll_send_udp`).
//! - [`msg`]: basic chunks and extended-message fragments (`write_msg`, `send_ext_msg_udp`).
//! - [`attr`]: what a configfs attribute write means.
//! - [`userdata`]: the userdata lines of extended messages.
//! - [`ratelimit`]: a target's token bucket.

pub mod addr;
pub mod attr;
pub mod frame;
pub mod msg;
pub mod option;
pub mod ratelimit;
pub mod userdata;
