// SPDX-License-Identifier: GPL-2.0

//! Rendering events: human lines (dmesg-like, optionally coloured by level) and JSON lines.
//!
//! Human output is one line per message, `<sender> <prio>[seconds.micros] text {key=value ..}`,
//! with control characters and invalid UTF-8 shown as `\xHH` so that a sender cannot drive the
//! terminal. JSON output is one object per line with a fixed set of keys; bytes that are not
//! UTF-8 appear as the text `\xHH`.

use std::fmt::Write as _;
use std::net::SocketAddr;

use crate::loss::Counter;
use crate::{Event, Extended, LossStats, Payload, Stats, Summary};

/// printk level names, as `dmesg` calls them.
pub const LEVEL_NAMES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

/// SGR colour of a level's text (`None`: terminal default), close to `dmesg --color`.
pub fn level_color(level: u8) -> Option<&'static str> {
    match level {
        0..=2 => Some("1;31"),
        3 => Some("31"),
        4 => Some("33"),
        5 => Some("1"),
        _ => None,
    }
}

const SENDER_COLOR: &str = "36";
const TIME_COLOR: &str = "32";
const META_COLOR: &str = "2";

fn painted(out: &mut String, color: Option<&str>, f: impl FnOnce(&mut String)) {
    match color {
        Some(c) => {
            let _ = write!(out, "\x1b[{c}m");
            f(out);
            out.push_str("\x1b[0m");
        }
        None => f(out),
    }
}

/// Append `bytes` for a terminal: printable UTF-8 as is, tabs kept, control characters and
/// invalid bytes as `\xHH`.
pub fn push_text(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() && c != '\t' {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

/// Append `bytes` as a JSON string (invalid UTF-8 bytes as the text `\xHH`).
pub fn push_json_str(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\\\x{b:02x}");
        }
    }
    out.push('"');
}

/// Append `[%5lu.%06lu]` like printk and dmesg.
pub fn push_timestamp(out: &mut String, ts_usec: u64) {
    let _ = write!(
        out,
        "[{:5}.{:06}]",
        ts_usec / 1_000_000,
        ts_usec % 1_000_000
    );
}

/// The metadata of an extended message, in wire order, for the human line.
fn meta_pairs(m: &Extended) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut v = Vec::new();
    if let Some(c) = &m.caller {
        v.push((b"caller".to_vec(), c.clone()));
    }
    if let (Some(r), None) = (&m.release, &m.body.sysdata.release) {
        v.push((b"release".to_vec(), r.clone()));
    }
    v.extend(m.body.dictionary.iter().cloned());
    v.extend(m.body.userdata.iter().cloned());
    let s = &m.body.sysdata;
    if let Some(c) = s.cpu {
        v.push((b"cpu".to_vec(), c.to_string().into_bytes()));
    }
    if let Some(t) = &s.taskname {
        v.push((b"taskname".to_vec(), t.clone()));
    }
    if let Some(r) = &s.release {
        v.push((b"release".to_vec(), r.clone()));
    }
    if let Some(m) = s.msgid {
        v.push((b"msgid".to_vec(), m.to_string().into_bytes()));
    }
    v
}

/// One human line (with its `\n`) for a message.
pub fn human_message(out: &mut String, sender: SocketAddr, payload: &Payload, color: bool) {
    let c = |code: &'static str| color.then_some(code);
    painted(out, c(SENDER_COLOR), |o| {
        let _ = write!(o, "{sender}");
    });
    out.push(' ');
    match payload {
        Payload::Basic(line) => push_text(out, line),
        Payload::Extended(m) => {
            let _ = write!(out, "<{}>", m.prio);
            painted(out, c(TIME_COLOR), |o| push_timestamp(o, m.ts_usec));
            out.push(' ');
            let level = color.then(|| level_color(m.level())).flatten();
            painted(out, level, |o| push_text(o, &m.body.text));
            let meta = meta_pairs(m);
            if !meta.is_empty() {
                out.push(' ');
                painted(out, c(META_COLOR), |o| {
                    o.push('{');
                    for (i, (k, v)) in meta.iter().enumerate() {
                        if i > 0 {
                            o.push(' ');
                        }
                        push_text(o, k);
                        o.push('=');
                        push_text(o, v);
                    }
                    o.push('}');
                });
            }
        }
    }
    out.push('\n');
}

/// `a` or `a..b` (inclusive).
fn range(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}..{last}")
    }
}

