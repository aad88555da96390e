// SPDX-License-Identifier: GPL-2.0

//! Fragmented messages made by the project's own formatter (`netconsole_pure::msg`, the code
//! the module runs), reassembled by the receiver: in order, shuffled, duplicated, interleaved
//! between senders, and with fragments missing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use netconsole_pure::msg::{send_extended, Sysdata, MAX_PRINT_CHUNK};
use netconsole_recv::loss::Counter;
use netconsole_recv::reassemble::DropReason;
use netconsole_recv::{Event, Extended, Limits, Payload, Receiver, SENDER_OVERHEAD};

use netconsole_testkit::Rng;

/// What a target would send for one message.
struct Sent {
    seq: u64,
    text: Vec<u8>,
    release: Option<&'static [u8]>,
    userdata: Vec<u8>,
    msgid: u32,
    datagrams: Vec<Vec<u8>>,
}

fn make(rng: &mut Rng, seq: u64, msgid: u32) -> Sent {
    let len = 1 + rng.below(4000);
    // printk output is escaped ASCII; ';' and ',' may appear in the text.
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz ,;=:/\\x0a";
    let text: Vec<u8> = (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect();
    let release: Option<&'static [u8]> = if rng.below(2) == 0 {
        Some(b"6.12.117-amd64")
    } else {
        None
    };
    let userdata = if rng.below(2) == 0 {
        format!(" hostname=web{}\n role=db\n", rng.below(100)).into_bytes()
    } else {
        Vec::new()
    };
    let record = [
        format!("6,{seq},{},-;", seq * 1000).as_bytes(),
        &text,
        b"\n",
    ]
    .concat();
    let sys = Sysdata {
        cpu: Some(rng.below(64) as u32),
        taskname: Some(b"kworker/u8:2"),
        release: None,
        msgid: Some(msgid),
    };
    let mut scratch = [0u8; MAX_PRINT_CHUNK];
    let mut datagrams = Vec::new();
    send_extended(&mut scratch, &record, release, &userdata, &sys, |d| {
        datagrams.push(d.to_vec())
    })
    .unwrap();
    Sent {
        seq,
        text,
        release,
        userdata,
        msgid,
        datagrams,
    }
}

fn check(m: &Extended, s: &Sent) {
    // The receiver decodes printk's \xHH escapes in the text.
    assert_eq!(m.body.text, netconsole_recv::record::unescape(&s.text));
    assert_eq!(m.seq, s.seq);
    assert_eq!(m.release.as_deref(), s.release);
    assert_eq!(m.body.sysdata.msgid, Some(s.msgid));
    assert_eq!(m.body.userdata.is_empty(), s.userdata.is_empty());
    assert_eq!(m.fragments as usize, s.datagrams.len());
}

fn messages(events: &[Event]) -> Vec<(SocketAddr, Extended)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message {
                sender,
                payload: Payload::Extended(m),
            } => Some((*sender, (**m).clone())),
            _ => None,
        })
        .collect()
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::new("127.0.0.1".parse().unwrap(), port)
}

#[test]
fn in_order() {
    let mut rng = Rng::new(1);
    let mut r = Receiver::new(Limits::default());
    let now = Instant::now();
    let mut out = Vec::new();
    let sent: Vec<Sent> = (0..200)
        .map(|i| make(&mut rng, 10 + i, 1 + i as u32))
        .collect();
    for s in &sent {
        for d in &s.datagrams {
            r.datagram(addr(6665), d, now, &mut out);
        }
    }
    let got = messages(&out);
    assert_eq!(got.len(), sent.len());
    assert_eq!(out.len(), sent.len(), "no loss or other events");
    for ((_, m), s) in got.iter().zip(&sent) {
        check(m, s);
    }
    assert!(sent.iter().any(|s| s.datagrams.len() > 3));
    assert_eq!(r.memory_used(), SENDER_OVERHEAD);
}

#[test]
fn shuffled_and_duplicated_within_each_message() {
    let mut rng = Rng::new(2);
    let mut r = Receiver::new(Limits::default());
    let now = Instant::now();
    let mut out = Vec::new();
    let sent: Vec<Sent> = (0..200).map(|i| make(&mut rng, i, 1 + i as u32)).collect();
    for s in &sent {
        let mut ds = s.datagrams.clone();
        for _ in 0..rng.below(3) {
            let dup = ds[rng.below(ds.len())].clone();
            ds.push(dup);
        }
        rng.shuffle(&mut ds);
        for d in &ds {
            r.datagram(addr(6665), d, now, &mut out);
        }
    }
    let got = messages(&out);
    assert_eq!(got.len(), sent.len());
    for ((_, m), s) in got.iter().zip(&sent) {
        check(m, s);
    }
    let t = r.summary().totals;
    assert_eq!(
        (t.seq.gaps, t.msgid.gaps, t.incomplete, t.rejected),
        (0, 0, 0, 0)
    );
}

