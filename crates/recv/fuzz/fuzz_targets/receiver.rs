// SPDX-License-Identifier: GPL-2.0

//! A stream of datagrams from a few senders, with time moving on, through the whole receiver
//! (parser, reassembler, loss trackers, basic line joining) with small limits: no panic and
//! memory within bounds after every datagram.
//!
//! Input framing, repeated: one control byte (bits 0-2 sender, bits 3-7 time step in 10 ms,
//! 31 = run the timers), two bytes of length (little endian, taken modulo 1201), the datagram.

#![no_main]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use netconsole_recv::{output, reassemble, Event, Limits, Receiver};

fn limits() -> Limits {
    Limits {
        reassembly: reassemble::Limits {
            max_message: 16 << 10,
            timeout: Duration::from_millis(300),
            max_partials_per_sender: 3,
            max_bytes_per_sender: 8 << 10,
            max_partials: 8,
            max_bytes: 20 << 10,
        },
        max_senders: 4,
        max_line: 2 << 10,
        max_line_bytes: 6 << 10,
        line_timeout: Duration::from_millis(100),
    }
}

fn render(events: &mut Vec<Event>, s: &mut String) {
    for ev in events.drain(..) {
        s.clear();
        output::json_event(s, &ev, None);
        if let Some(line) = output::human_notice(&ev) {
            s.push_str(&line);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let l = limits();
    let mut r = Receiver::new(l.clone());
    let t0 = Instant::now();
    let mut now = t0;
    let mut events = Vec::new();
    let mut s = String::new();
    let mut rest = data;
    while let [control, lo, hi, tail @ ..] = rest {
        let len = usize::from(u16::from_le_bytes([*lo, *hi])) % 1201;
        let (d, next) = tail.split_at(len.min(tail.len()));
        rest = next;
        let step = control >> 3;
        now += Duration::from_millis(u64::from(step) * 10);
        let sender = SocketAddr::from(([10, 0, 0, 1], 6665 + u16::from(control & 7)));
        if step == 31 {
            r.tick(now, &mut events);
        }
        r.datagram(sender, d, now, &mut events);
        assert!(r.memory_used() <= l.max_memory());
        assert!(r.sender_count() <= l.max_senders);
        assert!(r.memory_of(sender) <= l.reassembly.max_bytes_per_sender + l.max_line);
        render(&mut events, &mut s);
    }
    r.finish(now, &mut events);
    render(&mut events, &mut s);
    assert_eq!(
        r.memory_used(),
        r.sender_count() * netconsole_recv::SENDER_OVERHEAD
    );
});
