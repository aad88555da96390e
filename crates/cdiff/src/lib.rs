// SPDX-License-Identifier: GPL-2.0

//! The kernel's own C parsers, compiled for the host, for differential tests of
//! `netconsole-pure` (see `tests/cdiff.rs`).
//!
//! `build.rs` copies `in4_pton`, `in6_pton` (`net/core/utils.c`), `mac_pton`
//! (`lib/net_utils.c`), `kstrtou16` and its helpers (`lib/kstrtox.c`), `hex_to_bin`
//! (`lib/hexdump.c`), the `_ctype` table and `netpoll_parse_ip_addr`/`netpoll_parse_options`
//! (`net/core/netpoll.c`) out of the Linux 6.12 sources at build time. When it could not,
//! [`MISSING`] says why, and every function of [`c`] and [`compare`] panics with that.

pub mod compare;

/// Why the C code is not available (`None` when it is).
#[cfg(cdiff_no_source)]
pub const MISSING: Option<&str> = Some(env!("CDIFF_MISSING"));
/// Why the C code is not available (`None` when it is).
#[cfg(not(cdiff_no_source))]
pub const MISSING: Option<&str> = None;

mod types {
    /// What C's `alloc_param_target` + `netpoll_parse_options` made of a target string.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Target {
        /// `nt->extended`.
        pub extended: bool,
        /// `nt->release`.
        pub release: bool,
        /// `np->local_port`.
        pub local_port: u16,
        /// `np->remote_port`.
        pub remote_port: u16,
        /// `np->local_ip` (16 bytes of the union; IPv4 in the first 4).
        pub local_ip: [u8; 16],
        /// `np->remote_ip`.
        pub remote_ip: [u8; 16],
        /// `np->ipv6`.
        pub ipv6: bool,
        /// `np->dev_name` up to its NUL.
        pub dev_name: Vec<u8>,
        /// `np->dev_mac`.
        pub dev_mac: [u8; 6],
        /// `np->remote_mac`.
        pub remote_mac: [u8; 6],
    }

    /// Why C refused a target.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum TargetError {
        /// "Release feature requires extended log message".
        ReleaseNeedsExtended,
        /// "couldn't parse config at '<text>'!", `text` starting at `offset` in the input.
        At {
            /// Offset in the input of the text printed.
            offset: usize,
            /// The text printed.
            text: Vec<u8>,
            /// "warning: whitespace is not allowed" came first.
            whitespace: bool,
        },
    }
}

/// Stand-ins for [`c`] when the C code could not be built: each panics with [`MISSING`].
#[cfg(cdiff_no_source)]
pub mod c {
    pub use crate::types::*;

    /// The kernel tree the C code was copied from (none).
    pub const SOURCE: &str = "";

    fn missing() -> ! {
        panic!(
            "no C code to compare with: {}",
            crate::MISSING.unwrap_or("?")
        )
    }

    /// `in4_pton` (unavailable).
    pub fn in4_pton(_: &[u8], _: bool) -> (bool, [u8; 4], usize) {
        missing()
    }
    /// `in6_pton` (unavailable).
    pub fn in6_pton(_: &[u8], _: bool) -> (bool, [u8; 16], usize) {
        missing()
    }
    /// `mac_pton` (unavailable).
    pub fn mac_pton(_: &[u8]) -> Option<[u8; 6]> {
        missing()
    }
    /// `kstrtou16` (unavailable).
    pub fn kstrtou16(_: &[u8]) -> Result<u16, i32> {
        missing()
    }
    /// `netpoll_parse_ip_addr` (unavailable).
    pub fn parse_ip_addr(_: &[u8]) -> (i32, [u8; 16]) {
        missing()
    }
    /// `netpoll_parse_options` (unavailable).
    pub fn parse_target(_: &[u8], _: bool) -> Result<Target, TargetError> {
        missing()
    }
}

