// SPDX-License-Identifier: GPL-2.0

//! The checks behind netconsole-rs's fuzz targets, one module per target.
//!
//! Each `check(data)` decodes the fuzzer's bytes into inputs for `netconsole-pure`, runs the
//! code and panics (an `assert!`) if a property does not hold. The fuzz binaries in
//! `fuzz_targets/` only call these, and `tests/replay.rs` runs the committed corpus and the
//! regressions through them on stable Rust, so a finding turned into a file under
//! `fuzz/regressions/<target>/` stays a plain `cargo test`.
//!
//! The properties are written from the spec (the kernel's C code), not from the Rust code:
//! reference parsers and checksums here are deliberately naive and independent.

pub mod addr;
#[cfg(feature = "cdiff")]
pub mod cdiff;
pub mod fragment;
pub mod frame;
pub mod parse_target;

/// A target's check: panics if a property does not hold for the input.
pub type Check = fn(&[u8]);

/// The fuzz targets, by name (as in `fuzz/Cargo.toml` and `fuzz/corpus/<target>/`).
pub const TARGETS: &[(&str, Check)] = &[
    ("parse_target", parse_target::check),
    ("addr", addr::check),
    ("frame", frame::check),
    ("fragment", fragment::check),
    #[cfg(feature = "cdiff")]
    ("cdiff", cdiff::check),
];

/// The bytes a C string function sees: up to the first NUL (independent of the crate's own).
pub fn c_string(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    }
}

/// A tiny reader over fuzzer input: fixed-size fields first, zero-filled when data runs out.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Read from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// The next `N` bytes (zero-filled past the end of the input).
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        out
    }

    /// The next byte.
    pub fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }

    /// The next little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.bytes())
    }

    /// The next little-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes())
    }

    /// Everything not read yet.
    pub fn rest(self) -> &'a [u8] {
        self.data
    }
}

/// Split `s` into exactly `N` fields at the first `N - 1` occurrences of `sep` (missing fields
/// are empty; the last field keeps any further separators).
pub fn fields<const N: usize>(s: &[u8], sep: u8) -> [&[u8]; N] {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut rest = s;
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = rest;
            break;
        }
        match rest.iter().position(|&b| b == sep) {
            Some(p) => {
                *slot = &rest[..p];
                rest = &rest[p + 1..];
            }
            None => {
                *slot = rest;
                rest = &[];
            }
        }
    }
    out
}