/// One human line (with its `\n`, without program name) for an event other than a message;
/// `None` for a message.
pub fn human_notice(event: &Event) -> Option<String> {
    let mut o = String::new();
    let _ = match event {
        Event::Message { .. } => return None,
        Event::Gap {
            sender,
            counter: Counter::Seq,
            first,
            last,
            missing,
        } => write!(
            o,
            "{sender}: seq gap: {missing} record(s) not received (seq {}; lost, or filtered by the sender's console loglevel)",
            range(*first, *last)
        ),
        Event::Gap {
            sender,
            counter: Counter::Msgid,
            first,
            last,
            missing,
        } => write!(
            o,
            "{sender}: lost {missing} message(s) (msgid {})",
            range(*first, *last)
        ),
        Event::Late {
            sender,
            counter,
            value,
        } => write!(o, "{sender}: {} {value} arrived late (reordered, not lost)", counter.as_str()),
        Event::Restart {
            sender,
            counter,
            previous,
            current,
        } => write!(
            o,
            "{sender}: {} went back from {previous} to {current}: sender restarted or replayed its log",
            counter.as_str()
        ),
        Event::Incomplete(i) => write!(
            o,
            "{}: incomplete message seq {}: {} of {} bytes in {} fragment(s) ({})",
            i.sender,
            i.seq,
            i.received,
            i.total,
            i.fragments,
            i.reason.as_str()
        ),
        Event::Rejected {
            sender,
            seq,
            reason,
        } => match seq {
            Some(s) => write!(o, "{sender}: dropped datagram of seq {s}: {reason}"),
            None => write!(o, "{sender}: dropped datagram: {reason}"),
        },
    };
    o.push('\n');
    Some(o)
}

fn json_key(out: &mut String, first: &mut bool, key: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    let _ = write!(out, "\"{key}\":");
}

fn json_opt_bytes(out: &mut String, v: Option<&[u8]>) {
    match v {
        Some(b) => push_json_str(out, b),
        None => out.push_str("null"),
    }
}

fn json_opt_num(out: &mut String, v: Option<u64>) {
    match v {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.push_str("null"),
    }
}

/// A JSON object of `key=value` pairs; a repeated key keeps its first value.
fn json_map(out: &mut String, pairs: &[(Vec<u8>, Vec<u8>)]) {
    out.push('{');
    let mut seen: Vec<&[u8]> = Vec::new();
    for (k, v) in pairs {
        if seen.contains(&k.as_slice()) {
            continue;
        }
        if !seen.is_empty() {
            out.push(',');
        }
        seen.push(k);
        push_json_str(out, k);
        out.push(':');
        push_json_str(out, v);
    }
    out.push('}');
}

