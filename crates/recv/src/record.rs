// SPDX-License-Identifier: GPL-2.0

//! Parsing netconsole datagrams: the extended header, `ncfrag`, and the body of a whole message.
//!
//! C sources of the format: `info_print_ext_header`, `msg_add_ext_text` and
//! `msg_print_ext_body` in `kernel/printk/printk.c` (the printk record), `send_ext_msg_udp` in
//! `drivers/net/netconsole.c` (release prefix, userdata, sysdata, fragments).
//!
//! An extended datagram is
//! `[<release>,]<level>,<seq>,<ts_usec>,<flags>[,caller=<id>][,ncfrag=<off>/<total>];<body>`.
//! Anything that does not parse as that is a basic datagram and is passed through as text.

/// Most comma-separated header fields accepted (the release may itself contain commas).
const MAX_HEADER_FIELDS: usize = 32;
/// Longest header (bytes before the first `;`) accepted as extended.
pub const MAX_HEADER_LEN: usize = 512;
/// Most decimal digits accepted in a number (`u64::MAX` has 20).
const MAX_DIGITS: usize = 20;
/// Longest flags field accepted (printk writes one character, `-` or `c`).
const MAX_FLAGS_LEN: usize = 8;

/// The `ncfrag=<offset>/<total>` field of a fragment, as sent (not yet validated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frag {
    /// Byte offset of this fragment's slice in the message payload.
    pub offset: u64,
    /// Claimed length of the whole payload (text after the header's `;`, userdata, sysdata).
    pub total: u64,
}

/// The parsed header of an extended datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// Kernel release prepended by a target with `release=1`.
    pub release: Option<&'a [u8]>,
    /// The syslog priority field: `facility << 3 | level`.
    pub prio: u32,
    /// printk sequence number.
    pub seq: u64,
    /// Timestamp in microseconds since boot.
    pub ts_usec: u64,
    /// printk flags: `-`, or `c` for a continuation record.
    pub flags: &'a [u8],
    /// `caller=T<pid>` or `caller=C<cpu>` with `CONFIG_PRINTK_CALLER`.
    pub caller: Option<&'a [u8]>,
    /// The fragment field, for a message split by netconsole.
    pub frag: Option<Frag>,
    /// The header before the `ncfrag` field (all of it if there is none).
    key_head: &'a [u8],
    /// The header after the `ncfrag` field.
    key_tail: &'a [u8],
}

impl Header<'_> {
    /// printk log level (0 emergency .. 7 debug).
    pub fn level(&self) -> u8 {
        // Masked to 3 bits.
        (self.prio & 7) as u8
    }

    /// Syslog facility (0 kernel, 1 user, ...).
    pub fn facility(&self) -> u32 {
        self.prio >> 3
    }

    /// The header without its `ncfrag` field: equal for all fragments of one message.
    pub fn message_key(&self) -> Vec<u8> {
        [self.key_head, self.key_tail].concat()
    }
}

/// Why a datagram with an extended header was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadHeader {
    /// `ncfrag` is not `<digits>/<digits>`, or appears twice.
    MalformedNcfrag,
}

impl BadHeader {
    /// A short description for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            BadHeader::MalformedNcfrag => "malformed ncfrag field",
        }
    }
}

/// One received datagram, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Datagram<'a> {
    /// An extended record, whole or one fragment; `body` is everything after the first `;`.
    Extended {
        /// The parsed header.
        header: Header<'a>,
        /// The record body, or this fragment's slice of the payload.
        body: &'a [u8],
    },
    /// An extended header with an unusable field: dropped and reported, never printed.
    Bad {
        /// The header with `frag` unset.
        header: Header<'a>,
        /// What is wrong.
        reason: BadHeader,
    },
    /// Anything else: basic console text.
    Basic(&'a [u8]),
}

