// SPDX-License-Identifier: GPL-2.0

//! Datagrams as Linux 6.12's C netconsole sends them, through the whole receiver.
//!
//! The single-datagram vectors are written out by hand from the 6.12 sources
//! (`info_print_ext_header` / `msg_print_ext_body` in kernel/printk/printk.c for the record,
//! `send_ext_msg_udp` in drivers/net/netconsole.c for release prefix, userdata and `ncfrag`).
//! Fragmented ones come from [`c612_send_ext_msg_udp`], a line-by-line port of 6.12's
//! `send_ext_msg_udp` (6.12 has userdata but no sysdata, and fragments body then userdata).

use std::net::SocketAddr;
use std::time::Instant;

use netconsole_recv::loss::Counter;
use netconsole_recv::{Event, Extended, Limits, Payload, Receiver};

const MAX_PRINT_CHUNK: usize = 1000;

/// Linux 6.12 `send_ext_msg_udp`, kept close to the C.
fn c612_send_ext_msg_udp(msg: &[u8], release: Option<&str>, userdata: &[u8]) -> Vec<Vec<u8>> {
    let release_len = release.map_or(0, |r| r.len() + 1);
    let userdata_len = userdata.len();
    if msg.len() + release_len + userdata_len <= MAX_PRINT_CHUNK {
        let mut buf = Vec::new();
        if let Some(r) = release {
            buf.extend_from_slice(format!("{r},").as_bytes());
        }
        buf.extend_from_slice(msg);
        buf.extend_from_slice(userdata);
        return vec![buf];
    }
    let body_pos = msg
        .iter()
        .position(|&b| b == b';')
        .expect("WARN_ON_ONCE(!body)");
    let header = &msg[..body_pos];
    let body = &msg[body_pos + 1..];
    let body_len = body.len();
    let mut prefix = Vec::new();
    if let Some(r) = release {
        prefix.extend_from_slice(format!("{r},").as_bytes());
    }
    prefix.extend_from_slice(header);
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < body_len + userdata_len {
        let mut buf = prefix.clone();
        buf.extend_from_slice(
            format!(",ncfrag={}/{};", offset, body_len + userdata_len).as_bytes(),
        );
        let this_header = buf.len();
        let mut this_offset = 0;
        let mut this_chunk = 0;
        if offset < body_len {
            this_chunk = (body_len - offset).min(MAX_PRINT_CHUNK - this_header);
            assert!(this_chunk > 0);
            buf.extend_from_slice(&body[offset..offset + this_chunk]);
            this_offset += this_chunk;
        }
        if offset + this_offset >= body_len && offset + this_offset < userdata_len + body_len {
            let sent_userdata = (offset + this_offset) - body_len;
            let preceding_bytes = this_chunk + this_header;
            this_chunk = (userdata_len - sent_userdata).min(MAX_PRINT_CHUNK - preceding_bytes);
            buf.extend_from_slice(&userdata[sent_userdata..sent_userdata + this_chunk]);
            this_offset += this_chunk;
        }
        assert!(buf.len() <= MAX_PRINT_CHUNK);
        out.push(buf);
        offset += this_offset;
    }
    out
}

fn from() -> SocketAddr {
    "10.0.0.2:6665".parse().unwrap()
}

fn feed(r: &mut Receiver, datagrams: &[Vec<u8>]) -> Vec<Event> {
    let now = Instant::now();
    let mut out = Vec::new();
    for d in datagrams {
        r.datagram(from(), d, now, &mut out);
    }
    out
}

fn messages(events: &[Event]) -> Vec<Extended> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message {
                payload: Payload::Extended(m),
                ..
            } => Some((**m).clone()),
            _ => None,
        })
        .collect()
}

fn one(d: &[u8]) -> Extended {
    let mut r = Receiver::new(Limits::default());
    let ev = feed(&mut r, &[d.to_vec()]);
    assert_eq!(ev.len(), 1, "{ev:?}");
    messages(&ev).pop().expect("an extended message")
}

#[test]
fn plain_record() {
    let m = one(b"6,1234,5678901,-;hello\n");
    assert_eq!(
        (m.level(), m.facility(), m.seq, m.ts_usec),
        (6, 0, 1234, 5_678_901)
    );
    assert_eq!(
        (m.flags.as_slice(), m.body.text.as_slice()),
        (b"-".as_slice(), b"hello".as_slice())
    );
    assert!(m.release.is_none() && m.caller.is_none());
    assert!(m.body.userdata.is_empty() && m.body.sysdata.is_empty());
}