#[test]
fn interleaved_senders() {
    let mut rng = Rng::new(3);
    let mut r = Receiver::new(Limits::default());
    let now = Instant::now();
    let mut out = Vec::new();
    // Four targets sending at once, fragments of different senders mixed.
    let mut queue: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut sent = Vec::new();
    for port in 1..=4u16 {
        for i in 0..30u64 {
            let s = make(&mut rng, i, 1 + i as u32);
            sent.push((port, s));
        }
    }
    let mut cursors = [0usize; 4];
    let per_sender: Vec<Vec<Vec<u8>>> = (1..=4u16)
        .map(|p| {
            sent.iter()
                .filter(|(q, _)| *q == p)
                .flat_map(|(_, s)| s.datagrams.clone())
                .collect()
        })
        .collect();
    while cursors.iter().zip(&per_sender).any(|(c, v)| *c < v.len()) {
        let i = rng.below(4);
        if cursors[i] < per_sender[i].len() {
            queue.push((i as u16 + 1, per_sender[i][cursors[i]].clone()));
            cursors[i] += 1;
        }
    }
    for (p, d) in &queue {
        r.datagram(addr(*p), d, now, &mut out);
    }
    let got = messages(&out);
    assert_eq!(got.len(), sent.len());
    assert_eq!(out.len(), sent.len());
    for port in 1..=4u16 {
        let mine: Vec<&Extended> = got
            .iter()
            .filter(|(a, _)| *a == addr(port))
            .map(|(_, m)| m)
            .collect();
        let want: Vec<&Sent> = sent
            .iter()
            .filter(|(p, _)| *p == port)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(mine.len(), want.len());
        for (m, s) in mine.iter().zip(want) {
            check(m, s);
        }
    }
}

#[test]
fn missing_fragments_are_reported_and_loss_counted() {
    let mut rng = Rng::new(4);
    let mut r = Receiver::new(Limits::default());
    let t0 = Instant::now();
    let mut out = Vec::new();
    let mut lost_whole = 0;
    let mut cut = 0;
    let mut complete = 0;
    for i in 0..100u64 {
        let s = make(&mut rng, i, 1 + i as u32);
        let n = s.datagrams.len();
        match rng.below(4) {
            // The whole message is lost.
            0 => lost_whole += 1,
            // One fragment of several is lost.
            1 if n > 1 => {
                let skip = rng.below(n);
                for (j, d) in s.datagrams.iter().enumerate() {
                    if j != skip {
                        r.datagram(addr(6665), d, t0, &mut out);
                    }
                }
                cut += 1;
            }
            _ => {
                for d in &s.datagrams {
                    r.datagram(addr(6665), d, t0, &mut out);
                }
                complete += 1;
            }
        }
    }
    r.tick(t0 + Duration::from_secs(5), &mut out);
    let incomplete: Vec<_> = out
        .iter()
        .filter_map(|e| match e {
            Event::Incomplete(i) => Some(i.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(incomplete.len(), cut);
    // More than 16 partial messages of one sender: the oldest are evicted before the timeout.
    assert!(incomplete.iter().all(|i| matches!(
        i.reason,
        DropReason::Timeout | DropReason::Evicted
    ) && i.received < i.total));
    assert!(incomplete.iter().any(|i| i.reason == DropReason::Timeout));
    assert_eq!(messages(&out).len(), complete);
    let t = r.summary().totals;
    // msgid misses both the lost and the cut messages (unless the very last ones: no later
    // message tells), seq only the wholly lost ones (a cut message's seq was seen).
    assert!(t.msgid.missing as usize <= lost_whole + cut);
    assert!(t.msgid.missing as usize + 3 >= lost_whole + cut);
    assert!(t.seq.missing as usize <= lost_whole);
    assert!(t.seq.missing as usize + 3 >= lost_whole);
    assert_eq!(t.incomplete as usize, cut);
    let gaps = out
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Gap {
                    counter: Counter::Msgid,
                    ..
                }
            )
        })
        .count();
    assert_eq!(gaps as u64, t.msgid.gaps);
    assert_eq!(r.memory_used(), SENDER_OVERHEAD);
}

#[test]
fn incomplete_messages_are_reported_on_finish() {
    let mut rng = Rng::new(5);
    let mut r = Receiver::new(Limits::default());
    let now = Instant::now();
    let mut out = Vec::new();
    let s = loop {
        let s = make(&mut rng, 1, 1);
        if s.datagrams.len() > 1 {
            break s;
        }
    };
    r.datagram(addr(6665), &s.datagrams[0], now, &mut out);
    assert!(out.is_empty());
    r.finish(now, &mut out);
    match &out[..] {
        [Event::Incomplete(i)] => assert_eq!((i.seq, i.reason), (1, DropReason::Shutdown)),
        other => panic!("{other:?}"),
    }
}