/// A decimal number of at most 20 digits (`u64::MAX`), no sign, no spaces.
pub fn decimal(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > MAX_DIGITS {
        return None;
    }
    field.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Whether `field` can be the flags field: short, printable, no `=`, not a number.
fn is_flags(field: &[u8]) -> bool {
    !field.is_empty()
        && field.len() <= MAX_FLAGS_LEN
        && field.iter().all(|&b| b.is_ascii_graphic() && b != b'=')
        && !field.iter().all(u8::is_ascii_digit)
}

/// Byte ranges of the comma-separated fields of `head` (at most [`MAX_HEADER_FIELDS`]).
struct Fields {
    ranges: [(usize, usize); MAX_HEADER_FIELDS],
    len: usize,
}

impl Fields {
    fn split(head: &[u8]) -> Option<Fields> {
        let mut f = Fields {
            ranges: [(0, 0); MAX_HEADER_FIELDS],
            len: 0,
        };
        let mut start = 0;
        for (i, b) in head.iter().copied().enumerate().chain([(head.len(), b',')]) {
            if b == b',' {
                *f.ranges.get_mut(f.len)? = (start, i);
                f.len += 1;
                start = i + 1;
            }
        }
        Some(f)
    }

    fn get<'a>(&self, head: &'a [u8], i: usize) -> Option<&'a [u8]> {
        let &(s, e) = self.ranges.get(..self.len)?.get(i)?;
        head.get(s..e)
    }
}

/// The header fields of an extended record that starts at field `k` of `head`, if it does.
fn header_at<'a>(
    head: &'a [u8],
    fields: &Fields,
    k: usize,
) -> Option<Result<Header<'a>, Header<'a>>> {
    let num = |i: usize| fields.get(head, k + i).and_then(decimal);
    let prio = u32::try_from(num(0)?).ok()?;
    let seq = num(1)?;
    let ts_usec = num(2)?;
    let flags = fields.get(head, k + 3)?;
    if !is_flags(flags) {
        return None;
    }
    let release = if k == 0 {
        None
    } else {
        // The release is everything before field `k`, without the comma.
        let start = fields.ranges.get(k)?.0;
        let r = head.get(..start.checked_sub(1)?)?;
        if r.is_empty() {
            return None;
        }
        Some(r)
    };
    let mut header = Header {
        release,
        prio,
        seq,
        ts_usec,
        flags,
        caller: None,
        frag: None,
        key_head: head,
        key_tail: &[],
    };
    let mut bad = false;
    let mut frag_seen = false;
    for i in k + 4..fields.len {
        let field = fields.get(head, i)?;
        let eq = field.iter().position(|&b| b == b'=')?;
        let (name, value) = (&field[..eq], &field[eq + 1..]);
        match name {
            b"caller" => header.caller = Some(value),
            b"ncfrag" => {
                let (s, e) = fields.ranges[i];
                header.key_head = &head[..s - 1];
                header.key_tail = &head[e..];
                let parsed = value.iter().position(|&b| b == b'/').and_then(|slash| {
                    Some((decimal(&value[..slash])?, decimal(&value[slash + 1..])?))
                });
                match parsed {
                    Some((offset, total)) if !frag_seen => {
                        header.frag = Some(Frag { offset, total })
                    }
                    _ => bad = true,
                }
                frag_seen = true;
            }
            // Fields of newer kernels: keep the record, ignore the field.
            _ => {}
        }
    }
    if bad {
        header.frag = None;
        Some(Err(header))
    } else {
        Some(Ok(header))
    }
}

/// Classify a datagram: extended (whole record or fragment) or basic text.
///
/// The release prefix is recognised by position, not by its look: the header is extended if
/// some field `k` starts `<number>,<number>,<number>,<flags>` and every later field is
/// `name=value`; the earliest such `k` wins, and the fields before it are the release. Flags are
/// never a number (printk writes `-` or `c`), so even a purely numeric release is found.
pub fn parse_datagram(d: &[u8]) -> Datagram<'_> {
    let Some(semi) = d.iter().take(MAX_HEADER_LEN + 1).position(|&b| b == b';') else {
        return Datagram::Basic(d);
    };
    let (head, body) = (&d[..semi], &d[semi + 1..]);
    let Some(fields) = Fields::split(head) else {
        return Datagram::Basic(d);
    };
    for k in 0..fields.len.saturating_sub(3) {
        match header_at(head, &fields, k) {
            Some(Ok(header)) => return Datagram::Extended { header, body },
            Some(Err(header)) => {
                return Datagram::Bad {
                    header,
                    reason: BadHeader::MalformedNcfrag,
                }
            }
            None => {}
        }
    }
    Datagram::Basic(d)
}