#[test]
fn record_with_caller_and_continuation() {
    // CONFIG_PRINTK_CALLER, and a LOG_CONT record.
    let m = one(b"4,1240,5680000,c,caller=T417;usb 1-1: new high-speed USB device\n");
    assert_eq!(m.caller.as_deref(), Some(b"T417".as_slice()));
    assert_eq!(m.flags, b"c");
    assert_eq!(m.level(), 4);
    let m = one(b"6,1241,5680001,-,caller=C3;irq on cpu 3\n");
    assert_eq!(m.caller.as_deref(), Some(b"C3".as_slice()));
}

#[test]
fn release_prefix() {
    let m = one(b"6.12.117-amd64,6,1236,5679000,-;netconsole: network logging started\n");
    assert_eq!(m.release.as_deref(), Some(b"6.12.117-amd64".as_slice()));
    assert_eq!(m.seq, 1236);
    assert_eq!(m.body.text, b"netconsole: network logging started");
}

#[test]
fn dictionary_from_dev_printk() {
    let m = one(
        b"6,339,4046523,-;e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:19.0\n",
    );
    assert_eq!(
        m.body.dictionary,
        vec![
            (b"SUBSYSTEM".to_vec(), b"pci".to_vec()),
            (b"DEVICE".to_vec(), b"+pci:0000:00:19.0".to_vec())
        ]
    );
    assert!(m.body.userdata.is_empty());
}

#[test]
fn userdata_of_6_12() {
    // userdata/hostname/value = web1, userdata/dc/value = ams; dictionary before userdata.
    let m = one(b"3,901,12000000,-;blk_update_request: I/O error\n SUBSYSTEM=block\n hostname=web1\n dc=ams\n");
    assert_eq!(m.body.dictionary.len(), 1);
    assert_eq!(
        m.body.userdata,
        vec![
            (b"hostname".to_vec(), b"web1".to_vec()),
            (b"dc".to_vec(), b"ams".to_vec())
        ]
    );
}

#[test]
fn escaped_text_and_user_facility() {
    // printk escapes non-ASCII and control bytes as \xHH; /dev/kmsg writers set a facility.
    let m = one(b"14,1300,7000000,-;caf\\xc3\\xa9 \\x5c tab\\x09end\n");
    assert_eq!((m.facility(), m.level()), (1, 6));
    assert_eq!(m.body.text, "café \\ tab\tend".as_bytes());
}

#[test]
fn fragmented_1500_bytes() {
    let text = "f".repeat(1499);
    let msg = format!("6,1235,5678999,-;{text}\n");
    let d = c612_send_ext_msg_udp(msg.as_bytes(), None, b"");
    assert_eq!(d.len(), 2);
    let head0 = b"6,1235,5678999,-,ncfrag=0/1500;";
    let head1 = b"6,1235,5678999,-,ncfrag=969/1500;";
    assert!(d[0].starts_with(head0) && d[0].len() == 1000);
    assert!(d[1].starts_with(head1) && d[1].len() == head1.len() + 531);
    let m = one_of(&d);
    assert_eq!(m.body.text, text.as_bytes());
    assert_eq!((m.seq, m.fragments), (1235, 2));
}

fn one_of(d: &[Vec<u8>]) -> Extended {
    let mut r = Receiver::new(Limits::default());
    let ev = feed(&mut r, d);
    let m = messages(&ev);
    assert_eq!((ev.len(), m.len()), (1, 1), "{ev:?}");
    m.into_iter().next().unwrap()
}

#[test]
fn fragmented_with_release_and_userdata_across_the_boundary() {
    let text = "word ".repeat(390);
    let msg = format!("4,77,123456789,-;{text}\n");
    let userdata = b" hostname=web1\n note=boundary crossing\n";
    let d = c612_send_ext_msg_udp(msg.as_bytes(), Some("6.12.117"), userdata);
    assert_eq!(d.len(), 3);
    assert!(d
        .iter()
        .all(|d| d.starts_with(b"6.12.117,4,77,123456789,-,ncfrag=")));
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
        let shuffled: Vec<Vec<u8>> = order.iter().map(|&i| d[i].clone()).collect();
        let m = one_of(&shuffled);
        assert_eq!(m.body.text, text.as_bytes());
        assert_eq!(m.release.as_deref(), Some(b"6.12.117".as_slice()));
        assert_eq!(m.body.userdata.len(), 2);
        assert_eq!(m.body.userdata[1].1, b"boundary crossing");
    }
}

