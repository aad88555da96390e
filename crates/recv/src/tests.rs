// SPDX-License-Identifier: GPL-2.0

//! Tests of [`Receiver`]: datagrams in, events out, no sockets.

use super::*;
use crate::reassemble::DropReason;

fn sender(port: u16) -> SocketAddr {
    SocketAddr::new("192.0.2.1".parse().unwrap(), port)
}

struct Harness {
    r: Receiver,
    t0: Instant,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            r: Receiver::new(Limits::default()),
            t0: Instant::now(),
        }
    }

    fn feed_at(&mut self, from: SocketAddr, ms: u64, d: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        self.r
            .datagram(from, d, self.t0 + Duration::from_millis(ms), &mut out);
        out
    }

    fn feed(&mut self, d: &[u8]) -> Vec<Event> {
        self.feed_at(sender(6665), 0, d)
    }

    fn tick(&mut self, ms: u64) -> Vec<Event> {
        let mut out = Vec::new();
        self.r.tick(self.t0 + Duration::from_millis(ms), &mut out);
        out
    }
}

fn basic_lines(events: &[Event]) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message {
                payload: Payload::Basic(l),
                ..
            } => Some(l.clone()),
            _ => None,
        })
        .collect()
}

fn extended(events: &[Event]) -> Vec<Extended> {
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

#[test]
fn basic_lines_pass_through() {
    let mut h = Harness::new();
    let ev = h.feed(b"[    1.000000] first\n[    1.000001] second\n");
    assert_eq!(
        basic_lines(&ev),
        vec![
            b"[    1.000000] first".to_vec(),
            b"[    1.000001] second".to_vec()
        ]
    );
    assert_eq!(h.r.summary().totals.lines, 2);
}

#[test]
fn basic_partial_line_joins_next_datagram_of_same_sender() {
    let mut h = Harness::new();
    let long = vec![b'x'; 1000];
    assert!(h.feed(&long).is_empty());
    // Another sender's text does not mix in.
    let other = h.feed_at(sender(7000), 0, b"other\n");
    assert_eq!(basic_lines(&other), vec![b"other".to_vec()]);
    let ev = h.feed(b"yz\nnext");
    assert_eq!(basic_lines(&ev), vec![[long.as_slice(), b"yz"].concat()]);
    // "next" waits, then is printed after the line timeout.
    assert!(h.tick(500).is_empty());
    assert_eq!(basic_lines(&h.tick(1000)), vec![b"next".to_vec()]);
    assert_eq!(h.r.memory_of(sender(6665)), 0);
}

#[test]
fn basic_partial_line_is_printed_on_finish() {
    let mut h = Harness::new();
    h.feed(b"no newline");
    let mut out = Vec::new();
    h.r.finish(h.t0, &mut out);
    assert_eq!(basic_lines(&out), vec![b"no newline".to_vec()]);
}

#[test]
fn basic_line_length_is_bounded() {
    let mut h = Harness::new();
    let chunk = vec![b'a'; 1000];
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines.extend(basic_lines(&h.feed(&chunk)));
        assert!(h.r.memory_of(sender(6665)) <= h.r.limits().max_line);
    }
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.len() <= h.r.limits().max_line));
}

#[test]
fn extended_record_is_parsed() {
    let mut h = Harness::new();
    let ev = h.feed(b"6,1234,5678901,-;hello\n");
    let m = extended(&ev);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].level(), m[0].seq, m[0].ts_usec), (6, 1234, 5_678_901));
    assert_eq!(m[0].body.text, b"hello");
    assert_eq!(m[0].fragments, 1);
    assert_eq!(ev.len(), 1);
}

#[test]
fn extended_with_release_userdata_sysdata() {
    let mut h = Harness::new();
    let ev = h.feed(
        b"6.12.117,4,77,123,-,caller=T1;disk slow\n host=db1\n cpu=1\n taskname=kworker/1:0\n release=6.12.117\n msgid=3\n",
    );
    let m = &extended(&ev)[0];
    assert_eq!(m.release.as_deref(), Some(b"6.12.117".as_slice()));
    assert_eq!(m.caller.as_deref(), Some(b"T1".as_slice()));
    assert_eq!(m.body.userdata, vec![(b"host".to_vec(), b"db1".to_vec())]);
    assert_eq!(m.body.sysdata.msgid, Some(3));
    assert_eq!(
        m.body.sysdata.taskname.as_deref(),
        Some(b"kworker/1:0".as_slice())
    );
}

