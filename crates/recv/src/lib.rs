// SPDX-License-Identifier: GPL-2.0

//! The receiving side of netconsole: datagrams in, messages and loss reports out.
//!
//! [`Receiver`] is the whole receiver without sockets or clocks: the caller hands it each
//! datagram with its source address and the current time, and calls [`Receiver::tick`] now and
//! then; it returns [`Event`]s, which [`output`] renders as human text or JSON lines.
//!
//! - [`record`]: parse a datagram (extended header, release prefix, `ncfrag`) and a message
//!   body (text, dictionary, userdata, sysdata).
//! - [`reassemble`]: put `ncfrag` fragments back together in bounded memory.
//! - [`loss`]: gaps, restarts and late arrivals in `seq` and `msgid`.
//! - [`output`]: human and JSON rendering.
//! - [`args`]: the command line.

#![forbid(unsafe_code)]

pub mod args;
pub mod loss;
pub mod output;
pub mod reassemble;
pub mod record;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use loss::{Counter, Observation, Tracker};
use reassemble::{Fragment, Incomplete, Outcome, Reassembler};
use record::{parse_body, parse_datagram, Body, Datagram, Header};

/// Memory charged per known sender (its state, not counting its buffers).
pub const SENDER_OVERHEAD: usize = 512;

/// Bounds of a [`Receiver`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Fragment reassembly.
    pub reassembly: reassemble::Limits,
    /// Senders tracked at once; the least recently heard is forgotten to make room.
    pub max_senders: usize,
    /// Longest basic-format line buffered while waiting for its `\n`.
    pub max_line: usize,
    /// Bytes of unfinished basic lines buffered for all senders together.
    pub max_line_bytes: usize,
    /// How long an unfinished basic line waits for its end before it is printed as it is.
    pub line_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            reassembly: reassemble::Limits::default(),
            max_senders: 4096,
            max_line: 64 << 10,
            max_line_bytes: 16 << 20,
            line_timeout: Duration::from_secs(1),
        }
    }
}

impl Limits {
    /// The most memory a [`Receiver`] with these limits may account for.
    pub fn max_memory(&self) -> usize {
        self.reassembly.max_bytes + self.max_line_bytes + self.max_senders * SENDER_OVERHEAD
    }
}

/// A whole extended message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extended {
    /// Kernel release prefix (`release=1` targets).
    pub release: Option<Vec<u8>>,
    /// Syslog priority: `facility << 3 | level`.
    pub prio: u32,
    /// printk sequence number.
    pub seq: u64,
    /// Microseconds since the sender booted.
    pub ts_usec: u64,
    /// printk flags (`-` or `c`).
    pub flags: Vec<u8>,
    /// `caller=` header field.
    pub caller: Option<Vec<u8>>,
    /// Text, dictionary, userdata and sysdata.
    pub body: Body,
    /// Datagrams it came in: 1 if not fragmented.
    pub fragments: u32,
}

impl Extended {
    fn new(header: &Header<'_>, body: Body, fragments: u32) -> Extended {
        Extended {
            release: header.release.map(<[u8]>::to_vec),
            prio: header.prio,
            seq: header.seq,
            ts_usec: header.ts_usec,
            flags: header.flags.to_vec(),
            caller: header.caller.map(<[u8]>::to_vec),
            body,
            fragments,
        }
    }

    /// printk log level (0..=7).
    pub fn level(&self) -> u8 {
        // Masked to 3 bits.
        (self.prio & 7) as u8
    }

    /// Syslog facility.
    pub fn facility(&self) -> u32 {
        self.prio >> 3
    }
}

/// What a message carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// An extended-format message.
    Extended(Box<Extended>),
    /// A line of basic-format text (without its `\n`).
    Basic(Vec<u8>),
}

/// Something to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A message arrived.
    Message {
        /// Source address and port.
        sender: SocketAddr,
        /// The message.
        payload: Payload,
    },
    /// Values of a counter were skipped.
    Gap {
        /// Source address and port.
        sender: SocketAddr,
        /// `seq` or `msgid`.
        counter: Counter,
        /// First missing value.
        first: u64,
        /// Last missing value.
        last: u64,
        /// How many.
        missing: u64,
    },
    /// A value of a reported gap arrived after all.
    Late {
        /// Source address and port.
        sender: SocketAddr,
        /// `seq` or `msgid`.
        counter: Counter,
        /// The value.
        value: u64,
    },
    /// A counter went back: the sender restarted or replayed its log.
    Restart {
        /// Source address and port.
        sender: SocketAddr,
        /// `seq` or `msgid`.
        counter: Counter,
        /// Last value before.
        previous: u64,
        /// The new value.
        current: u64,
    },
    /// A fragmented message was given up.
    Incomplete(Incomplete<SocketAddr>),
    /// A datagram was refused.
    Rejected {
        /// Source address and port.
        sender: SocketAddr,
        /// The record's `seq`, if its header parsed.
        seq: Option<u64>,
        /// Why.
        reason: &'static str,
    },
}

