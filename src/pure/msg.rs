// SPDX-License-Identifier: GPL-2.0

//! Splitting console messages into datagrams: basic chunks and extended fragments.
//!
//! C sources ported: `write_msg` and `send_ext_msg_udp` in `drivers/net/netconsole.c`, plus
//! the sysdata lines and whole-payload fragmentation of newer kernels. Everything here runs on
//! the console write path (IRQs off, maybe during an oops): no allocation, no panics, bounded
//! work.

/// Largest UDP payload netconsole sends (C: `MAX_PRINT_CHUNK`).
pub const MAX_PRINT_CHUNK: usize = 1000;

/// Split a basic-console message into datagrams of at most [`MAX_PRINT_CHUNK`] bytes.
///
/// An empty message gives no datagram (C `write_msg` loops `for (left = len; left;)`).
pub fn basic_chunks(msg: &[u8]) -> impl Iterator<Item = &[u8]> {
    msg.chunks(MAX_PRINT_CHUNK)
}

/// Format `n` in decimal at the end of `buf` and return the digits.
pub fn format_decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        // `n % 10 < 10`, so this cannot wrap.
        *slot = b'0'.wrapping_add((n % 10) as u8);
        n /= 10;
        start = start.wrapping_sub(1);
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or(&[])
}

/// The sysdata lines appended after userdata, each present only if `Some`.
///
/// They are written in this fixed order: ` cpu=<n>\n`, ` taskname=<comm>\n`,
/// ` release=<release>\n`, ` msgid=<n>\n`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Sysdata<'a> {
    /// CPU the printk caller ran on.
    pub cpu: Option<u32>,
    /// `comm` of the task that called printk (without its NUL).
    pub taskname: Option<&'a [u8]>,
    /// Kernel release (`uname -r`).
    pub release: Option<&'a [u8]>,
    /// Per-target message counter.
    pub msgid: Option<u32>,
}

/// Number of pieces [`Sysdata::segments`] splits the sysdata block into.
const SYSDATA_SEGMENTS: usize = 12;

impl<'a> Sysdata<'a> {
    /// No sysdata at all.
    pub const NONE: Sysdata<'static> = Sysdata {
        cpu: None,
        taskname: None,
        release: None,
        msgid: None,
    };

    /// The sysdata block as a list of pieces (empty pieces for absent lines). The digits of
    /// the numbers are formatted into the two caller buffers.
    fn segments<'b>(
        &self,
        cpu_buf: &'b mut [u8; 20],
        msgid_buf: &'b mut [u8; 20],
    ) -> [&'b [u8]; SYSDATA_SEGMENTS]
    where
        'a: 'b,
    {
        const E: &[u8] = b"";
        let line = |present: bool, s: &'static [u8]| if present { s } else { E };
        let cpu = match self.cpu {
            Some(c) => format_decimal(u64::from(c), cpu_buf),
            None => E,
        };
        let msgid = match self.msgid {
            Some(m) => format_decimal(u64::from(m), msgid_buf),
            None => E,
        };
        let (has_cpu, has_msgid) = (self.cpu.is_some(), self.msgid.is_some());
        [
            line(has_cpu, b" cpu="),
            cpu,
            line(has_cpu, b"\n"),
            line(self.taskname.is_some(), b" taskname="),
            self.taskname.unwrap_or(E),
            line(self.taskname.is_some(), b"\n"),
            line(self.release.is_some(), b" release="),
            self.release.unwrap_or(E),
            line(self.release.is_some(), b"\n"),
            line(has_msgid, b" msgid="),
            msgid,
            line(has_msgid, b"\n"),
        ]
    }

    /// Length in bytes of the sysdata block (`None` only on arithmetic overflow).
    pub fn len(&self) -> Option<usize> {
        let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
        total_len(&self.segments(&mut a, &mut b))
    }

    /// Whether the sysdata block is empty.
    pub fn is_empty(&self) -> bool {
        *self == Sysdata::NONE
    }

    /// Write the sysdata block to the start of `out`; returns its length, or `None` (and
    /// writes nothing useful) if `out` is too small.
    pub fn write(&self, out: &mut [u8]) -> Option<usize> {
        let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
        let segs = self.segments(&mut a, &mut b);
        let len = total_len(&segs)?;
        let dst = out.get_mut(..len)?;
        (copy_segments(&segs, 0, dst) == len).then_some(len)
    }
}

