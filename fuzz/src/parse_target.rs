// SPDX-License-Identifier: GPL-2.0

//! Target `parse_target`: the `netconsole=` grammar.
//!
//! Input: the raw bytes of a `netconsole=` parameter (or one target of it). Checked:
//! - `split_targets` gives the pieces between `;` of the C string, none for an empty one;
//! - `parse_target` (C defaults) and `parse_target_with` (extended preset) never panic;
//! - a parsed target is sane: remote IP set, local IP of the same family, device name of at
//!   most 15 bytes with no NUL, `release` only with `extended`, `dev_mac` consistent with the
//!   device field;
//! - an error points inside the string, and its `rest`/`whitespace_warning` do not panic;
//! - printing a parsed target back as `netconsole=` text and parsing that gives it again.

use netconsole_pure::addr::{format_ip, format_mac, IpAddr, BROADCAST_MAC, MAX_IP_STR_LEN};
use netconsole_pure::option::{
    parse_target, parse_target_with, split_targets, Device, ParseError, TargetOptions, IFNAMSIZ,
};

use crate::c_string;

/// Run every check on `data`.
pub fn check(data: &[u8]) {
    check_split(data);
    let extended = TargetOptions {
        extended: true,
        ..TargetOptions::default()
    };
    for base in [TargetOptions::default(), extended] {
        match parse_target_with(data, base) {
            Ok(t) => {
                check_target(data, &base, &t);
                check_reparse(&base, &t);
            }
            Err(e) => check_error(data, &base, e),
        }
    }
    // `parse_target` is `parse_target_with` the defaults.
    assert_eq!(
        parse_target(data),
        parse_target_with(data, TargetOptions::default())
    );
}

fn check_split(data: &[u8]) {
    let s = c_string(data);
    let pieces: Vec<&[u8]> = split_targets(data).collect();
    if s.is_empty() {
        assert!(pieces.is_empty(), "an empty parameter has no targets");
        return;
    }
    assert_eq!(
        pieces.len(),
        s.iter().filter(|&&b| b == b';').count() + 1,
        "one target per ';' plus one"
    );
    assert_eq!(
        pieces.join(&b';'),
        s,
        "the pieces joined by ';' are the parameter"
    );
    for p in &pieces {
        assert!(!p.contains(&b';') && !p.contains(&0));
    }
}

fn check_target(data: &[u8], base: &TargetOptions, t: &TargetOptions) {
    let s = c_string(data);
    let remote = t.remote_ip.expect("a parsed target has a remote IP");
    if let Some(local) = t.local_ip {
        assert_eq!(
            local.is_v6(),
            remote.is_v6(),
            "local and remote IP families differ"
        );
    }
    assert_eq!(t.is_v6(), remote.is_v6());
    assert!(!t.release || t.extended, "release without extended");
    assert_eq!(t.extended, base.extended || s.first() == Some(&b'+'));
    match t.dev {
        Device::Name { buf, len } => {
            assert!(len < IFNAMSIZ, "device name longer than 15 bytes");
            let name = t.dev.name().expect("named device");
            assert_eq!(name.len(), len);
            assert!(!name.is_empty() && !name.contains(&0) && !name.contains(&b':'));
            assert!(
                buf[len..].iter().all(|&b| b == 0),
                "name buffer not NUL-padded"
            );
            assert!(t.dev.mac().is_none());
            // Omitted device field: `eth0` and a zero dev_mac; given: broadcast.
            assert!(t.dev_mac == BROADCAST_MAC || (t.dev_mac == [0; 6] && name == b"eth0"));
            if t.dev_mac != [0; 6] {
                assert!(
                    s.windows(name.len()).any(|w| w == name),
                    "name not from the input"
                );
            }
        }
        Device::Mac(m) => {
            assert!(t.dev.name().is_none());
            assert_eq!(t.dev_mac, m);
        }
    }
}

fn check_error(data: &[u8], base: &TargetOptions, e: ParseError) {
    let s = c_string(data);
    match e {
        ParseError::ReleaseNeedsExtended => {
            assert!(!base.extended);
            assert_eq!(
                s.first(),
                Some(&b'r'),
                "release error without a leading 'r'"
            );
        }
        ParseError::At { offset } => {
            assert!(offset <= s.len(), "error offset {offset} past the string");
            let rest = e.rest(data);
            assert!(rest.len() <= s.len() - offset);
            assert_eq!(
                rest,
                &s[offset..offset + rest.len()],
                "rest is not the text at offset"
            );
            let _ = e.whitespace_warning(data);
        }
    }
}

fn ip_text(a: &IpAddr) -> Vec<u8> {
    let mut buf = [0u8; MAX_IP_STR_LEN];
    let n = format_ip(a, &mut buf);
    buf[..n].to_vec()
}

/// Print `t` as `netconsole=` text: every field given, except those left at their default in a
/// way text cannot express (an omitted device keeps `dev_mac` zero).
fn unparse(t: &TargetOptions) -> Vec<u8> {
    let mut s = Vec::new();
    if t.extended {
        s.push(b'+');
    }
    if t.release {
        s.push(b'r');
    }
    s.extend_from_slice(t.local_port.to_string().as_bytes());
    s.push(b'@');
    if let Some(ip) = &t.local_ip {
        s.extend(ip_text(ip));
    }
    s.push(b'/');
    if t.dev_mac != [0; 6] {
        match t.dev {
            Device::Name { .. } => s.extend_from_slice(t.dev.name().unwrap_or_default()),
            Device::Mac(m) => {
                let mut buf = [0u8; 17];
                let n = format_mac(&m, &mut buf);
                s.extend_from_slice(&buf[..n]);
            }
        }
    }
    s.push(b',');
    s.extend_from_slice(t.remote_port.to_string().as_bytes());
    s.push(b'@');
    s.extend(ip_text(&t.remote_ip.expect("remote IP")));
    s.push(b'/');
    let mut buf = [0u8; 17];
    let n = format_mac(&t.remote_mac, &mut buf);
    s.extend_from_slice(&buf[..n]);
    s
}

fn check_reparse(base: &TargetOptions, t: &TargetOptions) {
    let text = unparse(t);
    let again = parse_target_with(&text, *base);
    assert_eq!(
        again.as_ref(),
        Ok(t),
        "re-parsing {:?} changed the target",
        String::from_utf8_lossy(&text)
    );
}