/// Counts for one counter of a sender.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LossStats {
    /// Gaps reported.
    pub gaps: u64,
    /// Values missing (reported in gaps, minus those that arrived late).
    pub missing: u64,
    /// Values that arrived after their gap was reported.
    pub late: u64,
    /// Restarts (backwards jumps).
    pub restarts: u64,
    /// Repeated values.
    pub duplicates: u64,
}

/// Counts for one sender, or for all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams received.
    pub datagrams: u64,
    /// Bytes received.
    pub bytes: u64,
    /// Extended messages delivered.
    pub messages: u64,
    /// Basic lines delivered.
    pub lines: u64,
    /// Datagrams that were fragments.
    pub fragments: u64,
    /// Fragments that brought nothing new.
    pub duplicate_fragments: u64,
    /// Fragmented messages given up.
    pub incomplete: u64,
    /// Datagrams refused.
    pub rejected: u64,
    /// `seq` accounting.
    pub seq: LossStats,
    /// `msgid` accounting.
    pub msgid: LossStats,
}

impl Stats {
    fn loss_mut(&mut self, c: Counter) -> &mut LossStats {
        match c {
            Counter::Seq => &mut self.seq,
            Counter::Msgid => &mut self.msgid,
        }
    }
}

/// What [`Receiver::summary`] returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Known senders, sorted by address.
    pub senders: Vec<(SocketAddr, Stats)>,
    /// All senders, including forgotten ones.
    pub totals: Stats,
    /// Senders forgotten to stay within [`Limits::max_senders`].
    pub forgotten_senders: u64,
}

#[derive(Debug)]
struct SenderState {
    seq: Tracker,
    msgid: Tracker,
    /// Unfinished basic-format line.
    line: Vec<u8>,
    /// When `line` got its first byte.
    line_since: Option<Instant>,
    last_seen: Instant,
    stats: Stats,
}

impl SenderState {
    fn new(now: Instant) -> SenderState {
        SenderState {
            seq: Tracker::seq(),
            msgid: Tracker::msgid(),
            line: Vec::new(),
            line_since: None,
            last_seen: now,
            stats: Stats::default(),
        }
    }
}

/// The receiver: per-sender state, reassembly and loss accounting.
#[derive(Debug)]
pub struct Receiver {
    limits: Limits,
    senders: HashMap<SocketAddr, SenderState>,
    reassembler: Reassembler<SocketAddr>,
    line_bytes: usize,
    totals: Stats,
    forgotten: u64,
    dropped: Vec<Incomplete<SocketAddr>>,
}

/// The sender as printed: IPv4-mapped IPv6 addresses (from a dual-stack socket) as IPv4.
pub fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(v4.into(), a.port()),
            None => addr,
        },
        SocketAddr::V4(_) => addr,
    }
}

impl Receiver {
    /// A receiver with the given bounds.
    pub fn new(limits: Limits) -> Receiver {
        Receiver {
            reassembler: Reassembler::new(limits.reassembly.clone()),
            limits,
            senders: HashMap::new(),
            line_bytes: 0,
            totals: Stats::default(),
            forgotten: 0,
            dropped: Vec::new(),
        }
    }

    /// The bounds in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Memory accounted for now (always at most [`Limits::max_memory`]).
    pub fn memory_used(&self) -> usize {
        self.reassembler.bytes() + self.line_bytes + self.senders.len() * SENDER_OVERHEAD
    }

    /// Memory accounted for one sender (reassembly and unfinished line).
    pub fn memory_of(&self, sender: SocketAddr) -> usize {
        let sender = canonical(sender);
        self.reassembler.bytes_of(sender) + self.senders.get(&sender).map_or(0, |s| s.line.len())
    }

    /// Senders known now.
    pub fn sender_count(&self) -> usize {
        self.senders.len()
    }

    fn bump(&mut self, sender: SocketAddr, f: impl Fn(&mut Stats)) {
        f(&mut self.totals);
        if let Some(s) = self.senders.get_mut(&sender) {
            f(&mut s.stats);
        }
    }

    fn state(&mut self, sender: SocketAddr) -> &mut SenderState {
        self.senders
            .get_mut(&sender)
            .expect("state() is called only for a sender made known by datagram()")
    }

