// SPDX-License-Identifier: GPL-2.0

//! One datagram through the parsers and both renderers: no panic, and what is parsed lies
//! within the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use netconsole_recv::record::{parse_body, parse_datagram, unescape, Datagram, MAX_HEADER_LEN};
use netconsole_recv::{output, Event, Extended, Payload};

fuzz_target!(|data: &[u8]| {
    let sender = "127.0.0.1:6665".parse().unwrap();
    let (header, body) = match parse_datagram(data) {
        Datagram::Basic(b) => {
            assert_eq!(b, data);
            return;
        }
        Datagram::Bad { header, .. } => {
            assert!(header.frag.is_none());
            return;
        }
        Datagram::Extended { header, body } => (header, body),
    };
    assert!(data.len() - body.len() <= MAX_HEADER_LEN + 1);
    assert!(data.ends_with(body));
    assert!(header.release.is_none_or(|r| !r.is_empty()));
    assert!(header.message_key().len() < data.len());
    let parsed = parse_body(body);
    assert!(parsed.text.len() <= body.len());
    assert!(unescape(body).len() <= body.len());
    let m = Extended {
        release: header.release.map(<[u8]>::to_vec),
        prio: header.prio,
        seq: header.seq,
        ts_usec: header.ts_usec,
        flags: header.flags.to_vec(),
        caller: header.caller.map(<[u8]>::to_vec),
        body: parsed,
        fragments: 1,
    };
    let payload = Payload::Extended(Box::new(m));
    let mut s = String::new();
    output::human_message(&mut s, sender, &payload, true);
    assert_eq!(s.matches('\n').count(), 1);
    s.clear();
    output::json_event(&mut s, &Event::Message { sender, payload }, Some(0));
    assert_eq!(s.matches('\n').count(), 1);
});
