// SPDX-License-Identifier: GPL-2.0
//! Userdata: the ` key=value\n` lines a target appends to extended messages.

/// Longest key (`mkdir userdata/<key>`), in bytes.
pub const MAX_KEY_LEN: usize = 53;
/// Most keys per target.
pub const MAX_KEYS: usize = 256;
/// Values of this many bytes or more are refused (`-EMSGSIZE`).
pub const MAX_VALUE_WRITE: usize = 200;

/// Bytes of the block for `entries` (key, value): ` key=value\n` per entry with a non-empty
/// value, in order.
pub fn block_len<'a>(entries: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> usize {
    entries
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| k.len().saturating_add(v.len()).saturating_add(3))
        .fold(0, usize::saturating_add)
}

/// Writes the block for `entries` into `out`, which must hold [`block_len`] bytes; returns
/// the bytes written (fewer only if `out` is too short).
pub fn write_block<'a>(
    entries: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    out: &mut [u8],
) -> usize {
    let mut len = 0usize;
    for (k, v) in entries.filter(|(_, v)| !v.is_empty()) {
        for part in [&b" "[..], k, b"=", v, b"\n"] {
            let end = len.saturating_add(part.len());
            match out.get_mut(len..end) {
                Some(dst) => dst.copy_from_slice(part),
                None => return len,
            }
            len = end;
        }
    }
    len
}