    /// Make `sender` known, forgetting the least recently heard sender if needed.
    fn touch(&mut self, sender: SocketAddr, now: Instant, out: &mut Vec<Event>) {
        if let Some(s) = self.senders.get_mut(&sender) {
            s.last_seen = now;
            return;
        }
        while self.senders.len() >= self.limits.max_senders.max(1) {
            let Some(oldest) = self
                .senders
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(a, _)| *a)
            else {
                break;
            };
            self.forget(oldest, now, out);
        }
        self.senders.insert(sender, SenderState::new(now));
    }

    /// Flush and drop everything about `sender`.
    fn forget(&mut self, sender: SocketAddr, now: Instant, out: &mut Vec<Event>) {
        self.flush_line(sender, out);
        self.reassembler.forget(sender, now, &mut self.dropped);
        self.report_dropped(out);
        self.senders.remove(&sender);
        self.forgotten += 1;
    }

    fn report_dropped(&mut self, out: &mut Vec<Event>) {
        for inc in std::mem::take(&mut self.dropped) {
            self.bump(inc.sender, |s| s.incomplete += 1);
            out.push(Event::Incomplete(inc));
        }
    }

    fn observe(
        &mut self,
        sender: SocketAddr,
        counter: Counter,
        value: u64,
        out: &mut Vec<Event>,
    ) -> Observation {
        let state = self.state(sender);
        let tracker = match counter {
            Counter::Seq => &mut state.seq,
            Counter::Msgid => &mut state.msgid,
        };
        let value = value
            & if counter == Counter::Msgid {
                u64::from(u32::MAX)
            } else {
                u64::MAX
            };
        let obs = tracker.observe(value);
        match obs {
            Observation::First | Observation::InOrder => {}
            Observation::Duplicate => self.bump(sender, |s| s.loss_mut(counter).duplicates += 1),
            Observation::Gap {
                first,
                last,
                missing,
            } => {
                self.bump(sender, |s| {
                    let l = s.loss_mut(counter);
                    l.gaps += 1;
                    l.missing = l.missing.saturating_add(missing);
                });
                out.push(Event::Gap {
                    sender,
                    counter,
                    first,
                    last,
                    missing,
                });
            }
            Observation::Late => {
                self.bump(sender, |s| {
                    let l = s.loss_mut(counter);
                    l.late += 1;
                    l.missing = l.missing.saturating_sub(1);
                });
                out.push(Event::Late {
                    sender,
                    counter,
                    value,
                });
            }
            Observation::Restart { previous } => {
                self.bump(sender, |s| s.loss_mut(counter).restarts += 1);
                out.push(Event::Restart {
                    sender,
                    counter,
                    previous,
                    current: value,
                });
            }
        }
        obs
    }

    /// Deliver a whole extended message. A repeat of the previous record (`seq_repeated`,
    /// and the same `msgid` if it has one) is a duplicated datagram: counted, not delivered.
    fn deliver(
        &mut self,
        sender: SocketAddr,
        header: &Header<'_>,
        payload: &[u8],
        fragments: u32,
        seq_repeated: bool,
        out: &mut Vec<Event>,
    ) {
        let body = parse_body(payload);
        if seq_repeated {
            let last_msgid = self.state(sender).msgid.last();
            if body
                .sysdata
                .msgid
                .is_none_or(|m| Some(u64::from(m)) == last_msgid)
            {
                if body.sysdata.msgid.is_some() {
                    self.bump(sender, |s| s.msgid.duplicates += 1);
                }
                return;
            }
        }
        if let Some(m) = body.sysdata.msgid {
            self.observe(sender, Counter::Msgid, u64::from(m), out);
        }
        self.bump(sender, |s| s.messages += 1);
        out.push(Event::Message {
            sender,
            payload: Payload::Extended(Box::new(Extended::new(header, body, fragments))),
        });
    }

    /// Print `sender`'s unfinished basic line as it is.
    fn flush_line(&mut self, sender: SocketAddr, out: &mut Vec<Event>) {
        let Some(s) = self.senders.get_mut(&sender) else {
            return;
        };
        if s.line.is_empty() {
            return;
        }
        let line = std::mem::take(&mut s.line);
        s.line_since = None;
        self.line_bytes -= line.len();
        self.bump(sender, |s| s.lines += 1);
        out.push(Event::Message {
            sender,
            payload: Payload::Basic(line),
        });
    }

    fn basic(&mut self, sender: SocketAddr, text: &[u8], now: Instant, out: &mut Vec<Event>) {
        let mut rest = text;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let s = self.state(sender);
            let held = std::mem::take(&mut s.line);
            s.line_since = None;
            self.line_bytes -= held.len();
            let line = [held.as_slice(), &rest[..nl]].concat();
            self.bump(sender, |s| s.lines += 1);
            out.push(Event::Message {
                sender,
                payload: Payload::Basic(line),
            });
            rest = &rest[nl + 1..];
        }
        if rest.is_empty() {
            return;
        }
        // An unfinished line waits for the next datagram, within the limits.
        let held = self.state(sender).line.len();
        if held + rest.len() > self.limits.max_line
            || self.line_bytes + rest.len() > self.limits.max_line_bytes
        {
            self.flush_line(sender, out);
        }
        if rest.len() > self.limits.max_line
            || self.line_bytes + rest.len() > self.limits.max_line_bytes
        {
            self.bump(sender, |s| s.lines += 1);
            out.push(Event::Message {
                sender,
                payload: Payload::Basic(rest.to_vec()),
            });
            return;
        }
        self.line_bytes += rest.len();
        let s = self.state(sender);
        s.line.extend_from_slice(rest);
        s.line_since.get_or_insert(now);
    }

    /// Take one datagram from `sender` received at `now`; events are appended to `out`.
    pub fn datagram(
        &mut self,
        sender: SocketAddr,
        data: &[u8],
        now: Instant,
        out: &mut Vec<Event>,
    ) {
        let sender = canonical(sender);
        self.touch(sender, now, out);
        let len = data.len() as u64;
        self.bump(sender, |s| {
            s.datagrams += 1;
            s.bytes += len;
        });
        match parse_datagram(data) {
            Datagram::Basic(text) => self.basic(sender, text, now, out),
            Datagram::Bad { header, reason } => {
                self.bump(sender, |s| s.rejected += 1);
                out.push(Event::Rejected {
                    sender,
                    seq: Some(header.seq),
                    reason: reason.as_str(),
                });
            }
            Datagram::Extended { header, body } => match header.frag {
                None => {
                    let seq = self.observe(sender, Counter::Seq, header.seq, out);
                    self.deliver(sender, &header, body, 1, seq == Observation::Duplicate, out);
                }
                Some(frag) => {
                    self.bump(sender, |s| s.fragments += 1);
                    let key = header.message_key();
                    let fragment = Fragment {
                        key: &key,
                        seq: header.seq,
                        offset: frag.offset,
                        total: frag.total,
                        slice: body,
                    };
                    let outcome = self
                        .reassembler
                        .insert(sender, fragment, now, &mut self.dropped);
                    self.report_dropped(out);
                    match outcome {
                        Outcome::Pending { first } => {
                            if first {
                                self.observe(sender, Counter::Seq, header.seq, out);
                            }
                        }
                        Outcome::Complete {
                            payload,
                            fragments,
                            first,
                        } => {
                            if first {
                                self.observe(sender, Counter::Seq, header.seq, out);
                            }
                            self.deliver(sender, &header, &payload, fragments, false, out);
                        }
                        Outcome::Duplicate => self.bump(sender, |s| s.duplicate_fragments += 1),
                        Outcome::Rejected(r) => {
                            self.bump(sender, |s| s.rejected += 1);
                            out.push(Event::Rejected {
                                sender,
                                seq: Some(header.seq),
                                reason: r.as_str(),
                            });
                        }
                    }
                }
            },
        }
    }

    /// Time-driven work: give up fragmented messages past the timeout, print basic lines that
    /// waited too long for their end.
    pub fn tick(&mut self, now: Instant, out: &mut Vec<Event>) {
        self.reassembler.expire(now, &mut self.dropped);
        self.report_dropped(out);
        let timeout = self.limits.line_timeout;
        let mut stale: Vec<SocketAddr> = self
            .senders
            .iter()
            .filter(|(_, s)| {
                s.line_since
                    .is_some_and(|t| now.saturating_duration_since(t) >= timeout)
            })
            .map(|(a, _)| *a)
            .collect();
        stale.sort();
        for sender in stale {
            self.flush_line(sender, out);
        }
    }

    /// When [`Receiver::tick`] next has something to do, if ever.
    pub fn next_deadline(&self) -> Option<Instant> {
        let lines = self
            .senders
            .values()
            .filter_map(|s| s.line_since)
            .min()
            .map(|t| t + self.limits.line_timeout);
        match (self.reassembler.next_expiry(), lines) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Stop: give up all partial messages and print all unfinished lines.
    pub fn finish(&mut self, now: Instant, out: &mut Vec<Event>) {
        self.reassembler.drain(now, &mut self.dropped);
        self.report_dropped(out);
        let mut senders: Vec<SocketAddr> = self.senders.keys().copied().collect();
        senders.sort();
        for sender in senders {
            self.flush_line(sender, out);
        }
    }

    /// Counts so far.
    pub fn summary(&self) -> Summary {
        let mut senders: Vec<(SocketAddr, Stats)> =
            self.senders.iter().map(|(a, s)| (*a, s.stats)).collect();
        senders.sort_by_key(|(a, _)| *a);
        Summary {
            senders,
            totals: self.totals,
            forgotten_senders: self.forgotten,
        }
    }
}

#[cfg(test)]
mod tests;
