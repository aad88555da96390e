// SPDX-License-Identifier: GPL-2.0

//! A deterministic fuzz-like run that `cargo test` covers without nightly: 100k datagrams of
//! random bytes, hostile headers, mutated real fragments and basic text from many senders, with
//! time moving on. Nothing may panic, every event must render (JSON that parses), and memory
//! stays within the limits at every step. `crates/recv/fuzz/` has the coverage-guided targets.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use netconsole_pure::msg::{send_extended, Sysdata, MAX_PRINT_CHUNK};
use netconsole_recv::record::{parse_body, parse_datagram, Datagram};
use netconsole_recv::{output, reassemble, Event, Limits, Receiver};

use netconsole_testkit::Rng;

const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"6",
    b"7",
    b"42",
    b"999",
    b"1000",
    b"1500",
    b"4294967295",
    b"4294967296",
    b"18446744073709551615",
    b"18446744073709551616",
    b"-1",
    b"",
    b"x",
    b"00",
    b" 1",
];

fn hostile(rng: &mut Rng) -> Vec<u8> {
    let mut d = Vec::new();
    if rng.below(3) == 0 {
        d.extend_from_slice(rng.pick_bytes(&[b"6.12.117,", b"5,", b"a,b,", b",", b"r"]));
    }
    for i in 0..3 {
        d.extend_from_slice(rng.pick_bytes(NUMBERS));
        if i < 2 || rng.below(8) != 0 {
            d.push(b',');
        }
    }
    d.extend_from_slice(rng.pick_bytes(&[b"-", b"c", b"7", b"", b"=", b"-x"]));
    if rng.below(2) == 0 {
        d.extend_from_slice(b",caller=T1");
    }
    if rng.below(4) != 0 {
        d.extend_from_slice(b",ncfrag=");
        d.extend_from_slice(rng.pick_bytes(NUMBERS));
        if rng.below(8) != 0 {
            d.push(b'/');
        }
        d.extend_from_slice(rng.pick_bytes(NUMBERS));
    }
    if rng.below(10) != 0 {
        d.push(b';');
    }
    let n = if rng.below(8) == 0 {
        rng.below(1100)
    } else {
        rng.below(40)
    };
    let body = rng.bytes(n);
    d.extend_from_slice(&body);
    if rng.below(2) == 0 {
        d.extend_from_slice(rng.pick_bytes(&[
            b"\n cpu=1\n msgid=3\n",
            b"\n msgid=4294967295\n",
            b"\n k=v\n",
        ]));
    }
    d
}

fn fragments(rng: &mut Rng, seq: u64, msgid: u32) -> Vec<Vec<u8>> {
    let n = 1 + rng.below(3500);
    let text = vec![b'a' + (seq % 26) as u8; n];
    let record = [format!("6,{seq},{seq},-;").as_bytes(), &text, b"\n"].concat();
    let sys = Sysdata {
        cpu: Some(0),
        taskname: Some(b"t"),
        release: None,
        msgid: Some(msgid),
    };
    let mut scratch = [0u8; MAX_PRINT_CHUNK];
    let mut out = Vec::new();
    let _ = send_extended(&mut scratch, &record, None, b"", &sys, |d| {
        out.push(d.to_vec())
    });
    out
}

fn mutate(rng: &mut Rng, d: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        if d.is_empty() {
            return;
        }
        let i = rng.below(d.len());
        match rng.below(4) {
            0 => d[i] = rng.next_u64() as u8,
            1 => d.truncate(i),
            2 => d.insert(
                i,
                *rng.pick_bytes(&[b";", b",", b"/", b"\n", b"="])
                    .first()
                    .unwrap(),
            ),
            _ => {
                d.remove(i);
            }
        }
    }
}

/// Render `ev` both ways; parse the JSON back if `parse` (serde_json is slow in debug builds).
fn check_event(ev: &Event, s: &mut String, parse: bool) {
    s.clear();
    output::json_event(s, ev, Some(1));
    if parse {
        serde_json::from_str::<serde_json::Value>(s).expect("valid JSON");
    }
    s.clear();
    match ev {
        Event::Message { sender, payload } => output::human_message(s, *sender, payload, true),
        other => s.push_str(&output::human_notice(other).expect("a notice")),
    }
    assert!(
        s.ends_with('\n') && s.matches('\n').count() == 1,
        "one line: {s:?}"
    );
}

