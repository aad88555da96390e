// SPDX-License-Identifier: GPL-2.0

//! Address and number parsing and formatting, bit for bit as the kernel's C helpers do it.
//!
//! C sources ported: `in4_pton`/`in6_pton` (`net/core/utils.c`), `netpoll_parse_ip_addr`
//! (`net/core/netpoll.c`), `mac_pton` (`lib/net_utils.c`), `kstrtou16(s, 10)` (`lib/kstrtox.c`)
//! and the `%pI4`, `%pI6c`, `%pM` printk formats (`lib/vsprintf.c`).
//!
//! The parsers take `&[u8]` but see it the way the C function sees its C string: everything
//! from the first NUL byte on is ignored (see [`c_str`]).

use super::msg::format_decimal;

/// An IPv4 or IPv6 address, bytes in network order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IpAddr {
    /// IPv4 address.
    V4([u8; 4]),
    /// IPv6 address.
    V6([u8; 16]),
}

impl IpAddr {
    /// Whether this is an IPv6 address (C: `np->ipv6`).
    pub fn is_v6(&self) -> bool {
        matches!(self, IpAddr::V6(_))
    }
}

/// Length of a MAC address as text, `xx:xx:xx:xx:xx:xx` (C: `MAC_ADDR_STR_LEN`).
pub const MAC_ADDR_STR_LEN: usize = 17;

/// Longest text [`format_ip`] can produce: an ISATAP address such as
/// `ffff:ffff:ffff:ffff:200:5efe:255.255.255.255` (C's `INET6_ADDRSTRLEN` of 48 is enough).
pub const MAX_IP_STR_LEN: usize = 44;

/// The broadcast MAC address `ff:ff:ff:ff:ff:ff`.
pub const BROADCAST_MAC: [u8; 6] = [0xff; 6];

/// Error of [`parse_u16`], as `kstrtou16` reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Errno {
    /// `-EINVAL`: not a number, or trailing garbage.
    Inval,
    /// `-ERANGE`: a number, but too big.
    Range,
}

impl Errno {
    /// The negative errno value the C function returns.
    pub fn to_errno(self) -> i32 {
        match self {
            Errno::Inval => -22,
            Errno::Range => -34,
        }
    }
}

/// The part of `s` that a C string function sees: up to (not including) the first NUL byte.
pub fn c_str(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => s.get(..n).unwrap_or(s),
        None => s,
    }
}

/// Value of an ASCII hex digit (C: `hex_to_bin`, `isxdigit`).
fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

// Character classes and parser states of `net/core/utils.c` (`IN6PTON_*`).
const XDIGIT: u32 = 0x0001_0000;
const DIGIT: u32 = 0x0002_0000;
const COLON_MASK: u32 = 0x0070_0000;
const COLON_1: u32 = 0x0010_0000;
const COLON_2: u32 = 0x0020_0000;
const COLON_1_2: u32 = 0x0040_0000;
const DOT: u32 = 0x0080_0000;
const DELIM: u32 = 0x1000_0000;
const NULL: u32 = 0x2000_0000;

/// C `xdigit2bin(c, -1)`: with no delimiter every unknown character ends the address.
fn xdigit2bin(c: u8) -> u32 {
    match c {
        0 => DELIM,
        b':' => COLON_MASK,
        b'.' => DOT,
        _ => match hex_val(c) {
            Some(v) => u32::from(v) | XDIGIT | if v < 10 { DIGIT } else { 0 },
            None => DELIM,
        },
    }
}

/// Byte `i` of `src`, or NUL past its end (C: `srclen > 0 ? *s : '\0'`).
fn byte_at(src: &[u8], i: usize) -> u8 {
    src.get(i).copied().unwrap_or(0)
}

