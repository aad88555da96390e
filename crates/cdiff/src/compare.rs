// SPDX-License-Identifier: GPL-2.0

//! One input through both implementations: each function panics, naming the input, if the
//! Rust port and the kernel's C code disagree, and otherwise tells what the input was (for the
//! callers' statistics). Used by `tests/cdiff.rs` and by the `cdiff` fuzz target (`fuzz/`).

use netconsole_pure::addr::{self, IpAddr};
use netconsole_pure::option::{self, Device, ParseError, TargetOptions};

use crate::c;

/// The input as text, for messages.
pub fn show(s: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(s))
}

/// `in4_pton`: result, address and `end`, with C given `srclen = len` (any bytes, NULs
/// included) and, if `s` has no NUL, `srclen = -1` too. Returns whether it parsed.
pub fn in4_pton(s: &[u8]) -> bool {
    let (rust, rust_end) = addr::in4_pton(s);
    for c_string_mode in [false, true] {
        if c_string_mode && s.contains(&0) {
            continue;
        }
        let (c_ok, c_addr, c_end) = c::in4_pton(s, c_string_mode);
        assert_eq!(
            (rust, rust_end),
            (c_ok.then_some(c_addr), c_end),
            "in4_pton({}) (C srclen {})",
            show(s),
            if c_string_mode { "-1" } else { "len" }
        );
    }
    rust.is_some()
}

/// `in6_pton`, as [`in4_pton`].
pub fn in6_pton(s: &[u8]) -> bool {
    let (rust, rust_end) = addr::in6_pton(s);
    for c_string_mode in [false, true] {
        if c_string_mode && s.contains(&0) {
            continue;
        }
        let (c_ok, c_addr, c_end) = c::in6_pton(s, c_string_mode);
        assert_eq!(
            (rust, rust_end),
            (c_ok.then_some(c_addr), c_end),
            "in6_pton({}) (C srclen {})",
            show(s),
            if c_string_mode { "-1" } else { "len" }
        );
    }
    rust.is_some()
}

/// `parse_ip` against `netpoll_parse_ip_addr`; returns what it parsed.
pub fn parse_ip(s: &[u8]) -> Option<IpAddr> {
    let rust = addr::parse_ip(s);
    let (c_rc, a) = c::parse_ip_addr(s);
    let c_res = match c_rc {
        -1 => None,
        0 => Some(IpAddr::V4([a[0], a[1], a[2], a[3]])),
        1 => Some(IpAddr::V6(a)),
        rc => panic!("netpoll_parse_ip_addr({}) returned {rc}", show(s)),
    };
    assert_eq!(rust, c_res, "parse_ip({})", show(s));
    rust
}

/// `parse_mac` against `mac_pton`; returns whether it parsed.
pub fn mac_pton(s: &[u8]) -> bool {
    let rust = addr::parse_mac(s);
    assert_eq!(rust, c::mac_pton(s), "mac_pton({})", show(s));
    rust.is_some()
}

/// `parse_u16` against `kstrtou16(s, 10, &res)`; returns whether it parsed.
pub fn kstrtou16(s: &[u8]) -> bool {
    let rust = addr::parse_u16(s).map_err(|e| e.to_errno());
    assert_eq!(rust, c::kstrtou16(s), "kstrtou16({})", show(s));
    rust.is_ok()
}

/// How a target string came out (the same on both sides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetOutcome {
    /// Parsed.
    Parsed,
    /// "Release feature requires extended log message".
    ReleaseError,
    /// "couldn't parse config at ...", with or without the whitespace warning first.
    ParseError {
        /// The whitespace warning came first.
        whitespace: bool,
    },
}

fn ip16(a: &IpAddr) -> [u8; 16] {
    let mut out = [0u8; 16];
    match a {
        IpAddr::V4(v4) => out[..4].copy_from_slice(v4),
        IpAddr::V6(v6) => out = *v6,
    }
    out
}

/// The fields C has, from Rust's result.
fn as_c(t: &TargetOptions) -> c::Target {
    let (dev_name, dev_mac) = match t.dev {
        Device::Name { .. } => (t.dev.name().unwrap_or_default().to_vec(), t.dev_mac),
        Device::Mac(m) => (Vec::new(), m),
    };
    c::Target {
        extended: t.extended,
        release: t.release,
        local_port: t.local_port,
        remote_port: t.remote_port,
        // C cannot tell "no local IP" from 0.0.0.0; Rust can: None is all zeros.
        local_ip: t.local_ip.as_ref().map(ip16).unwrap_or_default(),
        remote_ip: t.remote_ip.as_ref().map(ip16).unwrap_or_default(),
        ipv6: t.is_v6(),
        dev_name,
        dev_mac,
        remote_mac: t.remote_mac,
    }
}

/// `parse_target_with` against `alloc_param_target`'s prefix handling and
/// `netpoll_parse_options`, with `CONFIG_NETCONSOLE_EXTENDED_LOG` = `extended_default`:
/// every field on success; on failure the kind, the offset of the text C prints, that text
/// ([`ParseError::rest`]) and the whitespace warning.
pub fn target(s: &[u8], extended_default: bool) -> TargetOutcome {
    let base = TargetOptions {
        extended: extended_default,
        ..TargetOptions::default()
    };
    let rust = option::parse_target_with(s, base);
    let c_res = c::parse_target(s, extended_default);
    let what = || format!("target {} (extended default {extended_default})", show(s));
    match (&rust, &c_res) {
        (Ok(t), Ok(ct)) => {
            assert_eq!(&as_c(t), ct, "{}", what());
            TargetOutcome::Parsed
        }
        (Err(ParseError::ReleaseNeedsExtended), Err(c::TargetError::ReleaseNeedsExtended)) => {
            TargetOutcome::ReleaseError
        }
        (
            Err(e @ ParseError::At { offset }),
            Err(c::TargetError::At {
                offset: c_offset,
                text,
                whitespace,
            }),
        ) => {
            assert_eq!(offset, c_offset, "error offset, {}", what());
            assert_eq!(show(e.rest(s)), show(text), "error text, {}", what());
            assert_eq!(
                e.whitespace_warning(s),
                *whitespace,
                "whitespace warning, {}",
                what()
            );
            TargetOutcome::ParseError {
                whitespace: *whitespace,
            }
        }
        _ => panic!("{}: Rust {rust:?}, C {c_res:?}", what()),
    }
}

/// Every comparison on one input (the `cdiff` fuzz target).
pub fn all(s: &[u8]) {
    in4_pton(s);
    in6_pton(s);
    parse_ip(s);
    mac_pton(s);
    kstrtou16(s);
    target(s, false);
    target(s, true);
}