/// Why an extended message could not be sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MsgError {
    /// The message needs fragmenting but the record has no `;` ending its header (C:
    /// `WARN_ON_ONCE(!body)`, message dropped).
    NoHeader,
    /// The release prefix, record header and `ncfrag` field leave no room for payload in a
    /// datagram (C would overflow or misbehave here); nothing was sent.
    HeaderTooLong,
    /// Lengths overflow `usize` (cannot happen with real messages); nothing was sent.
    TooLong,
}

/// Sum of the lengths of `segs`.
fn total_len(segs: &[&[u8]]) -> Option<usize> {
    segs.iter()
        .try_fold(0usize, |acc, s| acc.checked_add(s.len()))
}

/// Copy bytes `start..` of the concatenation of `segs` into `out`, as many as fit; returns
/// the number copied.
fn copy_segments(segs: &[&[u8]], mut start: usize, out: &mut [u8]) -> usize {
    let mut written = 0usize;
    for seg in segs {
        if start >= seg.len() {
            start = start.wrapping_sub(seg.len());
            continue;
        }
        let src = seg.get(start..).unwrap_or(&[]);
        start = 0;
        let Some(dst) = out.get_mut(written..) else {
            break;
        };
        let n = src.len().min(dst.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
            // Both are `n` bytes long.
            d.copy_from_slice(s);
        }
        // `written + n <= out.len()`.
        written = written.wrapping_add(n);
        if written >= out.len() {
            break;
        }
    }
    written
}

/// Number of decimal digits of `n`.
fn decimal_len(n: usize) -> usize {
    let mut buf = [0u8; 20];
    format_decimal(n as u64, &mut buf).len()
}

/// The release prefix pieces: `<release>,` or nothing.
fn release_prefix(release: Option<&[u8]>) -> [&[u8]; 2] {
    match release {
        Some(r) => [r, b","],
        None => [b"", b""],
    }
}

/// Length of the single datagram [`send_extended`] would send if it does not fragment:
/// `[<release>,]<record><userdata><sysdata>`. It fragments when this exceeds
/// [`MAX_PRINT_CHUNK`].
pub fn extended_len(
    record: &[u8],
    release: Option<&[u8]>,
    userdata: &[u8],
    sysdata: &Sysdata<'_>,
) -> Option<usize> {
    let [r, comma] = release_prefix(release);
    total_len(&[r, comma, record, userdata])?.checked_add(sysdata.len()?)
}