/// C `in4_pton(src, src.len(), dst, -1, &end)`.
///
/// Returns the address if it parsed, and in both cases the index where parsing stopped (C's
/// `end`). Leading zeros are accepted in any number; any character other than a digit, `.` or
/// a hex letter ends the address (so does `:`), a hex letter makes it fail.
pub fn in4_pton(src: &[u8]) -> (Option<[u8; 4]>, usize) {
    let mut s = 0usize;
    let mut dbuf = [0u8; 4];
    let mut i = 0usize;
    // C keeps the class flags of each digit in `w` too; only its low 16 bits are looked at.
    let mut w: u32 = 0;
    loop {
        let c = xdigit2bin(byte_at(src, s));
        if c & (DIGIT | DOT | DELIM | COLON_MASK) == 0 {
            return (None, s);
        }
        if c & (DOT | DELIM | COLON_MASK) != 0 {
            if w == 0 {
                return (None, s);
            }
            match dbuf.get_mut(i) {
                Some(d) => *d = (w & 0xff) as u8,
                None => return (None, s),
            }
            w = 0;
            i = i.wrapping_add(1);
            if c & (DELIM | COLON_MASK) != 0 {
                if i != 4 {
                    return (None, s);
                }
                break;
            }
        } else {
            w = w.wrapping_mul(10).wrapping_add(c);
            if (w & 0xffff) > 255 {
                return (None, s);
            }
        }
        if i >= 4 {
            return (None, s);
        }
        // Cannot wrap: past the end of `src` every character is a delimiter.
        s = s.wrapping_add(1);
    }
    (Some(dbuf), s)
}

/// C `in6_pton(src, src.len(), dst, -1, &end)`.
///
/// Returns the address if it parsed, and in both cases the index where parsing stopped (C's
/// `end`). Quirks kept: a group may have any number of leading zeros; a trailing dotted quad is
/// parsed by [`in4_pton`] from the start of its group.
pub fn in6_pton(src: &[u8]) -> (Option<[u8; 16]>, usize) {
    const LEN: usize = 16;
    let mut s = 0usize;
    let mut tok: Option<usize> = None;
    let mut dbuf = [0u8; LEN];
    let mut d = 0usize;
    let mut dc: Option<usize> = None;
    let mut state = COLON_1_2 | XDIGIT | NULL;
    let mut w: u32 = 0;

    loop {
        let c = xdigit2bin(byte_at(src, s));
        if c & state == 0 {
            return (None, s);
        }
        if c & (DELIM | COLON_MASK) != 0 {
            // Process one 16-bit word.
            if state & NULL == 0 {
                let word = ((w & 0xffff) as u16).to_be_bytes();
                match dbuf.get_mut(d..d.saturating_add(2)) {
                    Some(dst) => dst.copy_from_slice(&word),
                    None => return (None, s),
                }
                d = d.saturating_add(2);
            }
            w = 0;
            if c & DELIM != 0 {
                break;
            }
            state = match state & COLON_MASK {
                COLON_2 => {
                    dc = Some(d);
                    if d >= LEN {
                        XDIGIT | DELIM | NULL
                    } else {
                        XDIGIT | DELIM
                    }
                }
                x if x == COLON_1 | COLON_1_2 => XDIGIT | COLON_2,
                COLON_1 => XDIGIT,
                COLON_1_2 => COLON_2,
                _ => 0,
            };
            tok = Some(s.saturating_add(1));
        } else if c & DOT != 0 {
            let start = tok.unwrap_or(s);
            let (v4, end) = in4_pton(src.get(start..).unwrap_or(&[]));
            let end = start.saturating_add(end);
            let Some(v4) = v4 else {
                return (None, end);
            };
            match dbuf.get_mut(d..d.saturating_add(4)) {
                Some(dst) => dst.copy_from_slice(&v4),
                None => return (None, end),
            }
            d = d.saturating_add(4);
            s = end;
            break;
        } else {
            w = (w << 4) | (0xff & c);
            state = COLON_1 | DELIM;
            if w & 0xf000 == 0 {
                state |= XDIGIT;
            }
            if dc.is_none() && d.saturating_add(2) < LEN {
                state |= COLON_1_2;
                state &= !DELIM;
            }
            if d.saturating_add(2) >= LEN {
                state &= !(COLON_1 | COLON_1_2);
            }
        }
        // C: `cont:`
        if (dc.is_some() && d.saturating_add(4) < LEN) || d.saturating_add(4) == LEN {
            state |= DOT;
        }
        if d >= LEN {
            state &= !(XDIGIT | COLON_MASK);
        }
        // Cannot wrap: past the end of `src` every character is a delimiter.
        s = s.wrapping_add(1);
    }

    let mut dst = [0u8; LEN];
    match dc {
        Some(dc) => {
            // Words after `::` go to the end, the ones before it to the start, zeros between.
            let (Some(head), Some(tail)) = (dbuf.get(..dc), dbuf.get(dc..d)) else {
                return (None, s);
            };
            // `tail.len() <= LEN`, so `dst[tail_at..]` has exactly `tail.len()` bytes.
            let tail_at = LEN.saturating_sub(tail.len());
            if tail_at < dc {
                // Cannot happen: `dc <= d <= LEN`.
                return (None, s);
            }
            if let Some(h) = dst.get_mut(..dc) {
                h.copy_from_slice(head);
            }
            if let Some(t) = dst.get_mut(tail_at..) {
                t.copy_from_slice(tail);
            }
        }
        None => dst = dbuf,
    }
    (Some(dst), s)
}

