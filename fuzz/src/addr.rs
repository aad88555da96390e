// SPDX-License-Identifier: GPL-2.0

//! Target `addr`: IP, MAC and port parsing and printing.
//!
//! Input: `[selector][20 bytes of binary addresses][text...]`. The text goes through
//! `parse_ip`, `parse_mac`, `parse_u16`, `in4_pton` and `in6_pton` (no panics, `end` inside the
//! text); what parses is printed and parsed again. The binary addresses are printed and parsed
//! back (`format_ip`/`parse_ip` and `format_mac`/`parse_mac` round trips), and the selector
//! picks a short output buffer to check that printing into it gives a prefix.
//! `parse_u16` is compared with [`kstrtou16_ref`], written from `lib/kstrtox.c`.

use netconsole_pure::addr::{
    format_ip, format_mac, in4_pton, in6_pton, parse_ip, parse_mac, parse_u16, Errno, IpAddr,
    MAC_ADDR_STR_LEN, MAX_IP_STR_LEN,
};

use crate::{c_string, Reader};

/// Run every check on `data`.
pub fn check(data: &[u8]) {
    let mut r = Reader::new(data);
    let selector = r.u8();
    let v6: [u8; 16] = r.bytes();
    let v4: [u8; 4] = r.bytes();
    let text = r.rest();

    // Text parsers.
    check_parse_ip(text);
    check_parse_mac(text);
    assert_eq!(
        parse_u16(text),
        kstrtou16_ref(text),
        "parse_u16({:?})",
        String::from_utf8_lossy(text)
    );
    let (a4, end4) = in4_pton(text);
    assert!(end4 <= text.len(), "in4_pton end past the text");
    if let Some(a) = a4 {
        assert_eq!(parse_ip(&text[..end4]), Some(IpAddr::V4(a)));
    }
    let (a6, end6) = in6_pton(text);
    assert!(end6 <= text.len(), "in6_pton end past the text");
    if let Some(a) = a6 {
        // What in6_pton accepted up to `end` is an address on its own.
        assert_eq!(parse_ip(&text[..end6]).map(to_v6), Some(a));
    }

    // Binary round trips.
    let cut = usize::from(selector) % (MAX_IP_STR_LEN + 1);
    for a in [IpAddr::V4(v4), IpAddr::V6(v6)] {
        let s = ip_text(&a);
        assert_eq!(
            parse_ip(&s),
            Some(a),
            "{a:?} printed as {:?}",
            String::from_utf8_lossy(&s)
        );
        // Printing into a short buffer gives a prefix of the full text.
        let mut short = vec![0u8; cut];
        let n = format_ip(&a, &mut short);
        assert_eq!(n, s.len().min(cut));
        assert_eq!(&short[..n], &s[..n]);
    }
    let mac: [u8; 6] = [v6[0], v6[1], v6[2], v6[3], v6[4], v6[5]];
    let s = mac_text(&mac);
    assert_eq!(s.len(), MAC_ADDR_STR_LEN);
    assert_eq!(parse_mac(&s), Some(mac));
    // Also in upper case, and with anything after the 17 characters.
    let mut upper = s.to_ascii_uppercase();
    upper.extend_from_slice(text);
    assert_eq!(parse_mac(&upper), Some(mac));
}

fn ip_text(a: &IpAddr) -> Vec<u8> {
    let mut buf = [0u8; MAX_IP_STR_LEN];
    let n = format_ip(a, &mut buf);
    buf[..n].to_vec()
}

fn mac_text(m: &[u8; 6]) -> Vec<u8> {
    let mut buf = [0u8; MAC_ADDR_STR_LEN];
    let n = format_mac(m, &mut buf);
    buf[..n].to_vec()
}

fn to_v6(a: IpAddr) -> [u8; 16] {
    match a {
        IpAddr::V6(a) => a,
        IpAddr::V4(_) => panic!("in6_pton accepted text that parse_ip reads as IPv4"),
    }
}

fn check_parse_ip(text: &[u8]) {
    let Some(a) = parse_ip(text) else {
        return;
    };
    let s = c_string(text);
    match a {
        IpAddr::V4(_) => assert!(!s.contains(&b':'), "IPv4 from text with ':'"),
        IpAddr::V6(_) => assert!(!s.is_empty()),
    }
    // Only address characters.
    assert!(s
        .iter()
        .all(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'.'));
    let printed = ip_text(&a);
    assert!(printed.len() <= MAX_IP_STR_LEN);
    assert_eq!(
        parse_ip(&printed),
        Some(a),
        "printed {:?}",
        String::from_utf8_lossy(&printed)
    );
}

fn check_parse_mac(text: &[u8]) {
    let Some(m) = parse_mac(text) else {
        return;
    };
    let s = c_string(text);
    assert!(s.len() >= MAC_ADDR_STR_LEN);
    // `%pM` prints what was parsed, in lower case.
    assert_eq!(mac_text(&m), s[..MAC_ADDR_STR_LEN].to_ascii_lowercase());
}

/// `kstrtou16(s, 10, &res)` as `lib/kstrtox.c` (6.12) does it, written the obvious way:
/// `kstrtoull` skips one `+`, `_parse_integer` takes the longest run of decimal digits and
/// flags overflow of 64 bits (-ERANGE, checked first), no digits is -EINVAL, then one `\n`
/// may follow and nothing else may; `kstrtou16` makes anything above 65535 -ERANGE.
pub fn kstrtou16_ref(s: &[u8]) -> Result<u16, Errno> {
    let s = c_string(s);
    let s = if s.first() == Some(&b'+') { &s[1..] } else { s };
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut value: u128 = 0;
    let mut overflow = false;
    for &c in &s[..digits] {
        value = value * 10 + u128::from(c - b'0');
        if value > u128::from(u64::MAX) {
            overflow = true;
            value = 0; // Only the flag matters from here on.
        }
    }
    if overflow {
        return Err(Errno::Range);
    }
    if digits == 0 {
        return Err(Errno::Inval);
    }
    let rest = &s[digits..];
    let rest = if rest.first() == Some(&b'\n') {
        &rest[1..]
    } else {
        rest
    };
    if !rest.is_empty() {
        return Err(Errno::Inval);
    }
    u16::try_from(value).map_err(|_| Errno::Range)
}