#[test]
fn a_boot_capture_has_no_loss() {
    let mut caps: Vec<Vec<u8>> = vec![
        b"6,0,0,-;Linux version 6.12.117-amd64 (debian-kernel@lists.debian.org)\n".to_vec(),
        b"6,1,0,-;Command line: console=ttyS0 netconsole=+@/eth0,6666@10.0.0.1/\n".to_vec(),
        b"5,2,120,-;x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'\n"
            .to_vec(),
        b"4,3,3012,-;ACPI BIOS Warning (bug): Incorrect checksum in table [DSDT]\n".to_vec(),
    ];
    let long = format!("6,4,5000,-;{}\n", "call trace ".repeat(200));
    caps.extend(c612_send_ext_msg_udp(
        long.as_bytes(),
        None,
        b" hostname=web1\n",
    ));
    caps.push(b"6,5,6000,-;netconsole: network logging started\n hostname=web1\n".to_vec());
    let mut r = Receiver::new(Limits::default());
    let ev = feed(&mut r, &caps);
    let m = messages(&ev);
    assert_eq!(ev.len(), 6, "only messages: {ev:?}");
    assert_eq!(
        m.iter().map(|m| m.seq).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(m[4].fragments, 3);
    let s = r.summary().totals;
    assert_eq!(
        (
            s.messages,
            s.seq.gaps,
            s.msgid.gaps,
            s.rejected,
            s.incomplete
        ),
        (6, 0, 0, 0, 0)
    );
}

#[test]
fn replay_on_registration_is_a_restart() {
    // A dynamic target enabled later replays nothing, but a boot target registering with
    // CON_PRINTBUFFER replays from the oldest record: seq goes back.
    let mut r = Receiver::new(Limits::default());
    let ev = feed(
        &mut r,
        &[
            b"6,900,1,-;a\n".to_vec(),
            b"6,901,2,-;b\n".to_vec(),
            b"6,0,0,-;Linux version 6.12.117\n".to_vec(),
            b"6,1,0,-;Command line: ...\n".to_vec(),
        ],
    );
    let restarts: Vec<&Event> = ev
        .iter()
        .filter(|e| matches!(e, Event::Restart { .. }))
        .collect();
    assert_eq!(restarts.len(), 1);
    assert!(matches!(
        restarts[0],
        Event::Restart {
            counter: Counter::Seq,
            previous: 901,
            current: 0,
            ..
        }
    ));
    assert_eq!(r.summary().totals.seq.missing, 0);
}

#[test]
fn basic_format_chunks() {
    // 6.12 `write_msg`: the console text cut at 1000 bytes, nothing added.
    let line = format!("[   12.345678] {}\n", "b".repeat(1500));
    let chunks: Vec<Vec<u8>> = line
        .as_bytes()
        .chunks(MAX_PRINT_CHUNK)
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(chunks.len(), 2);
    let mut r = Receiver::new(Limits::default());
    let ev = feed(&mut r, &chunks);
    match &ev[..] {
        [Event::Message {
            payload: Payload::Basic(l),
            ..
        }] => assert_eq!(l.as_slice(), line.trim_end().as_bytes()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn project_formatter_matches_6_12_without_sysdata() {
    use netconsole_pure::msg::{send_extended, Sysdata};
    for (len, release, userdata) in [
        (10usize, None, b"".as_slice()),
        (1200, None, b"".as_slice()),
        (2999, Some("6.12.117"), b" a=b\n".as_slice()),
        (
            995,
            None,
            b" k=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n".as_slice(),
        ),
    ] {
        let msg = format!("6,1,2,-;{}\n", "t".repeat(len));
        let c = c612_send_ext_msg_udp(msg.as_bytes(), release, userdata);
        let mut scratch = [0u8; MAX_PRINT_CHUNK];
        let mut rust = Vec::new();
        send_extended(
            &mut scratch,
            msg.as_bytes(),
            release.map(str::as_bytes),
            userdata,
            &Sysdata::NONE,
            |d| rust.push(d.to_vec()),
        )
        .unwrap();
        assert_eq!(rust, c, "len {len}");
    }
}