/// Parse an IP address the way `netpoll_parse_ip_addr` does: IPv4 if the text has no `:` and
/// is a whole dotted quad, else IPv6; the whole input must be consumed.
pub fn parse_ip(s: &[u8]) -> Option<IpAddr> {
    let s = c_str(s);
    if !s.contains(&b':') {
        if let (Some(a), end) = in4_pton(s) {
            if end == s.len() {
                return Some(IpAddr::V4(a));
            }
        }
    }
    match in6_pton(s) {
        (Some(a), end) if end == s.len() => Some(IpAddr::V6(a)),
        _ => None,
    }
}

/// Parse a MAC address the way `mac_pton` does.
///
/// The first 17 characters must be `xx:xx:xx:xx:xx:xx` (hex digits of either case);
/// anything after them is ignored, as in C.
pub fn parse_mac(s: &[u8]) -> Option<[u8; 6]> {
    let s = c_str(s).get(..MAC_ADDR_STR_LEN)?;
    let mut mac = [0u8; 6];
    // Byte `i` is at `3 * i`, followed by `:` except for the last.
    for (i, m) in mac.iter_mut().enumerate() {
        let at = i.wrapping_mul(3);
        let hi = hex_val(*s.get(at)?)?;
        let lo = hex_val(*s.get(at.wrapping_add(1))?)?;
        if i < 5 && s.get(at.wrapping_add(2)) != Some(&b':') {
            return None;
        }
        *m = (hi << 4) | lo;
    }
    Some(mac)
}

/// Parse a port the way `kstrtou16(s, 10, &res)` does.
///
/// One leading `+` and one trailing `\n` are accepted. A number that overflows 64 bits is
/// `Range` even when garbage follows it; a shorter one with garbage after it is `Inval`.
///
/// # Errors
///
/// [`Errno::Inval`] for anything but digits, [`Errno::Range`] for numbers above 65535.
pub fn parse_u16(s: &[u8]) -> Result<u16, Errno> {
    u16::try_from(parse_u64(s)?).map_err(|_| Errno::Range)
}

/// Parse a number the way `kstrtou32(s, 10, &res)` does (rules of [`parse_u16`]).
///
/// # Errors
///
/// [`Errno::Inval`] for anything but digits, [`Errno::Range`] for numbers above `u32::MAX`.
pub fn parse_u32(s: &[u8]) -> Result<u32, Errno> {
    u32::try_from(parse_u64(s)?).map_err(|_| Errno::Range)
}

/// Parse a number the way `kstrtoull(s, 10, &res)` does (rules of [`parse_u16`]).
///
/// # Errors
///
/// [`Errno::Inval`] for anything but digits, [`Errno::Range`] on 64-bit overflow.
pub fn parse_u64(s: &[u8]) -> Result<u64, Errno> {
    let s = c_str(s);
    let s = s.strip_prefix(b"+").unwrap_or(s);
    let n = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, rest) = (
        s.get(..n).ok_or(Errno::Inval)?,
        s.get(n..).ok_or(Errno::Inval)?,
    );
    let mut res: u64 = 0;
    let mut overflow = false;
    for &c in digits {
        let val = u64::from(c.wrapping_sub(b'0'));
        match res.checked_mul(10).and_then(|r| r.checked_add(val)) {
            Some(r) => res = r,
            None => {
                overflow = true;
                res = res.wrapping_mul(10).wrapping_add(val);
            }
        }
    }
    if overflow {
        return Err(Errno::Range);
    }
    if digits.is_empty() {
        return Err(Errno::Inval);
    }
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    if !rest.is_empty() {
        return Err(Errno::Inval);
    }
    Ok(res)
}