#[test]
fn random_datagrams_never_panic_and_stay_bounded() {
    let limits = Limits {
        reassembly: reassemble::Limits {
            max_message: 64 << 10,
            timeout: Duration::from_millis(500),
            max_partials_per_sender: 4,
            max_bytes_per_sender: 16 << 10,
            max_partials: 16,
            max_bytes: 48 << 10,
        },
        max_senders: 8,
        max_line: 4 << 10,
        max_line_bytes: 16 << 10,
        line_timeout: Duration::from_millis(200),
    };
    let mut r = Receiver::new(limits.clone());
    let mut rng = Rng::new(0x5eed_1234_abcd_0001);
    let t0 = Instant::now();
    let mut ms = 0u64;
    let mut out = Vec::new();
    let mut s = String::new();
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut frag_sender = 0u16;
    let mut seq = 0u64;
    let mut msgid = 1u32;
    let mut events = 0usize;
    for _ in 0..100_000 {
        let mut port = 6000 + rng.below(12) as u16;
        let d = match rng.below(6) {
            0 => {
                let n = if rng.below(8) == 0 {
                    rng.below(1200)
                } else {
                    rng.below(64)
                };
                rng.bytes(n)
            }
            1 => hostile(&mut rng),
            2 | 3 => {
                if pending.is_empty() {
                    seq += 1 + rng.below(2) as u64;
                    msgid = msgid.wrapping_add(1 + rng.below(2) as u32);
                    pending = fragments(&mut rng, seq, msgid);
                    frag_sender = port;
                }
                // Mostly from the sender of the message, sometimes from another.
                if rng.below(16) != 0 {
                    port = frag_sender;
                }
                let i = rng.below(pending.len());
                let mut d = if rng.below(4) == 0 {
                    pending[i].clone()
                } else {
                    pending.remove(i)
                };
                if rng.below(8) == 0 {
                    mutate(&mut rng, &mut d);
                }
                d
            }
            4 => {
                let n = rng.below(120);
                const TEXT: &[u8] = b"ab \t\x1b\xff;,";
                let mut d: Vec<u8> = (0..n).map(|_| TEXT[rng.below(TEXT.len())]).collect();
                if rng.below(2) == 0 {
                    d.push(b'\n');
                }
                d
            }
            _ => {
                let mut d = hostile(&mut rng);
                mutate(&mut rng, &mut d);
                d
            }
        };
        let sender = SocketAddr::new("::1".parse().unwrap(), port);
        // The parsers alone, on the raw bytes.
        if let Datagram::Extended { body, .. } = parse_datagram(&d) {
            parse_body(body);
        }
        ms += rng.below(20) as u64;
        let now = t0 + Duration::from_millis(ms);
        r.datagram(sender, &d, now, &mut out);
        if rng.below(50) == 0 {
            r.tick(now, &mut out);
        }
        assert!(r.memory_used() <= limits.max_memory());
        assert!(r.sender_count() <= limits.max_senders);
        assert!(
            r.memory_of(sender) <= limits.reassembly.max_bytes_per_sender + limits.max_line,
            "sender over its bound"
        );
        for ev in out.drain(..) {
            check_event(&ev, &mut s, events.is_multiple_of(8));
            events += 1;
        }
    }
    r.finish(t0 + Duration::from_millis(ms), &mut out);
    for ev in out.drain(..) {
        check_event(&ev, &mut s, true);
    }
    assert_eq!(
        r.memory_used(),
        r.sender_count() * netconsole_recv::SENDER_OVERHEAD
    );
    let sum = r.summary();
    assert_eq!(sum.totals.datagrams, 100_000);
    eprintln!("{events} events, {:?}", sum.totals);
    assert!(events > 10_000);
    assert!(sum.totals.messages > 1_000, "{:?}", sum.totals);
    s.clear();
    s.push_str(&output::json_summary(&sum));
    serde_json::from_str::<serde_json::Value>(&s).expect("valid summary JSON");
}
