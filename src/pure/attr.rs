// SPDX-License-Identifier: GPL-2.0
//! What a configfs attribute write means: the parsing rules of each attribute's value.
//!
//! `buf` is what userspace wrote, as configfs passes it to `store` (at most 4095 bytes).

use super::addr::{c_str, parse_ip, parse_mac, Errno, IpAddr, MAC_ADDR_STR_LEN};
use super::option::IFNAMSIZ;

/// Drops one trailing newline, as `echo` adds.
pub fn trim_newline(buf: &[u8]) -> &[u8] {
    buf.strip_suffix(b"\n").unwrap_or(buf)
}

/// `kstrtobool`: `y`/`Y`/`t`/`T`/`1` true, `n`/`N`/`f`/`F`/`0` false, `on`/`off` (any case of
/// the second letter); only the first two bytes are looked at.
///
/// # Errors
///
/// [`Errno::Inval`] for anything else.
pub fn parse_bool(buf: &[u8]) -> Result<bool, Errno> {
    let s = c_str(buf);
    match (s.first(), s.get(1)) {
        (Some(b'y' | b'Y' | b't' | b'T' | b'1'), _) => Ok(true),
        (Some(b'n' | b'N' | b'f' | b'F' | b'0'), _) => Ok(false),
        (Some(b'o' | b'O'), Some(b'n' | b'N')) => Ok(true),
        (Some(b'o' | b'O'), Some(b'f' | b'F')) => Ok(false),
        _ => Err(Errno::Inval),
    }
}

/// Why a `dev_name` write was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DevNameError {
    /// 16 bytes or more after dropping one trailing newline (`-ENAMETOOLONG`).
    TooLong,
}

/// `dev_name`: one trailing newline dropped; at most 15 bytes (checked before anything
/// else). The name ends at a NUL byte, as C's `strscpy` reads it.
///
/// # Errors
///
/// [`DevNameError::TooLong`].
pub fn parse_dev_name(buf: &[u8]) -> Result<&[u8], DevNameError> {
    let name = trim_newline(buf);
    if name.len() >= IFNAMSIZ {
        return Err(DevNameError::TooLong);
    }
    Ok(c_str(name))
}

/// `local_ip`, `remote_ip`: one IPv4 or IPv6 address in any valid textual form, optionally
/// followed by one newline; nothing else before a NUL (the buffer is read as a C string).
///
/// # Errors
///
/// [`Errno::Inval`] for anything that is not exactly one address.
pub fn parse_ip_attr(buf: &[u8]) -> Result<IpAddr, Errno> {
    let s = trim_newline(c_str(buf));
    if s.is_empty() {
        return Err(Errno::Inval);
    }
    parse_ip(s).ok_or(Errno::Inval)
}

/// `remote_mac`: exactly `xx:xx:xx:xx:xx:xx`, optionally followed by one newline.
///
/// # Errors
///
/// [`Errno::Inval`] otherwise.
pub fn parse_mac_attr(buf: &[u8]) -> Result<[u8; 6], Errno> {
    let s = trim_newline(c_str(buf));
    if s.len() != MAC_ADDR_STR_LEN {
        return Err(Errno::Inval);
    }
    parse_mac(s).ok_or(Errno::Inval)
}

/// Highest `loglevel`: every message the console gets.
pub const LOGLEVEL_ALL: u8 = 8;

/// `loglevel`: 0 to 8; a target sends messages whose level is below it.
///
/// # Errors
///
/// [`Errno::Inval`] or [`Errno::Range`] as `kstrtou8`, [`Errno::Inval`] above 8.
pub fn parse_loglevel(buf: &[u8]) -> Result<u8, Errno> {
    let n = super::addr::parse_u32(buf)?;
    u8::try_from(n)
        .ok()
        .filter(|&l| l <= LOGLEVEL_ALL)
        .ok_or(Errno::Inval)
}

/// The level (0 to 7) of an extended record as printk passes it to a console: the low three
/// bits of its first field (`<facility * 8 + level>,<seq>,...`).
pub fn record_level(record: &[u8]) -> Option<u8> {
    let end = record.iter().position(|&c| c == b',')?;
    prefix_level(record.get(..end)?)
}

/// The level (0 to 7) of a `<facility * 8 + level>` number of at most five digits, as printk
/// prints it in front of a record.
fn prefix_level(field: &[u8]) -> Option<u8> {
    if field.is_empty() || field.len() > 5 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u32 = 0;
    for &c in field {
        n = n
            .checked_mul(10)?
            .checked_add(u32::from(c.wrapping_sub(b'0')))?;
    }
    Some((n & 7) as u8)
}

/// At most this many lines that printk puts in front of a basic console's text
/// (`** N printk messages dropped **`, `** replaying previous printk message **`).
const MAX_NOTICE_LINES: usize = 2;

/// The level of the record that a basic console was given as `msg`, from `line`: the same
/// record as `kmsg_dump_get_line(syslog=true)` formats it (`<facility * 8 + level>` in front
/// of each console line). `None` unless `line`'s first line, without its `<N>`, is where `msg`
/// begins once the notices printk may prepend (`** ... **` lines) are skipped: then `line` is
/// another record (the one `msg` came from was overwritten meanwhile, or is older than what
/// `dmesg -C` left readable), and the level is unknown.
pub fn basic_record_level(line: &[u8], msg: &[u8]) -> Option<u8> {
    let rest = line.strip_prefix(b"<")?;
    let close = rest.iter().position(|&c| c == b'>')?;
    let level = prefix_level(rest.get(..close)?)?;
    let text = rest.get(close.checked_add(1)?..)?;
    let first = match text.iter().position(|&c| c == b'\n') {
        Some(nl) => text.get(..=nl)?,
        None => text,
    };
    if first.is_empty() {
        return None;
    }
    let mut msg = msg;
    for _ in 0..=MAX_NOTICE_LINES {
        if msg.starts_with(first) {
            return Some(level);
        }
        let nl = msg.iter().position(|&c| c == b'\n')?;
        let notice = msg.get(..nl)?;
        if !(notice.starts_with(b"** ") && notice.ends_with(b" **")) {
            return None;
        }
        msg = msg.get(nl.checked_add(1)?..)?;
    }
    None
}
