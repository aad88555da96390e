// SPDX-License-Identifier: GPL-2.0

//! The `netconsole=` parameter: splitting it into targets and parsing one target.
//!
//! C sources ported: `init_netconsole` and `alloc_param_target` (`drivers/net/netconsole.c`),
//! `netpoll_parse_options` (`net/core/netpoll.c`). Format of one target:
//! `[+][r][src-port]@[src-ip]/[dev],[tgt-port]@<tgt-ip>/[tgt-mac]`.

use super::addr::{c_str, parse_ip, parse_mac, parse_u16, IpAddr, BROADCAST_MAC};
use super::msg::format_decimal;

/// Local (source) UDP port used when the parameter gives none.
pub const DEFAULT_LOCAL_PORT: u16 = 6665;
/// Remote (target) UDP port used when the parameter gives none.
pub const DEFAULT_REMOTE_PORT: u16 = 6666;
/// Size of an interface name buffer including its NUL; names are at most 15 bytes.
pub const IFNAMSIZ: usize = 16;
/// Size of the `netconsole=` parameter buffer (C: `MAX_PARAM_LENGTH`).
pub const MAX_PARAM_LENGTH: usize = 256;
/// Name prefix of boot targets in configfs (C: `NETCONSOLE_PARAM_TARGET_PREFIX`).
pub const CMDLINE_PREFIX: &[u8] = b"cmdline";

/// How a target finds its network device.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Device {
    /// By interface name (C: `np->dev_name`), at most `IFNAMSIZ - 1` bytes.
    Name {
        /// Name bytes; only the first `len` are meaningful, the rest are zero.
        buf: [u8; IFNAMSIZ],
        /// Length of the name.
        len: usize,
    },
    /// By hardware address (C: `np->dev_mac`, with `np->dev_name` empty).
    Mac([u8; 6]),
}

impl Device {
    /// A device named `name`, cut to `IFNAMSIZ - 1` bytes and at the first NUL as `strscpy`
    /// into `char dev_name[IFNAMSIZ]` does.
    pub fn from_name(name: &[u8]) -> Self {
        let name = c_str(name);
        let name = name.get(..IFNAMSIZ - 1).unwrap_or(name);
        let mut buf = [0u8; IFNAMSIZ];
        if let Some(dst) = buf.get_mut(..name.len()) {
            dst.copy_from_slice(name);
        }
        Device::Name {
            buf,
            len: name.len(),
        }
    }

    /// The interface name, or `None` for a device bound by MAC (C: empty `dev_name`).
    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Device::Name { buf, len } => buf.get(..*len),
            Device::Mac(_) => None,
        }
    }

    /// The hardware address, for a device bound by MAC.
    pub fn mac(&self) -> Option<[u8; 6]> {
        match self {
            Device::Name { .. } => None,
            Device::Mac(m) => Some(*m),
        }
    }
}

impl Default for Device {
    /// `eth0`, as `alloc_and_init` sets it.
    fn default() -> Self {
        Device::from_name(b"eth0")
    }
}

/// Everything one `netconsole=` target sets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TargetOptions {
    /// `+`: extended console format.
    pub extended: bool,
    /// `r`: prepend the kernel release.
    pub release: bool,
    /// Source UDP port.
    pub local_port: u16,
    /// Destination UDP port.
    pub remote_port: u16,
    /// Source address; `None` = pick one from the device at setup.
    pub local_ip: Option<IpAddr>,
    /// Destination address; always set by a successful [`parse_target`].
    pub remote_ip: Option<IpAddr>,
    /// Device to send through.
    pub dev: Device,
    /// The hardware address as netpoll keeps it (C: `np->dev_mac`, printed in the banner):
    /// zero while the device field is omitted, broadcast when it names an interface, the
    /// address when it is one.
    pub dev_mac: [u8; 6],
    /// Destination MAC.
    pub remote_mac: [u8; 6],
}

impl Default for TargetOptions {
    /// The C defaults of `alloc_and_init` (with `CONFIG_NETCONSOLE_EXTENDED_LOG` and
    /// `CONFIG_NETCONSOLE_PREPEND_RELEASE` off): ports 6665/6666, `eth0`, broadcast MAC, no IPs.
    fn default() -> Self {
        TargetOptions {
            extended: false,
            release: false,
            local_port: DEFAULT_LOCAL_PORT,
            remote_port: DEFAULT_REMOTE_PORT,
            local_ip: None,
            remote_ip: None,
            dev: Device::default(),
            dev_mac: [0; 6],
            remote_mac: BROADCAST_MAC,
        }
    }
}