/// One JSON line (with its `\n`) for any event. `recv_usec` (microseconds since the Unix
/// epoch, when it was received) is added to messages if given.
pub fn json_event(out: &mut String, event: &Event, recv_usec: Option<u64>) {
    let mut first = true;
    out.push('{');
    let mut key = |out: &mut String, k: &str| json_key(out, &mut first, k);
    let sender_of = |s: &SocketAddr| s.to_string().into_bytes();
    match event {
        Event::Message { sender, payload } => {
            key(out, "type");
            out.push_str("\"message\"");
            key(out, "sender");
            push_json_str(out, &sender_of(sender));
            if let Some(t) = recv_usec {
                key(out, "recv_usec");
                let _ = write!(out, "{t}");
            }
            let m = match payload {
                Payload::Extended(m) => Some(m.as_ref()),
                Payload::Basic(_) => None,
            };
            key(out, "format");
            out.push_str(if m.is_some() {
                "\"extended\""
            } else {
                "\"basic\""
            });
            key(out, "level");
            json_opt_num(out, m.map(|m| u64::from(m.level())));
            key(out, "facility");
            json_opt_num(out, m.map(|m| u64::from(m.facility())));
            key(out, "seq");
            json_opt_num(out, m.map(|m| m.seq));
            key(out, "ts_usec");
            json_opt_num(out, m.map(|m| m.ts_usec));
            key(out, "flags");
            json_opt_bytes(out, m.map(|m| m.flags.as_slice()));
            key(out, "caller");
            json_opt_bytes(out, m.and_then(|m| m.caller.as_deref()));
            key(out, "release");
            json_opt_bytes(out, m.and_then(|m| m.release.as_deref()));
            key(out, "text");
            match payload {
                Payload::Extended(m) => push_json_str(out, &m.body.text),
                Payload::Basic(line) => push_json_str(out, line),
            }
            key(out, "dictionary");
            json_map(out, m.map_or(&[], |m| &m.body.dictionary));
            key(out, "userdata");
            json_map(out, m.map_or(&[], |m| &m.body.userdata));
            key(out, "sysdata");
            out.push('{');
            if let Some(s) = m.map(|m| &m.body.sysdata) {
                let mut f = true;
                if let Some(c) = s.cpu {
                    json_key(out, &mut f, "cpu");
                    let _ = write!(out, "{c}");
                }
                if let Some(t) = &s.taskname {
                    json_key(out, &mut f, "taskname");
                    push_json_str(out, t);
                }
                if let Some(r) = &s.release {
                    json_key(out, &mut f, "release");
                    push_json_str(out, r);
                }
                if let Some(n) = s.msgid {
                    json_key(out, &mut f, "msgid");
                    let _ = write!(out, "{n}");
                }
            }
            out.push('}');
            key(out, "fragments");
            json_opt_num(out, m.map(|m| u64::from(m.fragments)));
        }
        Event::Gap {
            sender,
            counter,
            first: f,
            last,
            missing,
        } => {
            key(out, "type");
            out.push_str("\"loss\"");
            key(out, "sender");
            push_json_str(out, &sender_of(sender));
            key(out, "counter");
            let _ = write!(out, "\"{}\"", counter.as_str());
            key(out, "first");
            let _ = write!(out, "{f}");
            key(out, "last");
            let _ = write!(out, "{last}");
            key(out, "missing");
            let _ = write!(out, "{missing}");
        }
        Event::Late {
            sender,
            counter,
            value,
        } => {
            key(out, "type");
            out.push_str("\"late\"");
            key(out, "sender");
            push_json_str(out, &sender_of(sender));
            key(out, "counter");
            let _ = write!(out, "\"{}\"", counter.as_str());
            key(out, "value");
            let _ = write!(out, "{value}");
        }
        Event::Restart {
            sender,
            counter,
            previous,
            current,
        } => {
            key(out, "type");
            out.push_str("\"restart\"");
            key(out, "sender");
            push_json_str(out, &sender_of(sender));
            key(out, "counter");
            let _ = write!(out, "\"{}\"", counter.as_str());
            key(out, "previous");
            let _ = write!(out, "{previous}");
            key(out, "current");
            let _ = write!(out, "{current}");
        }
        Event::Incomplete(i) => {
            key(out, "type");
            out.push_str("\"incomplete\"");
            key(out, "sender");
            push_json_str(out, &sender_of(&i.sender));
            key(out, "seq");
            let _ = write!(out, "{}", i.seq);
            key(out, "received");
            let _ = write!(out, "{}", i.received);
            key(out, "total");
            let _ = write!(out, "{}", i.total);
            key(out, "fragments");
            let _ = write!(out, "{}", i.fragments);
            key(out, "reason");
            let _ = write!(out, "\"{}\"", i.reason.as_str());
        }
        Event::Rejected {
            sender,
            seq,
            reason,
        } => {
            key(out, "type");
            out.push_str("\"rejected\"");
            key(out, "sender");
            push_json_str(out, &sender_of(sender));
            key(out, "seq");
            json_opt_num(out, *seq);
            key(out, "reason");
            push_json_str(out, reason.as_bytes());
        }
    }
    out.push_str("}\n");
}

fn json_loss(out: &mut String, l: &LossStats) {
    let _ = write!(
        out,
        "{{\"gaps\":{},\"missing\":{},\"late\":{},\"restarts\":{},\"duplicates\":{}}}",
        l.gaps, l.missing, l.late, l.restarts, l.duplicates
    );
}

fn json_stats(out: &mut String, s: &Stats) {
    let _ = write!(
        out,
        "\"datagrams\":{},\"bytes\":{},\"messages\":{},\"lines\":{},\"fragments\":{},\"duplicate_fragments\":{},\"incomplete\":{},\"rejected\":{},\"seq\":",
        s.datagrams, s.bytes, s.messages, s.lines, s.fragments, s.duplicate_fragments, s.incomplete, s.rejected
    );
    json_loss(out, &s.seq);
    out.push_str(",\"msgid\":");
    json_loss(out, &s.msgid);
}

/// The summary as one JSON line: `{"type":"summary","totals":{..},"senders":[..],..}`.
pub fn json_summary(s: &Summary) -> String {
    let mut out = String::from("{\"type\":\"summary\",\"totals\":{");
    json_stats(&mut out, &s.totals);
    out.push_str("},\"senders\":[");
    for (i, (addr, st)) in s.senders.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"sender\":");
        push_json_str(&mut out, addr.to_string().as_bytes());
        out.push(',');
        json_stats(&mut out, st);
        out.push('}');
    }
    let _ = writeln!(out, "],\"forgotten_senders\":{}}}", s.forgotten_senders);
    out
}