#[test]
fn seq_gap_and_restart_are_reported() {
    let mut h = Harness::new();
    h.feed(b"6,10,0,-;a\n");
    let ev = h.feed(b"6,14,0,-;b\n");
    assert!(ev.contains(&Event::Gap {
        sender: sender(6665),
        counter: Counter::Seq,
        first: 11,
        last: 13,
        missing: 3
    }));
    let ev = h.feed(b"6,0,0,-;replay\n");
    assert!(ev.contains(&Event::Restart {
        sender: sender(6665),
        counter: Counter::Seq,
        previous: 14,
        current: 0
    }));
    let s = h.r.summary().totals;
    assert_eq!(
        (s.seq.gaps, s.seq.missing, s.seq.restarts, s.messages),
        (1, 3, 1, 3)
    );
}

#[test]
fn msgid_gap_wrap_and_restart() {
    let mut h = Harness::new();
    let msg = |seq: u64, msgid: u64| format!("6,{seq},0,-;m\n msgid={msgid}\n").into_bytes();
    h.feed(&msg(1, 4_294_967_294));
    assert!(h.feed(&msg(2, 4_294_967_295)).len() == 1);
    assert!(h.feed(&msg(3, 0)).len() == 1, "wrap is not loss");
    let ev = h.feed(&msg(4, 3));
    assert!(ev.contains(&Event::Gap {
        sender: sender(6665),
        counter: Counter::Msgid,
        first: 1,
        last: 2,
        missing: 2
    }));
    let ev = h.feed(&msg(5, 1));
    assert!(matches!(
        ev[0],
        Event::Restart {
            counter: Counter::Msgid,
            previous: 3,
            current: 1,
            ..
        }
    ));
    assert_eq!(h.r.summary().totals.msgid.missing, 2);
}

#[test]
fn senders_are_tracked_separately() {
    let mut h = Harness::new();
    h.feed_at(sender(1), 0, b"6,1,0,-;a\n");
    h.feed_at(sender(2), 0, b"6,100,0,-;a\n");
    let ev1 = h.feed_at(sender(1), 0, b"6,2,0,-;b\n");
    let ev2 = h.feed_at(sender(2), 0, b"6,101,0,-;b\n");
    assert_eq!((ev1.len(), ev2.len()), (1, 1));
    assert_eq!(h.r.summary().senders.len(), 2);
}

#[test]
fn ipv4_mapped_senders_are_shown_as_ipv4() {
    let mut h = Harness::new();
    let mapped: SocketAddr = "[::ffff:192.0.2.1]:6665".parse().unwrap();
    let ev = h.feed_at(mapped, 0, b"line\n");
    assert!(matches!(&ev[0], Event::Message { sender: s, .. } if *s == sender(6665)));
}

fn fragments(record: &[u8], release: Option<&[u8]>, userdata: &[u8], msgid: u32) -> Vec<Vec<u8>> {
    use netconsole_pure::msg::Sysdata;
    let sys = Sysdata {
        cpu: Some(0),
        taskname: Some(b"swapper/0"),
        release: None,
        msgid: Some(msgid),
    };
    netconsole_testkit::oracle::extended_datagrams(record, release, userdata, &sys)
}

#[test]
fn fragmented_message_with_missing_fragment_times_out() {
    let mut h = Harness::new();
    let text = "y".repeat(2500);
    let record = format!("6,50,0,-;{text}\n");
    let mut frags = fragments(record.as_bytes(), None, b"", 1);
    assert_eq!(frags.len(), 3);
    frags.remove(1);
    for f in &frags {
        assert!(extended(&h.feed(f)).is_empty());
    }
    assert!(h.r.memory_used() > 0);
    let ev = h.tick(5_000);
    match &ev[..] {
        [Event::Incomplete(i)] => {
            assert_eq!((i.seq, i.reason, i.fragments), (50, DropReason::Timeout, 2));
            assert!(i.received < i.total);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.r.summary().totals.incomplete, 1);
    // The next message follows in seq: the incomplete one was counted, not reported as a gap.
    let ev = h.feed(b"6,51,0,-;next\n msgid=2\n");
    assert_eq!(ev.len(), 1);
}

#[test]
fn fragmented_messages_in_any_order_with_duplicates() {
    let mut h = Harness::new();
    let text = "z".repeat(3000);
    let record = format!("6,60,99,-;{text}\n");
    let frags = fragments(record.as_bytes(), Some(b"6.12.117"), b" env=test\n", 7);
    let order: Vec<usize> = (0..frags.len()).rev().collect();
    let mut got = Vec::new();
    for &i in &order {
        got.extend(h.feed(&frags[i]));
        got.extend(h.feed(&frags[i]));
    }
    let m = extended(&got);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].body.text, text.as_bytes());
    assert_eq!(m[0].release.as_deref(), Some(b"6.12.117".as_slice()));
    assert_eq!(
        m[0].body.userdata,
        vec![(b"env".to_vec(), b"test".to_vec())]
    );
    assert_eq!(m[0].body.sysdata.msgid, Some(7));
    assert_eq!(m[0].fragments as usize, frags.len());
    let s = h.r.summary().totals;
    assert_eq!(s.duplicate_fragments as usize, frags.len());
    assert_eq!(s.seq.duplicates, 0);
    assert_eq!(h.r.memory_used(), SENDER_OVERHEAD);
}