impl TargetOptions {
    /// Whether the target talks IPv6 (C: `np->ipv6`, the remote address family).
    pub fn is_v6(&self) -> bool {
        self.remote_ip.is_some_and(|a| a.is_v6())
    }
}

/// Why a target string was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParseError {
    /// `r` without `+` (C logs "Netconsole configuration error. Release feature requires
    /// extended log message").
    ReleaseNeedsExtended,
    /// `netpoll_parse_options` failed. `offset` is the byte offset in the whole target string
    /// (including any `+`/`r` prefix) where C's `couldn't parse config at '%s'!` starts; see
    /// [`ParseError::rest`] for the text it prints.
    At {
        /// Byte offset in the target string.
        offset: usize,
    },
}

/// Details of a `netpoll_parse_options` failure.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Failure {
    /// Start of the text C prints.
    offset: usize,
    /// End of it: C has already replaced the field's delimiter by a NUL if it found it.
    end: usize,
    /// C logged `warning: whitespace is not allowed` first.
    whitespace: bool,
}

impl ParseError {
    /// The text C prints in `couldn't parse config at '<rest>'!` for this error on `target`
    /// (the same string given to [`parse_target`]). Empty for `ReleaseNeedsExtended`.
    ///
    /// This is not simply `target[offset..]`: C cuts the string at the delimiter of the field
    /// that failed.
    pub fn rest<'a>(&self, target: &'a [u8]) -> &'a [u8] {
        match self.failure(target) {
            Some(f) => c_str(target).get(f.offset..f.end).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Whether C logs `warning: whitespace is not allowed` before the parse error (a space or
    /// tab starting the remote port).
    pub fn whitespace_warning(&self, target: &[u8]) -> bool {
        self.failure(target).is_some_and(|f| f.whitespace)
    }

    fn failure(&self, target: &[u8]) -> Option<Failure> {
        match self {
            ParseError::ReleaseNeedsExtended => None,
            // An `At` error means the prefix was accepted: replay with `extended` preset.
            ParseError::At { .. } => {
                let base = TargetOptions {
                    extended: true,
                    ..TargetOptions::default()
                };
                parse_detailed(target, base).err().flatten()
            }
        }
    }
}

/// Parse one target with the C defaults ([`TargetOptions::default`]).
///
/// # Errors
///
/// As [`parse_target_with`].
pub fn parse_target(s: &[u8]) -> Result<TargetOptions, ParseError> {
    parse_target_with(s, TargetOptions::default())
}

/// Parse one target starting from `base` (C: `alloc_param_target` on a target from
/// `alloc_and_init`). With `base.extended` set (C: `CONFIG_NETCONSOLE_EXTENDED_LOG`), `r`
/// alone is accepted.
///
/// `s` is seen as a C string: it ends at its first NUL byte.
///
/// # Errors
///
/// [`ParseError::ReleaseNeedsExtended`] for `r` on a non-extended target,
/// [`ParseError::At`] where `netpoll_parse_options` gives up.
pub fn parse_target_with(s: &[u8], base: TargetOptions) -> Result<TargetOptions, ParseError> {
    parse_detailed(s, base).map_err(|e| match e {
        None => ParseError::ReleaseNeedsExtended,
        Some(f) => ParseError::At { offset: f.offset },
    })
}

/// `alloc_param_target` + `netpoll_parse_options`; `Err(None)` is the release error.
fn parse_detailed(s: &[u8], base: TargetOptions) -> Result<TargetOptions, Option<Failure>> {
    let s = c_str(s);
    let mut opts = base;
    let mut pos = 0usize;
    if s.first() == Some(&b'+') {
        opts.extended = true;
        pos = 1;
    }
    if s.get(pos) == Some(&b'r') {
        if !opts.extended {
            return Err(None);
        }
        opts.release = true;
        pos = pos.wrapping_add(1);
    }
    let rest = s.get(pos..).unwrap_or(&[]);
    parse_options(rest, &mut opts).map_err(|f| {
        Some(Failure {
            offset: f.offset.saturating_add(pos),
            end: f.end.saturating_add(pos),
            whitespace: f.whitespace,
        })
    })?;
    Ok(opts)
}

/// Character at `i`, NUL past the end (C string).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// C `strchr(s + from, c)`.
fn find(s: &[u8], from: usize, c: u8) -> Option<usize> {
    let pos = s.get(from..)?.iter().position(|&b| b == c)?;
    from.checked_add(pos)
}

/// `netpoll_parse_options` (`net/core/netpoll.c`) on the string after the `+`/`r` prefix.
fn parse_options(s: &[u8], opts: &mut TargetOptions) -> Result<(), Failure> {
    let len = s.len();
    let fail = |offset: usize, end: usize| Failure {
        offset,
        end,
        whitespace: false,
    };
    let field = |from: usize, to: usize| s.get(from..to).unwrap_or(&[]);
    // Invariant: `cur <= len`, each field is ended by its delimiter, found inside `s`.
    let mut cur = 0usize;

    // Local port.
    if at(s, cur) != b'@' {
        let delim = find(s, cur, b'@').ok_or(fail(cur, len))?;
        opts.local_port = parse_u16(field(cur, delim)).map_err(|_| fail(cur, delim))?;
        cur = delim;
    }
    cur = cur.saturating_add(1);

    // Local IP.
    let mut local_v6 = None;
    if at(s, cur) != b'/' {
        let delim = find(s, cur, b'/').ok_or(fail(cur, len))?;
        let ip = parse_ip(field(cur, delim)).ok_or(fail(cur, delim))?;
        local_v6 = Some(ip.is_v6());
        opts.local_ip = Some(ip);
        cur = delim;
    }
    cur = cur.saturating_add(1);

    // Device name or MAC.
    if at(s, cur) != b',' {
        let delim = find(s, cur, b',').ok_or(fail(cur, len))?;
        let dev = field(cur, delim);
        opts.dev = if dev.contains(&b':') {
            Device::Mac(parse_mac(dev).ok_or(fail(cur, delim))?)
        } else {
            Device::from_name(dev)
        };
        opts.dev_mac = opts.dev.mac().unwrap_or(BROADCAST_MAC);
        cur = delim;
    }
    cur = cur.saturating_add(1);

    // Remote port.
    if at(s, cur) != b'@' {
        let delim = find(s, cur, b'@').ok_or(fail(cur, len))?;
        let whitespace = matches!(at(s, cur), b' ' | b'\t');
        opts.remote_port = parse_u16(field(cur, delim)).map_err(|_| Failure {
            offset: cur,
            end: delim,
            whitespace,
        })?;
        cur = delim;
    }
    cur = cur.saturating_add(1);

    // Remote IP: mandatory, same family as the local one if that was given.
    let delim = find(s, cur, b'/').ok_or(fail(cur, len))?;
    let ip = parse_ip(field(cur, delim)).ok_or(fail(cur, delim))?;
    if local_v6.is_some_and(|v6| v6 != ip.is_v6()) {
        return Err(fail(cur, delim));
    }
    opts.remote_ip = Some(ip);
    cur = delim.saturating_add(1);

    // Remote MAC, optional.
    if at(s, cur) != 0 {
        opts.remote_mac = parse_mac(field(cur, len)).ok_or(fail(cur, len))?;
    }
    Ok(())
}

/// Split the `netconsole=` parameter into target strings as `init_netconsole` does: an empty
/// parameter has no targets, otherwise `strsep(&input, ";")` gives every piece, empty ones
/// included (`"a;;b;"` is `a`, ``, `b`, ``). The parameter is seen as a C string.
pub fn split_targets(param: &[u8]) -> impl Iterator<Item = &[u8]> {
    let param = c_str(param);
    let pieces = if param.is_empty() { 0 } else { usize::MAX };
    param.split(|&b| b == b';').take(pieces)
}

/// Name of the `index`-th boot target, `cmdline<index>`, as `snprintf` writes it into
/// `char target_name[16]` (at most 15 bytes).
pub fn cmdline_name(index: u32, out: &mut [u8; IFNAMSIZ]) -> &[u8] {
    let mut digits = [0u8; 20];
    let digits = format_decimal(u64::from(index), &mut digits);
    let mut len = 0usize;
    for &b in CMDLINE_PREFIX.iter().chain(digits).take(IFNAMSIZ - 1) {
        if let Some(slot) = out.get_mut(len) {
            *slot = b;
            len = len.wrapping_add(1);
        }
    }
    out.get(..len).unwrap_or(&[])
}