fn human_stats(out: &mut String, s: &Stats) {
    let _ = write!(
        out,
        "{} messages, {} lines, {} datagrams ({} bytes, {} fragments); lost: {} msgid ({} gaps); seq: {} not received, {} restarts, {} late; {} incomplete, {} rejected, {} duplicate fragments",
        s.messages,
        s.lines,
        s.datagrams,
        s.bytes,
        s.fragments,
        s.msgid.missing,
        s.msgid.gaps,
        s.seq.missing,
        s.seq.restarts,
        s.seq.late + s.msgid.late,
        s.incomplete,
        s.rejected,
        s.duplicate_fragments
    );
}

/// The summary as human lines (each ending in `\n`, without program name).
pub fn human_summary(s: &Summary) -> String {
    let mut out = String::from("summary: ");
    human_stats(&mut out, &s.totals);
    if s.forgotten_senders > 0 {
        let _ = write!(out, "; {} senders forgotten", s.forgotten_senders);
    }
    out.push('\n');
    for (addr, st) in &s.senders {
        let _ = write!(out, "  {addr}: ");
        human_stats(&mut out, st);
        out.push('\n');
    }
    out
}

/// File name for a sender's output in `--output-dir`: `<ip>_<port>.log` (`.jsonl` for JSON).
pub fn sender_file_name(sender: SocketAddr, json: bool) -> String {
    format!(
        "{}_{}.{}",
        sender.ip(),
        sender.port(),
        if json { "jsonl" } else { "log" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Body, Sysdata};

    fn ext(text: &[u8]) -> Extended {
        Extended {
            release: None,
            prio: 6,
            seq: 1234,
            ts_usec: 5_678_901,
            flags: b"-".to_vec(),
            caller: None,
            body: Body {
                text: text.to_vec(),
                ..Body::default()
            },
            fragments: 1,
        }
    }

    fn addr() -> SocketAddr {
        "10.0.0.2:6665".parse().unwrap()
    }

    #[test]
    fn timestamps_like_dmesg() {
        let mut s = String::new();
        push_timestamp(&mut s, 5_678_901);
        assert_eq!(s, "[    5.678901]");
        s.clear();
        push_timestamp(&mut s, 123_456_000_001);
        assert_eq!(s, "[123456.000001]");
        s.clear();
        push_timestamp(&mut s, 0);
        assert_eq!(s, "[    0.000000]");
    }

    #[test]
    fn human_plain() {
        let mut s = String::new();
        human_message(
            &mut s,
            addr(),
            &Payload::Extended(Box::new(ext(b"hello"))),
            false,
        );
        assert_eq!(s, "10.0.0.2:6665 <6>[    5.678901] hello\n");
        s.clear();
        human_message(&mut s, addr(), &Payload::Basic(b"raw line".to_vec()), false);
        assert_eq!(s, "10.0.0.2:6665 raw line\n");
    }

    #[test]
    fn human_escapes_control_and_invalid_bytes() {
        let mut s = String::new();
        push_text(&mut s, "a\x1b[31mb\n\tcafé\u{85}\x7f".as_bytes());
        push_text(&mut s, b"\xff");
        assert_eq!(s, "a\\x1b[31mb\\x0a\tcafé\\xc2\\x85\\x7f\\xff");
    }

    #[test]
    fn human_colour_and_meta() {
        let mut m = ext(b"oops");
        m.prio = 3;
        m.release = Some(b"6.12.117".to_vec());
        m.body.userdata = vec![(b"host".to_vec(), b"web1".to_vec())];
        m.body.sysdata = Sysdata {
            cpu: Some(2),
            msgid: Some(9),
            ..Sysdata::default()
        };
        let mut s = String::new();
        human_message(
            &mut s,
            addr(),
            &Payload::Extended(Box::new(m.clone())),
            false,
        );
        assert_eq!(
            s,
            "10.0.0.2:6665 <3>[    5.678901] oops {release=6.12.117 host=web1 cpu=2 msgid=9}\n"
        );
        s.clear();
        human_message(&mut s, addr(), &Payload::Extended(Box::new(m)), true);
        assert!(s.contains("\x1b[31moops\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[32m[    5.678901]\x1b[0m"));
    }

    #[test]
    fn json_strings() {
        let mut s = String::new();
        push_json_str(&mut s, b"a\"b\\c\nd\x01\xffe\xc3\xa9");
        assert_eq!(s, r#""a\"b\\c\nd\u0001\\xffeé""#);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v, "a\"b\\c\nd\u{1}\\xffeé");
    }

    #[test]
    fn json_message_fields() {
        let mut m = ext(b"hi");
        m.body.userdata = vec![
            (b"k".to_vec(), b"v".to_vec()),
            (b"k".to_vec(), b"second".to_vec()),
        ];
        m.body.sysdata.cpu = Some(0);
        m.body.sysdata.taskname = Some(b"swapper/0".to_vec());
        let mut s = String::new();
        let ev = Event::Message {
            sender: addr(),
            payload: Payload::Extended(Box::new(m)),
        };
        json_event(&mut s, &ev, Some(42));
        assert!(s.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["type"], "message");
        assert_eq!(v["sender"], "10.0.0.2:6665");
        assert_eq!(v["recv_usec"], 42);
        assert_eq!(v["format"], "extended");
        assert_eq!(
            (v["level"].as_u64(), v["facility"].as_u64()),
            (Some(6), Some(0))
        );
        assert_eq!(
            (v["seq"].as_u64(), v["ts_usec"].as_u64()),
            (Some(1234), Some(5_678_901))
        );
        assert_eq!(v["flags"], "-");
        assert!(v["release"].is_null() && v["caller"].is_null());
        assert_eq!(v["text"], "hi");
        assert_eq!(v["userdata"], serde_json::json!({"k": "v"}));
        assert_eq!(
            v["sysdata"],
            serde_json::json!({"cpu": 0, "taskname": "swapper/0"})
        );
        assert_eq!(v["dictionary"], serde_json::json!({}));
        assert_eq!(v["fragments"], 1);

        s.clear();
        let ev = Event::Message {
            sender: "[::1]:9".parse().unwrap(),
            payload: Payload::Basic(b"plain".to_vec()),
        };
        json_event(&mut s, &ev, None);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["sender"], "[::1]:9");
        assert_eq!(v["format"], "basic");
        assert!(v["seq"].is_null() && v["level"].is_null() && v["fragments"].is_null());
        assert!(v.get("recv_usec").is_none());
        assert_eq!(v["text"], "plain");
    }

    #[test]
    fn json_events_parse() {
        use crate::reassemble::{DropReason, Incomplete};
        let events = [
            Event::Gap {
                sender: addr(),
                counter: Counter::Msgid,
                first: 3,
                last: 4,
                missing: 2,
            },
            Event::Late {
                sender: addr(),
                counter: Counter::Seq,
                value: 3,
            },
            Event::Restart {
                sender: addr(),
                counter: Counter::Seq,
                previous: 9,
                current: 0,
            },
            Event::Incomplete(Incomplete {
                sender: addr(),
                seq: 5,
                received: 10,
                total: 20,
                fragments: 1,
                reason: DropReason::Timeout,
            }),
            Event::Rejected {
                sender: addr(),
                seq: None,
                reason: "x \"y\"",
            },
        ];
        let types = ["loss", "late", "restart", "incomplete", "rejected"];
        for (ev, ty) in events.iter().zip(types) {
            let mut s = String::new();
            json_event(&mut s, ev, None);
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v["type"], ty);
            assert_eq!(v["sender"], "10.0.0.2:6665");
            assert!(human_notice(ev).unwrap().starts_with("10.0.0.2:6665: "));
        }
    }

    #[test]
    fn summaries() {
        let mut st = Stats {
            messages: 3,
            ..Stats::default()
        };
        st.msgid.missing = 2;
        let s = Summary {
            senders: vec![(addr(), st)],
            totals: st,
            forgotten_senders: 0,
        };
        let v: serde_json::Value = serde_json::from_str(&json_summary(&s)).unwrap();
        assert_eq!(v["type"], "summary");
        assert_eq!(v["totals"]["messages"], 3);
        assert_eq!(v["senders"][0]["sender"], "10.0.0.2:6665");
        assert_eq!(v["senders"][0]["msgid"]["missing"], 2);
        let h = human_summary(&s);
        assert!(h.starts_with("summary: 3 messages"));
        assert!(h.contains("lost: 2 msgid"));
    }

    #[test]
    fn file_names() {
        assert_eq!(sender_file_name(addr(), false), "10.0.0.2_6665.log");
        assert_eq!(
            sender_file_name("[fe80::1]:6665".parse().unwrap(), true),
            "fe80::1_6665.jsonl"
        );
    }
}