/// The kernel's C functions (copied by `build.rs`), with Rust signatures.
#[cfg(not(cdiff_no_source))]
pub mod c {
    use std::ffi::{c_char, c_int, c_long, c_uchar, c_ulong, c_ushort, CString};

    pub use crate::types::*;

    /// The kernel tree the C code was copied from.
    pub const SOURCE: &str = env!("CDIFF_SOURCE");

    const NC_TEXT: usize = 4096;
    const IFNAMSIZ: usize = 16;

    /// `struct nc_target` of `c/glue.c`.
    #[repr(C)]
    struct RawTarget {
        extended: c_int,
        release: c_int,
        local_port: c_ushort,
        remote_port: c_ushort,
        local_ip: [c_uchar; 16],
        remote_ip: [c_uchar; 16],
        ipv6: c_int,
        dev_name: [c_char; IFNAMSIZ],
        dev_mac: [c_uchar; 6],
        remote_mac: [c_uchar; 6],
        fail_offset: c_long,
        fail_text: [c_char; NC_TEXT],
        whitespace_warning: c_int,
        base: *const c_char,
        base_offset: c_long,
    }

    extern "C" {
        fn nc_c_in4_pton(
            src: *const c_char,
            srclen: c_int,
            dst: *mut c_uchar,
            end: *mut c_long,
        ) -> c_int;
        fn nc_c_in6_pton(
            src: *const c_char,
            srclen: c_int,
            dst: *mut c_uchar,
            end: *mut c_long,
        ) -> c_int;
        fn nc_c_mac_pton(s: *const c_char, mac: *mut c_uchar) -> c_int;
        fn nc_c_kstrtou16(s: *const c_char, res: *mut c_ushort) -> c_int;
        fn nc_c_parse_ip_addr(s: *const c_char, addr: *mut c_uchar) -> c_int;
        fn nc_c_parse_target(s: *const c_char, extended_default: c_int, t: *mut RawTarget)
            -> c_int;
        fn nc_c_target_size() -> c_ulong;
    }

    /// The bytes up to the first NUL, as a C string.
    fn c_string(s: &[u8]) -> CString {
        let n = s.iter().position(|&b| b == 0).unwrap_or(s.len());
        CString::new(&s[..n]).expect("no NUL")
    }

    /// `in4_pton(src, srclen, dst, -1, &end)`: with `Some(bytes)` as `srclen = bytes.len()`
    /// (NUL bytes included), with a C string `srclen = -1`. Returns (success, address, end).
    pub fn in4_pton(src: &[u8], c_string_mode: bool) -> (bool, [u8; 4], usize) {
        let mut dst = [0u8; 4];
        let (ret, end) = pton(src, c_string_mode, &mut dst, nc_c_in4_pton);
        (ret, dst, end)
    }

    /// `in6_pton(src, srclen, dst, -1, &end)`, as [`in4_pton`].
    pub fn in6_pton(src: &[u8], c_string_mode: bool) -> (bool, [u8; 16], usize) {
        let mut dst = [0u8; 16];
        let (ret, end) = pton(src, c_string_mode, &mut dst, nc_c_in6_pton);
        (ret, dst, end)
    }

    type PtonFn = unsafe extern "C" fn(*const c_char, c_int, *mut c_uchar, *mut c_long) -> c_int;

    fn pton(src: &[u8], c_string_mode: bool, dst: &mut [u8], f: PtonFn) -> (bool, usize) {
        // Always NUL-terminated behind `srclen`, so C never reads past the buffer.
        let mut buf = src.to_vec();
        buf.push(0);
        let srclen = if c_string_mode {
            -1
        } else {
            c_int::try_from(src.len()).expect("short input")
        };
        let mut end: c_long = -1;
        // SAFETY: `buf` is NUL-terminated and `srclen` within it; `dst` is as long as the
        // function writes (4 or 16 bytes).
        let ret = unsafe { f(buf.as_ptr().cast(), srclen, dst.as_mut_ptr(), &mut end) };
        (ret > 0, usize::try_from(end).expect("end before the start"))
    }

