// SPDX-License-Identifier: GPL-2.0
//! Reference builders: what the module's formatter must produce, written the obvious way, and
//! the formatter's datagrams collected for tests.

use netconsole_pure::msg::{send_extended, Sysdata, MAX_PRINT_CHUNK};

/// The sysdata block (spec section 5: ` cpu=`, ` taskname=`, ` release=`, ` msgid=` lines in
/// that order, each only when set), written the obvious way.
pub fn sysdata_bytes(s: &Sysdata<'_>) -> Vec<u8> {
    let mut v = Vec::new();
    if let Some(c) = s.cpu {
        v.extend_from_slice(format!(" cpu={c}\n").as_bytes());
    }
    if let Some(t) = s.taskname {
        v.extend_from_slice(b" taskname=");
        v.extend_from_slice(t);
        v.push(b'\n');
    }
    if let Some(r) = s.release {
        v.extend_from_slice(b" release=");
        v.extend_from_slice(r);
        v.push(b'\n');
    }
    if let Some(m) = s.msgid {
        v.extend_from_slice(format!(" msgid={m}\n").as_bytes());
    }
    v
}

/// The datagrams the module's formatter sends for one extended message.
pub fn extended_datagrams(
    record: &[u8],
    release: Option<&[u8]>,
    userdata: &[u8],
    sysdata: &Sysdata<'_>,
) -> Vec<Vec<u8>> {
    let mut scratch = [0u8; MAX_PRINT_CHUNK];
    let mut out = Vec::new();
    send_extended(&mut scratch, record, release, userdata, sysdata, |d| {
        out.push(d.to_vec())
    })
    .expect("the formatter refused a message");
    out
}