/// Send one extended-console record, as C `send_ext_msg_udp` does with the newer kernels'
/// sysdata and fragmentation.
///
/// `record` is the printk record (`<level>,<seq>,<ts>,<flags>;<text>\n` plus dictionary),
/// `release` the kernel release if the target prepends it, `userdata` the preformatted
/// ` key=value\n` lines, `sysdata` the enabled sysdata lines. `send` is called once per
/// datagram with a slice of `scratch`, which is the only buffer used.
///
/// If `[<release>,]<record><userdata><sysdata>` is at most [`MAX_PRINT_CHUNK`] bytes it is
/// sent as one datagram. Otherwise the header is the record up to its first `;`, the payload
/// everything after that `;` followed by userdata and sysdata, and each datagram is
/// `[<release>,]<header>,ncfrag=<offset>/<total>;<slice>` filled up to `MAX_PRINT_CHUNK`.
///
/// Returns the number of datagrams sent.
///
/// # Errors
///
/// Nothing has been sent when this fails: [`MsgError::NoHeader`] if fragmenting is needed and
/// the record has no `;` (C warns and drops it), [`MsgError::HeaderTooLong`] if the
/// `[<release>,]<header>,ncfrag=<total>/<total>;` prefix would leave no room for payload.
pub fn send_extended(
    scratch: &mut [u8; MAX_PRINT_CHUNK],
    record: &[u8],
    release: Option<&[u8]>,
    userdata: &[u8],
    sysdata: &Sysdata<'_>,
    mut send: impl FnMut(&[u8]),
) -> Result<usize, MsgError> {
    let (mut cpu_buf, mut msgid_buf) = ([0u8; 20], [0u8; 20]);
    let sys = sysdata.segments(&mut cpu_buf, &mut msgid_buf);
    let [rel, comma] = release_prefix(release);
    let [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11] = sys;

    let whole = [
        rel, comma, record, userdata, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11,
    ];
    let whole_len = total_len(&whole).ok_or(MsgError::TooLong)?;
    if whole_len <= MAX_PRINT_CHUNK {
        let out = scratch.get_mut(..whole_len).ok_or(MsgError::TooLong)?;
        let n = copy_segments(&whole, 0, out);
        send(out.get(..n).unwrap_or(&[]));
        return Ok(1);
    }

    // Fragment: header up to the first ';', payload after it.
    let semi = record
        .iter()
        .position(|&b| b == b';')
        .ok_or(MsgError::NoHeader)?;
    // `semi` is a position in `record`, so `split_at` cannot panic.
    if semi > record.len() {
        return Err(MsgError::NoHeader);
    }
    let (header, rest) = record.split_at(semi);
    let body = rest.get(1..).unwrap_or(&[]);
    let payload = [
        body, userdata, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11,
    ];
    let data_len = total_len(&payload).ok_or(MsgError::TooLong)?;

    let prefix = [rel, comma, header];
    let prefix_len = total_len(&prefix).ok_or(MsgError::TooLong)?;
    // Longest `,ncfrag=<offset>/<total>;`: the offset never has more digits than the total.
    let ncfrag_max = decimal_len(data_len)
        .checked_mul(2)
        .and_then(|n| n.checked_add(b",ncfrag=/;".len()))
        .ok_or(MsgError::TooLong)?;
    let header_max = prefix_len
        .checked_add(ncfrag_max)
        .ok_or(MsgError::TooLong)?;
    if header_max >= MAX_PRINT_CHUNK {
        return Err(MsgError::HeaderTooLong);
    }
    // `prefix_len < MAX_PRINT_CHUNK` from here on.
    copy_segments(
        &prefix,
        0,
        scratch.get_mut(..prefix_len).ok_or(MsgError::TooLong)?,
    );

    let mut total_buf = [0u8; 20];
    let total = format_decimal(data_len as u64, &mut total_buf);
    let mut sent = 0usize;
    let mut count = 0usize;
    while sent < data_len {
        let mut offset_buf = [0u8; 20];
        let offset = format_decimal(sent as u64, &mut offset_buf);
        let ncfrag = [b",ncfrag=".as_slice(), offset, b"/", total, b";"];
        let this_header = match scratch.get_mut(prefix_len..header_max) {
            Some(out) => prefix_len.wrapping_add(copy_segments(&ncfrag, 0, out)),
            None => return Err(MsgError::TooLong),
        };
        let Some(room) = scratch.get_mut(this_header..) else {
            break;
        };
        let n = copy_segments(&payload, sent, room);
        if n == 0 {
            // Cannot happen: `this_header < MAX_PRINT_CHUNK` and `sent < data_len`.
            break;
        }
        // `this_header + n <= MAX_PRINT_CHUNK`.
        send(scratch.get(..this_header.wrapping_add(n)).unwrap_or(&[]));
        count = count.wrapping_add(1);
        sent = sent.saturating_add(n);
    }
    Ok(count)
}