/// A writer into a caller buffer that drops what does not fit.
struct Out<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Out<'_> {
    fn push(&mut self, b: u8) {
        if let Some(x) = self.buf.get_mut(self.len) {
            *x = b;
            self.len = self.len.wrapping_add(1);
        }
    }

    fn extend(&mut self, s: &[u8]) {
        for &b in s {
            self.push(b);
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_digit(v: u16) -> u8 {
    HEX.get(usize::from(v & 0xf)).copied().unwrap_or(b'?')
}

fn write_ipv4(out: &mut Out<'_>, a: &[u8; 4]) {
    for (i, &octet) in a.iter().enumerate() {
        if i != 0 {
            out.push(b'.');
        }
        let mut buf = [0u8; 20];
        out.extend(format_decimal(u64::from(octet), &mut buf));
    }
}

/// `%pI6c`, as `ip6_compressed_string` in `lib/vsprintf.c` writes it.
fn write_ipv6(out: &mut Out<'_>, a: &[u8; 16]) {
    let mut words = [0u16; 8];
    // Index arithmetic rather than chunk iterators (rustc 1.78 compatible, no division):
    // `i < 8`, so `2 * i + 1 < 16`.
    for (i, w) in words.iter_mut().enumerate() {
        let at = i.wrapping_mul(2);
        if let (Some(&hi), Some(&lo)) = (a.get(at), a.get(at.wrapping_add(1))) {
            *w = u16::from_be_bytes([hi, lo]);
        }
    }
    let [w0, w1, w2, w3, w4, w5, _, _] = words;
    let [.., b8, b9, b10, b11, b12, b13, b14, b15] = *a;
    let v4mapped = w0 == 0 && w1 == 0 && w2 == 0 && w3 == 0 && w4 == 0 && w5 == 0xffff;
    let isatap = (b8 | 0x02) == 0x02 && b9 == 0 && b10 == 0x5e && b11 == 0xfe;
    let use_v4 = v4mapped || isatap;
    let range = if use_v4 { 6 } else { 8 };
    let words = words.get(..range).unwrap_or(&words);

    // Find the first longest run of zero words; a single zero is not compressed.
    let mut longest = 1usize;
    let mut colonpos: Option<usize> = None;
    for i in 0..words.len() {
        let run = words
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&w| w == 0)
            .count();
        if run > longest {
            longest = run;
            colonpos = Some(i);
        }
    }

    let mut needcolon = false;
    let mut i = 0usize;
    while let Some(&word) = words.get(i) {
        if Some(i) == colonpos {
            if needcolon || i == 0 {
                out.push(b':');
            }
            out.push(b':');
            needcolon = false;
            i = i.saturating_add(longest);
            continue;
        }
        if needcolon {
            out.push(b':');
        }
        // Hex without leading zeros.
        let mut started = false;
        for shift in [12u32, 8, 4, 0] {
            let nibble = (word >> shift) & 0xf;
            if nibble != 0 || started || shift == 0 {
                started = true;
                out.push(hex_digit(nibble));
            }
        }
        needcolon = true;
        i = i.saturating_add(1);
    }
    if use_v4 {
        if needcolon {
            out.push(b':');
        }
        write_ipv4(out, &[b12, b13, b14, b15]);
    }
}

/// Format an address as netconsole prints it: `%pI4` for IPv4, `%pI6c` for IPv6.
///
/// Writes at most `out.len()` bytes (no NUL) and returns how many were written; the result is
/// cut short if `out` is smaller than [`MAX_IP_STR_LEN`].
pub fn format_ip(a: &IpAddr, out: &mut [u8]) -> usize {
    let mut o = Out { buf: out, len: 0 };
    match a {
        IpAddr::V4(v4) => write_ipv4(&mut o, v4),
        IpAddr::V6(v6) => write_ipv6(&mut o, v6),
    }
    o.len
}

/// Format a MAC address as `%pM` does: `xx:xx:xx:xx:xx:xx`, lower case.
///
/// Writes at most `out.len()` bytes (no NUL) and returns how many were written.
pub fn format_mac(m: &[u8; 6], out: &mut [u8]) -> usize {
    let mut o = Out { buf: out, len: 0 };
    for (i, &b) in m.iter().enumerate() {
        if i != 0 {
            o.push(b':');
        }
        o.push(hex_digit(u16::from(b >> 4)));
        o.push(hex_digit(u16::from(b)));
    }
    o.len
}