/// The sysdata lines netconsole appends (after userdata, in this order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sysdata {
    /// ` cpu=<n>`: CPU of the printk caller.
    pub cpu: Option<u32>,
    /// ` taskname=<comm>`: task of the printk caller.
    pub taskname: Option<Vec<u8>>,
    /// ` release=<uname -r>`.
    pub release: Option<Vec<u8>>,
    /// ` msgid=<n>`: per-target message counter (u32, wraps).
    pub msgid: Option<u32>,
}

impl Sysdata {
    /// Whether no sysdata line was present.
    pub fn is_empty(&self) -> bool {
        *self == Sysdata::default()
    }
}

/// A `key=value` line of a message body.
pub type KeyValue = (Vec<u8>, Vec<u8>);

/// The body of a whole extended message (after the header's `;`), split into its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    /// The message text, with printk's `\xHH` escapes decoded. Stray lines that are not
    /// ` key=value` are appended after a `\n`.
    pub text: Vec<u8>,
    /// printk dictionary lines (` SUBSYSTEM=`, ` DEVICE=`), escapes decoded.
    pub dictionary: Vec<KeyValue>,
    /// netconsole userdata lines, as sent (userdata is not escaped by the kernel).
    pub userdata: Vec<KeyValue>,
    /// netconsole sysdata lines.
    pub sysdata: Sysdata,
}

/// Rank of a sysdata key in netconsole's fixed order.
fn sysdata_rank(key: &[u8]) -> Option<usize> {
    [b"cpu".as_slice(), b"taskname", b"release", b"msgid"]
        .iter()
        .position(|k| *k == key)
}