#[test]
fn hostile_fragments_are_rejected() {
    let mut h = Harness::new();
    for d in [
        b"6,1,0,-,ncfrag=0/4294967296;x".as_slice(),
        b"6,1,0,-,ncfrag=5000/100;x",
        b"6,1,0,-,ncfrag=99/100;xyz",
        b"6,1,0,-,ncfrag=abc/100;x",
    ] {
        let ev = h.feed(d);
        assert!(
            matches!(ev[..], [Event::Rejected { seq: Some(1), .. }]),
            "{ev:?}"
        );
    }
    assert_eq!(h.r.summary().totals.rejected, 4);
    assert_eq!(h.r.memory_used(), SENDER_OVERHEAD);
}

#[test]
fn non_utf8_text_survives() {
    let mut h = Harness::new();
    let m = &extended(&h.feed(b"6,1,0,-;\xff\xfe bytes\n"))[0];
    assert_eq!(m.body.text, b"\xff\xfe bytes");
    let b = basic_lines(&h.feed(b"\xc3\x28 basic\n"));
    assert_eq!(b, vec![b"\xc3\x28 basic".to_vec()]);
}

#[test]
fn sender_count_is_bounded() {
    let limits = Limits {
        max_senders: 8,
        ..Limits::default()
    };
    let mut r = Receiver::new(limits.clone());
    let t0 = Instant::now();
    let mut out = Vec::new();
    for p in 0..100u16 {
        r.datagram(
            sender(p),
            b"partial",
            t0 + Duration::from_millis(u64::from(p)),
            &mut out,
        );
        assert!(r.sender_count() <= 8);
        assert!(r.memory_used() <= limits.max_memory());
    }
    // Forgotten senders' unfinished lines were printed, not lost.
    assert_eq!(basic_lines(&out).len(), 92);
    assert_eq!(r.summary().forgotten_senders, 92);
    assert_eq!(r.summary().totals.datagrams, 100);
}

#[test]
fn next_deadline_follows_pending_work() {
    let mut h = Harness::new();
    assert_eq!(h.r.next_deadline(), None);
    h.feed(b"partial");
    assert_eq!(h.r.next_deadline(), Some(h.t0 + Duration::from_secs(1)));
    h.feed(b"6,1,0,-,ncfrag=0/2000;x");
    assert_eq!(h.r.next_deadline(), Some(h.t0 + Duration::from_secs(1)));
    h.tick(1000);
    assert_eq!(h.r.next_deadline(), Some(h.t0 + Duration::from_secs(5)));
}

#[test]
fn duplicated_datagram_is_delivered_once() {
    let mut h = Harness::new();
    let d = b"6,5,0,-;once\n msgid=5\n";
    assert_eq!(extended(&h.feed(d)).len(), 1);
    assert!(h.feed(d).is_empty());
    let s = h.r.summary().totals;
    assert_eq!(
        (s.messages, s.seq.duplicates, s.msgid.duplicates),
        (1, 1, 1)
    );
    // Same record with another msgid (a second target on the same source port): delivered.
    assert_eq!(extended(&h.feed(b"6,5,0,-;once\n msgid=9\n")).len(), 1);
    // Without sysdata a repeated seq is a duplicate too.
    h.feed(b"6,6,0,-;x\n");
    assert!(h.feed(b"6,6,0,-;x\n").is_empty());
}
