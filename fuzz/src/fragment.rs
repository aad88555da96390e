// SPDX-License-Identifier: GPL-2.0

//! Target `fragment`: extended-console records through `send_extended`.
//!
//! Input: `flags:u8 pad:u16 pad_byte:u8 cpu:u32 msgid:u32` then, separated by NUL bytes,
//! `record`, `release`, `userdata`, `taskname`, `sysrelease` (little-endian numbers; missing
//! parts are zero or empty). Flags: bit 0 the target prepends `release`, bits 1-4 the sysdata
//! lines cpu/taskname/release/msgid are on, bit 5 append `pad % 2048` copies of `pad_byte` to the
//! record (to reach records around and above 1000 bytes with short inputs).
//!
//! Checked: every datagram is at most 1000 bytes and the return value counts them; if
//! `[release,]record userdata sysdata` fits in 1000 bytes it is sent as the one datagram;
//! otherwise each datagram is `[release,]<header>,ncfrag=<offset>/<total>;<slice>` with the
//! header (the record up to its first `;`) and release repeated, offsets contiguous from 0,
//! every datagram but the last full, and the slices reassemble to the record after its first
//! `;` followed by userdata and sysdata. Errors only when the spec says so: no `;` to split
//! at, or no room for payload after `[release,]<header>,ncfrag=<total>/<total>;`.

use netconsole_pure::msg::{extended_len, send_extended, MsgError, Sysdata, MAX_PRINT_CHUNK};

use crate::{fields, Reader};

pub use netconsole_testkit::oracle::sysdata_bytes;

/// Run every check on `data`.
pub fn check(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let pad = usize::from(r.u16()) % 2048;
    let pad_byte = r.u8();
    let cpu = r.u32();
    let msgid = r.u32();
    let [record, release, userdata, taskname, sysrelease] = fields::<5>(r.rest(), 0);
    let mut record = record.to_vec();
    if flags & 0x20 != 0 {
        record.resize(record.len() + pad, pad_byte);
    }
    let release = (flags & 1 != 0).then_some(release);
    let sysdata = Sysdata {
        cpu: (flags & 2 != 0).then_some(cpu),
        taskname: (flags & 4 != 0).then_some(taskname),
        release: (flags & 8 != 0).then_some(sysrelease),
        msgid: (flags & 0x10 != 0).then_some(msgid),
    };
    check_one(&record, release, userdata, &sysdata);
}

/// Send one record and check what was sent.
pub fn check_one(record: &[u8], release: Option<&[u8]>, userdata: &[u8], sysdata: &Sysdata<'_>) {
    let sys = sysdata_bytes(sysdata);
    let mut rel = Vec::new();
    if let Some(r) = release {
        rel.extend_from_slice(r);
        rel.push(b',');
    }
    let whole = [&rel[..], record, userdata, &sys].concat();
    assert_eq!(sysdata.len(), Some(sys.len()), "Sysdata::len");
    let mut written = vec![0u8; sys.len() + 1];
    assert_eq!(
        sysdata.write(&mut written),
        Some(sys.len()),
        "Sysdata::write"
    );
    assert_eq!(&written[..sys.len()], &sys[..]);
    assert_eq!(
        extended_len(record, release, userdata, sysdata),
        Some(whole.len())
    );

    let mut scratch = [0u8; MAX_PRINT_CHUNK];
    let mut sent: Vec<Vec<u8>> = Vec::new();
    let res = send_extended(&mut scratch, record, release, userdata, sysdata, |d| {
        sent.push(d.to_vec())
    });
    for d in &sent {
        assert!(d.len() <= MAX_PRINT_CHUNK, "datagram of {} bytes", d.len());
    }

    if whole.len() <= MAX_PRINT_CHUNK {
        assert_eq!(res, Ok(1));
        assert_eq!(sent, [whole], "a record that fits goes as it is");
        return;
    }

    // Fragmented.
    let Some(semi) = record.iter().position(|&b| b == b';') else {
        assert_eq!(res, Err(MsgError::NoHeader));
        assert!(sent.is_empty());
        return;
    };
    let header = &record[..semi];
    let body = [&record[semi + 1..], userdata, &sys].concat();
    let total = body.len().to_string();
    let prefix = [&rel[..], header, b",ncfrag="].concat();
    let longest_header = prefix.len() + total.len() * 2 + "/;".len();
    if longest_header >= MAX_PRINT_CHUNK {
        assert_eq!(res, Err(MsgError::HeaderTooLong));
        assert!(sent.is_empty());
        return;
    }
    assert_eq!(res, Ok(sent.len()), "return value is the datagram count");
    // `whole` > 1000 and the header leaves room, so there is payload to send.
    assert!(!sent.is_empty(), "nothing sent");

    let mut reassembled = Vec::new();
    for (i, d) in sent.iter().enumerate() {
        assert!(
            d.starts_with(&prefix),
            "fragment {i} does not start with release,header"
        );
        let rest = &d[prefix.len()..];
        let semi = rest
            .iter()
            .position(|&b| b == b';')
            .expect("ncfrag ends with ';'");
        let (field, slice) = (&rest[..semi], &rest[semi + 1..]);
        let offset = reassembled.len().to_string();
        let expect = [offset.as_bytes(), b"/", total.as_bytes()].concat();
        assert_eq!(
            field,
            &expect[..],
            "fragment {i}: ncfrag {:?}, want {:?}",
            String::from_utf8_lossy(field),
            String::from_utf8_lossy(&expect)
        );
        assert!(!slice.is_empty(), "fragment {i} carries no payload");
        if i + 1 < sent.len() {
            assert_eq!(
                d.len(),
                MAX_PRINT_CHUNK,
                "fragment {i} is not the last but not full"
            );
        }
        reassembled.extend_from_slice(slice);
    }
    assert_eq!(
        reassembled, body,
        "fragments do not reassemble to the payload"
    );
}