    /// `mac_pton(s, mac)` on the C string of `s`.
    pub fn mac_pton(s: &[u8]) -> Option<[u8; 6]> {
        let s = c_string(s);
        let mut mac = [0u8; 6];
        // SAFETY: NUL-terminated string, 6-byte output.
        let ok = unsafe { nc_c_mac_pton(s.as_ptr(), mac.as_mut_ptr()) };
        (ok != 0).then_some(mac)
    }

    /// `kstrtou16(s, 10, &res)` on the C string of `s`: the value or the negative errno.
    pub fn kstrtou16(s: &[u8]) -> Result<u16, i32> {
        let s = c_string(s);
        let mut res: c_ushort = 0;
        // SAFETY: NUL-terminated string, valid output.
        let rv = unsafe { nc_c_kstrtou16(s.as_ptr(), &mut res) };
        if rv == 0 {
            Ok(res)
        } else {
            Err(rv)
        }
    }

    /// `netpoll_parse_ip_addr(s, &addr)`: -1 (error), 0 (IPv4, 4 bytes) or 1 (IPv6), and the
    /// 16 bytes of the union.
    pub fn parse_ip_addr(s: &[u8]) -> (i32, [u8; 16]) {
        let s = c_string(s);
        let mut a = [0u8; 16];
        // SAFETY: NUL-terminated string, 16-byte output.
        let r = unsafe { nc_c_parse_ip_addr(s.as_ptr(), a.as_mut_ptr()) };
        (r, a)
    }

    /// Parse a target (the C string of `s`) as `alloc_param_target` does on a target from
    /// `alloc_and_init`, with `CONFIG_NETCONSOLE_EXTENDED_LOG` = `extended_default`.
    pub fn parse_target(s: &[u8], extended_default: bool) -> Result<Target, TargetError> {
        assert_eq!(
            // SAFETY: no arguments, returns a size.
            unsafe { nc_c_target_size() } as usize,
            std::mem::size_of::<RawTarget>(),
            "struct nc_target layout"
        );
        let s = c_string(s);
        // The struct is plain data; zero is a valid value for every field.
        let mut raw: Box<RawTarget> = Box::new(RawTarget {
            extended: 0,
            release: 0,
            local_port: 0,
            remote_port: 0,
            local_ip: [0; 16],
            remote_ip: [0; 16],
            ipv6: 0,
            dev_name: [0; IFNAMSIZ],
            dev_mac: [0; 6],
            remote_mac: [0; 6],
            fail_offset: 0,
            fail_text: [0; NC_TEXT],
            whitespace_warning: 0,
            base: std::ptr::null(),
            base_offset: 0,
        });
        // SAFETY: NUL-terminated input, `raw` has the C layout (checked above).
        let rc = unsafe { nc_c_parse_target(s.as_ptr(), c_int::from(extended_default), &mut *raw) };
        let bytes = |a: &[c_char]| -> Vec<u8> {
            a.iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect()
        };
        assert!(
            raw.whitespace_warning >= 0,
            "np_info printed a message the harness does not know"
        );
        match rc {
            0 => Ok(Target {
                extended: raw.extended != 0,
                release: raw.release != 0,
                local_port: raw.local_port,
                remote_port: raw.remote_port,
                local_ip: raw.local_ip,
                remote_ip: raw.remote_ip,
                ipv6: raw.ipv6 != 0,
                dev_name: bytes(&raw.dev_name),
                dev_mac: raw.dev_mac,
                remote_mac: raw.remote_mac,
            }),
            -2 => Err(TargetError::ReleaseNeedsExtended),
            _ => Err(TargetError::At {
                offset: usize::try_from(raw.fail_offset).expect("parse failure without message"),
                text: bytes(&raw.fail_text),
                whitespace: raw.whitespace_warning > 0,
            }),
        }
    }
}