/// Decode printk's `\xHH` escapes (`msg_add_ext_text` escapes control bytes, bytes >= 127 and
/// `\`). Anything else, including a lone backslash, is kept as it is.
pub fn unescape(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if let [b'\\', b'x', h, l, ..] = s[i..] {
            if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                // Two hex digits make at most 0xff.
                out.push((h * 16 + l) as u8);
                i += 4;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Split the body of a whole message: text line, dictionary, userdata, then sysdata.
///
/// Sysdata is the longest run of trailing lines whose keys follow netconsole's order
/// (`cpu`, `taskname`, `release`, `msgid`, each at most once) with numeric `cpu` and `msgid`;
/// the dictionary is the leading run of `SUBSYSTEM`/`DEVICE` lines; the rest is userdata. A
/// userdata key named like a sysdata key at the very end cannot be told apart.
pub fn parse_body(body: &[u8]) -> Body {
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    let mut lines = body.split(|&b| b == b'\n');
    let mut text = lines.next().unwrap_or_default().to_vec();
    let mut pairs: Vec<(&[u8], &[u8])> = Vec::new();
    for line in lines {
        match line.strip_prefix(b" ").and_then(|l| {
            l.iter()
                .position(|&b| b == b'=')
                .map(|eq| (&l[..eq], &l[eq + 1..]))
        }) {
            Some(kv) => pairs.push(kv),
            None => {
                text.push(b'\n');
                text.extend_from_slice(line);
            }
        }
    }

    let mut sysdata = Sysdata::default();
    let mut sys_start = pairs.len();
    let mut next_rank = 4;
    for (i, (k, v)) in pairs.iter().enumerate().rev() {
        let Some(rank) = sysdata_rank(k).filter(|&r| r < next_rank) else {
            break;
        };
        let number = || decimal(v).and_then(|n| u32::try_from(n).ok());
        match rank {
            0 => match number() {
                Some(n) => sysdata.cpu = Some(n),
                None => break,
            },
            1 => sysdata.taskname = Some(v.to_vec()),
            2 => sysdata.release = Some(v.to_vec()),
            _ => match number() {
                Some(n) => sysdata.msgid = Some(n),
                None => break,
            },
        }
        next_rank = rank;
        sys_start = i;
    }

    let head = &pairs[..sys_start];
    let dict_len = head
        .iter()
        .take_while(|(k, _)| *k == b"SUBSYSTEM" || *k == b"DEVICE")
        .count();
    Body {
        text: unescape(&text),
        dictionary: head[..dict_len]
            .iter()
            .map(|(k, v)| (unescape(k), unescape(v)))
            .collect(),
        userdata: head[dict_len..]
            .iter()
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect(),
        sysdata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(d: &[u8]) -> (Header<'_>, &[u8]) {
        match parse_datagram(d) {
            Datagram::Extended { header, body } => (header, body),
            other => panic!("not extended: {other:?}"),
        }
    }

    fn is_basic(d: &[u8]) -> bool {
        matches!(parse_datagram(d), Datagram::Basic(b) if b == d)
    }

    #[test]
    fn plain_extended_record() {
        let (h, body) = ext(b"6,1234,5678901,-;hello\n");
        assert_eq!(h.release, None);
        assert_eq!((h.prio, h.level(), h.facility()), (6, 6, 0));
        assert_eq!((h.seq, h.ts_usec), (1234, 5_678_901));
        assert_eq!(h.flags, b"-");
        assert_eq!((h.caller, h.frag), (None, None));
        assert_eq!(body, b"hello\n");
    }

    #[test]
    fn facility_and_continuation_flag() {
        let (h, _) = ext(b"14,7,8,c;from userspace\n");
        assert_eq!((h.level(), h.facility(), h.flags), (6, 1, b"c".as_slice()));
    }

    #[test]
    fn caller_and_ncfrag() {
        let (h, body) = ext(b"4,99,100,-,caller=T123,ncfrag=1000/1500;abc");
        assert_eq!(h.caller, Some(b"T123".as_slice()));
        assert_eq!(
            h.frag,
            Some(Frag {
                offset: 1000,
                total: 1500
            })
        );
        assert_eq!(h.message_key(), b"4,99,100,-,caller=T123");
        assert_eq!(body, b"abc");
    }

    #[test]
    fn release_prefix() {
        let (h, body) = ext(b"6.12.117,6,1,2,-;x\n");
        assert_eq!(h.release, Some(b"6.12.117".as_slice()));
        assert_eq!((h.prio, h.seq, h.ts_usec), (6, 1, 2));
        assert_eq!(body, b"x\n");
        let (h, _) = ext(b"6.12.117-amd64,6,1,2,-,ncfrag=0/2000;x");
        assert_eq!(h.release, Some(b"6.12.117-amd64".as_slice()));
        assert_eq!(h.message_key(), b"6.12.117-amd64,6,1,2,-");
    }

    #[test]
    fn numeric_or_comma_release() {
        // A release that is a plain number: flags are never numeric, so it is still found.
        let (h, _) = ext(b"5,6,1,2,-;x");
        assert_eq!(h.release, Some(b"5".as_slice()));
        assert_eq!((h.prio, h.seq, h.ts_usec), (6, 1, 2));
        // A release with commas in it.
        let (h, _) = ext(b"a,b,6,1,2,-;x");
        assert_eq!(h.release, Some(b"a,b".as_slice()));
    }

    #[test]
    fn unknown_header_fields_are_ignored() {
        let (h, _) = ext(b"6,1,2,-,future=1,ncfrag=0/10;x");
        assert_eq!(
            h.frag,
            Some(Frag {
                offset: 0,
                total: 10
            })
        );
        assert_eq!(h.message_key(), b"6,1,2,-,future=1");
    }

    #[test]
    fn not_extended() {
        for d in [
            b"hello world\n".as_slice(),
            b"6,1234,5678901,-hello\n",         // no ';'
            b"6,x,5678901,-;hello\n",           // non-numeric seq
            b"6,1,2;x",                         // too few fields
            b"6,1,2,3;x",                       // numeric flags
            b",6,1,2,-;x",                      // empty release
            b"6,1,2,-,nokey;x",                 // extra field without '='
            b"-6,1,2,-;x",                      // sign
            b"6, 1,2,-;x",                      // space
            b"99999999999,1,2,-;x",             // prio beyond u32
            b"6,99999999999999999999999,2,-;x", // seq beyond u64
            b"[    5.678901] foo; bar\n",
            b"",
            b";",
        ] {
            assert!(is_basic(d), "{:?}", String::from_utf8_lossy(d));
        }
    }

    #[test]
    fn header_length_and_field_limits() {
        let long_release = [b"r".repeat(MAX_HEADER_LEN), b",6,1,2,-;x".to_vec()].concat();
        assert!(is_basic(&long_release));
        let many = [b"a,".repeat(MAX_HEADER_FIELDS), b"6,1,2,-;x".to_vec()].concat();
        assert!(is_basic(&many));
    }

    #[test]
    fn bad_ncfrag() {
        for d in [
            b"6,1,2,-,ncfrag=abc;x".as_slice(),
            b"6,1,2,-,ncfrag=1;x",
            b"6,1,2,-,ncfrag=1/;x",
            b"6,1,2,-,ncfrag=/5;x",
            b"6,1,2,-,ncfrag=-1/5;x",
            b"6,1,2,-,ncfrag=0/99999999999999999999999;x",
            b"6,1,2,-,ncfrag=0/5,ncfrag=0/5;x",
        ] {
            match parse_datagram(d) {
                Datagram::Bad { header, reason } => {
                    assert_eq!(reason, BadHeader::MalformedNcfrag);
                    assert_eq!(header.seq, 1);
                    assert_eq!(header.frag, None);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn semicolon_in_text_belongs_to_body() {
        let (_, body) = ext(b"6,1,2,-;a;b;c\n");
        assert_eq!(body, b"a;b;c\n");
    }

    #[test]
    fn unescape_printk() {
        assert_eq!(unescape(b"a\\x0ab\\x5cc"), b"a\nb\\c");
        assert_eq!(unescape(b"caf\\xc3\\xa9"), "café".as_bytes());
        assert_eq!(unescape(b"\\xZZ \\x1 \\"), b"\\xZZ \\x1 \\");
        assert_eq!(unescape(b"\\xFF"), b"\xff");
    }

    #[test]
    fn body_parts() {
        let b = parse_body(
            b"link up\\x0a\n SUBSYSTEM=net\n DEVICE=+net:eth0\n host=web1\n env=a=b\n cpu=3\n taskname=kworker/3:1\n release=6.12.117\n msgid=42\n",
        );
        assert_eq!(b.text, b"link up\n");
        assert_eq!(
            b.dictionary,
            vec![
                (b"SUBSYSTEM".to_vec(), b"net".to_vec()),
                (b"DEVICE".to_vec(), b"+net:eth0".to_vec())
            ]
        );
        assert_eq!(
            b.userdata,
            vec![
                (b"host".to_vec(), b"web1".to_vec()),
                (b"env".to_vec(), b"a=b".to_vec())
            ]
        );
        assert_eq!(
            b.sysdata,
            Sysdata {
                cpu: Some(3),
                taskname: Some(b"kworker/3:1".to_vec()),
                release: Some(b"6.12.117".to_vec()),
                msgid: Some(42),
            }
        );
    }

    #[test]
    fn body_sysdata_subsets_and_order() {
        let b = parse_body(b"x\n taskname=sh\n msgid=7\n");
        assert_eq!(b.sysdata.taskname.as_deref(), Some(b"sh".as_slice()));
        assert_eq!((b.sysdata.cpu, b.sysdata.msgid), (None, Some(7)));
        assert!(b.userdata.is_empty());
        // Out of order: only the ordered tail is sysdata.
        let b = parse_body(b"x\n msgid=7\n cpu=1\n");
        assert_eq!(b.sysdata.cpu, Some(1));
        assert_eq!(b.sysdata.msgid, None);
        assert_eq!(b.userdata, vec![(b"msgid".to_vec(), b"7".to_vec())]);
        // A non-numeric msgid is userdata.
        let b = parse_body(b"x\n msgid=seven\n");
        assert!(b.sysdata.is_empty());
        assert_eq!(b.userdata.len(), 1);
        // msgid beyond u32 is not sysdata.
        let b = parse_body(b"x\n msgid=4294967296\n");
        assert!(b.sysdata.is_empty());
    }

    #[test]
    fn body_stray_lines_and_missing_newline() {
        let b = parse_body(b"first\nsecond\n k=v\nthird");
        assert_eq!(b.text, b"first\nsecond\nthird");
        assert_eq!(b.userdata, vec![(b"k".to_vec(), b"v".to_vec())]);
        assert_eq!(parse_body(b"").text, b"");
        assert_eq!(parse_body(b"\n").text, b"");
    }
}
