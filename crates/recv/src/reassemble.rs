// SPDX-License-Identifier: GPL-2.0

//! Reassembling `ncfrag` fragments into whole extended messages, in bounded memory.
//!
//! C source of the fragments: `send_ext_msg_udp` in `drivers/net/netconsole.c`. Every fragment
//! of a message repeats the header (`[<release>,]<level>,<seq>,<ts>,<flags>[,caller=..]`) and
//! adds `ncfrag=<offset>/<total>`; the slices are contiguous and together make `total` bytes.
//!
//! Nothing a sender claims is trusted: `total` is capped, offsets past it are refused, memory
//! is spent only on bytes actually received (plus a fixed overhead per fragment and per
//! message), overlapping bytes are kept from the first fragment that brought them, and every
//! partial message is bounded in time, per sender and in total. Whatever is dropped is reported
//! as [`Incomplete`].

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// Memory charged per stored fragment on top of its bytes (map node, vector header).
pub const FRAGMENT_OVERHEAD: usize = 64;
/// Memory charged per partial message on top of its key and fragments.
pub const PARTIAL_OVERHEAD: usize = 256;
/// Completed or expired messages remembered per sender to drop their stray fragments.
const RECENT_PER_SENDER: usize = 16;

/// Bounds of the reassembler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest `total` accepted (the payload of one message).
    pub max_message: u64,
    /// Time from a message's first fragment after which it is given up.
    pub timeout: Duration,
    /// Partial messages per sender.
    pub max_partials_per_sender: usize,
    /// Memory per sender.
    pub max_bytes_per_sender: usize,
    /// Partial messages in all.
    pub max_partials: usize,
    /// Memory in all.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // Real messages are at most a few KiB (64 KiB of userdata on newer kernels).
            max_message: 1 << 20,
            timeout: Duration::from_secs(5),
            max_partials_per_sender: 16,
            max_bytes_per_sender: 4 << 20,
            max_partials: 1024,
            max_bytes: 64 << 20,
        }
    }
}

/// Why a fragment was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reject {
    /// `total` is zero.
    EmptyTotal,
    /// `total` exceeds [`Limits::max_message`].
    TotalTooLarge,
    /// `offset >= total`.
    OffsetBeyondTotal,
    /// `offset + slice length > total`.
    SliceBeyondTotal,
    /// The fragment carries no bytes.
    EmptySlice,
    /// The message does not fit in the per-sender or total memory bound.
    OverMemoryLimit,
}

impl Reject {
    /// A short description for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reject::EmptyTotal => "ncfrag total is zero",
            Reject::TotalTooLarge => "ncfrag total above the message size limit",
            Reject::OffsetBeyondTotal => "ncfrag offset beyond total",
            Reject::SliceBeyondTotal => "fragment extends beyond ncfrag total",
            Reject::EmptySlice => "empty fragment",
            Reject::OverMemoryLimit => "message over the reassembly memory limit",
        }
    }
}

/// Why a partial message was given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Fragments missing after [`Limits::timeout`].
    Timeout,
    /// Pushed out by newer messages (count or memory limits), or its sender was forgotten.
    Evicted,
    /// It could not grow within the memory limits.
    OverMemoryLimit,
    /// The receiver is stopping.
    Shutdown,
}

impl DropReason {
    /// A short description for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Timeout => "timeout",
            DropReason::Evicted => "evicted",
            DropReason::OverMemoryLimit => "memory limit",
            DropReason::Shutdown => "shutdown",
        }
    }
}

/// A message that was given up before all its fragments arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incomplete<S> {
    /// Who sent it.
    pub sender: S,
    /// Its printk sequence number.
    pub seq: u64,
    /// Payload bytes that did arrive.
    pub received: u64,
    /// Payload bytes claimed.
    pub total: u64,
    /// Fragments that brought new bytes.
    pub fragments: u32,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// What became of one fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The message is complete: here is its payload (body text, userdata, sysdata).
    Complete {
        /// The reassembled payload, `total` bytes.
        payload: Vec<u8>,
        /// Fragments that brought new bytes.
        fragments: u32,
        /// Whether this fragment started the message (it was also its only one).
        first: bool,
    },
    /// Stored; more fragments are needed.
    Pending {
        /// Whether this fragment started a new partial message.
        first: bool,
    },
    /// Nothing new: its bytes are already held, or its message was just completed or dropped.
    Duplicate,
    /// Refused.
    Rejected(Reject),
}

/// One fragment, as the reassembler needs it.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    /// The header without `ncfrag` (see [`crate::record::Header::message_key`]).
    pub key: &'a [u8],
    /// printk sequence number, for reports.
    pub seq: u64,
    /// `ncfrag` offset.
    pub offset: u64,
    /// `ncfrag` total.
    pub total: u64,
    /// The bytes after the header's `;`.
    pub slice: &'a [u8],
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PartialKey<S> {
    sender: S,
    key: Vec<u8>,
    total: u64,
}

#[derive(Debug)]
struct Partial {
    seq: u64,
    first_seen: Instant,
    /// Non-overlapping byte ranges by start offset.
    frags: BTreeMap<u64, Vec<u8>>,
    received: u64,
    fragments: u32,
    /// Memory charged for this message.
    cost: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct Usage {
    bytes: usize,
    partials: usize,
}

/// Reassembles fragments from any number of senders (`S` identifies a sender).
#[derive(Debug)]
pub struct Reassembler<S> {
    limits: Limits,
    partials: HashMap<PartialKey<S>, Partial>,
    usage: HashMap<S, Usage>,
    /// Hashes of recently completed or dropped messages, with when, oldest first.
    recent: HashMap<S, VecDeque<(u64, Instant)>>,
    bytes: usize,
}

/// The uncovered parts of `offset..end` given the stored ranges.
fn gaps(frags: &BTreeMap<u64, Vec<u8>>, offset: u64, end: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut cur = offset;
    let from = frags
        .range(..=offset)
        .next_back()
        .map_or(offset, |(&s, _)| s);
    for (&s, v) in frags.range(from..end) {
        let e = s + v.len() as u64;
        if e <= cur {
            continue;
        }
        if s > cur {
            out.push((cur, s));
        }
        cur = e;
        if cur >= end {
            break;
        }
    }
    if cur < end {
        out.push((cur, end));
    }
    out
}

fn message_hash(key: &[u8], total: u64) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    total.hash(&mut h);
    h.finish()
}

impl<S: Copy + Eq + Hash> Reassembler<S> {
    /// An empty reassembler.
    pub fn new(limits: Limits) -> Reassembler<S> {
        Reassembler {
            limits,
            partials: HashMap::new(),
            usage: HashMap::new(),
            recent: HashMap::new(),
            bytes: 0,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Memory charged in all.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Memory charged to `sender`.
    pub fn bytes_of(&self, sender: S) -> usize {
        self.usage.get(&sender).map_or(0, |u| u.bytes)
    }

    /// Partial messages held in all.
    pub fn partials(&self) -> usize {
        self.partials.len()
    }

    /// Partial messages held for `sender`.
    pub fn partials_of(&self, sender: S) -> usize {
        self.usage.get(&sender).map_or(0, |u| u.partials)
    }

    /// Remove a partial message and release its memory.
    fn remove(&mut self, key: &PartialKey<S>, now: Instant) -> Option<Partial> {
        let p = self.partials.remove(key)?;
        self.bytes -= p.cost;
        if let Some(u) = self.usage.get_mut(&key.sender) {
            u.bytes -= p.cost;
            u.partials -= 1;
            if u.partials == 0 {
                self.usage.remove(&key.sender);
            }
        }
        let recent = self.recent.entry(key.sender).or_default();
        if recent.len() == RECENT_PER_SENDER {
            recent.pop_front();
        }
        recent.push_back((message_hash(&key.key, key.total), now));
        Some(p)
    }

    /// Drop a partial message and report it.
    fn drop_partial(
        &mut self,
        key: &PartialKey<S>,
        reason: DropReason,
        now: Instant,
        dropped: &mut Vec<Incomplete<S>>,
    ) {
        if let Some(p) = self.remove(key, now) {
            dropped.push(Incomplete {
                sender: key.sender,
                seq: p.seq,
                received: p.received,
                total: key.total,
                fragments: p.fragments,
                reason,
            });
        }
    }

    /// The oldest partial message (of `sender` if given), other than `except`.
    fn oldest(&self, sender: Option<S>, except: &PartialKey<S>) -> Option<PartialKey<S>> {
        self.partials
            .iter()
            .filter(|(k, _)| sender.is_none_or(|s| k.sender == s) && *k != except)
            .min_by_key(|(_, p)| p.first_seen)
            .map(|(k, _)| k.clone())
    }

    /// Make room for `cost` more bytes for `key` (and one more partial if `new`), evicting
    /// older messages. False if it cannot fit even alone.
    fn make_room(
        &mut self,
        key: &PartialKey<S>,
        cost: usize,
        new: bool,
        now: Instant,
        dropped: &mut Vec<Incomplete<S>>,
    ) -> bool {
        let l = self.limits.clone();
        let usage = |r: &Self| r.usage.get(&key.sender).copied().unwrap_or_default();
        while (new && usage(self).partials >= l.max_partials_per_sender)
            || usage(self).bytes.saturating_add(cost) > l.max_bytes_per_sender
        {
            match self.oldest(Some(key.sender), key) {
                Some(k) => self.drop_partial(&k, DropReason::Evicted, now, dropped),
                None => break,
            }
        }
        while (new && self.partials.len() >= l.max_partials)
            || self.bytes.saturating_add(cost) > l.max_bytes
        {
            match self.oldest(None, key) {
                Some(k) => self.drop_partial(&k, DropReason::Evicted, now, dropped),
                None => break,
            }
        }
        let u = usage(self);
        (!new || (u.partials < l.max_partials_per_sender && self.partials.len() < l.max_partials))
            && u.bytes.saturating_add(cost) <= l.max_bytes_per_sender
            && self.bytes.saturating_add(cost) <= l.max_bytes
    }

    /// Take one fragment from `sender`. Messages given up on the way (to make room, or this
    /// one if it cannot grow) are appended to `dropped`.
    pub fn insert(
        &mut self,
        sender: S,
        frag: Fragment<'_>,
        now: Instant,
        dropped: &mut Vec<Incomplete<S>>,
    ) -> Outcome {
        let Fragment {
            key,
            seq,
            offset,
            total,
            slice,
        } = frag;
        if total == 0 {
            return Outcome::Rejected(Reject::EmptyTotal);
        }
        if total > self.limits.max_message {
            return Outcome::Rejected(Reject::TotalTooLarge);
        }
        if offset >= total {
            return Outcome::Rejected(Reject::OffsetBeyondTotal);
        }
        let len = slice.len() as u64;
        if len > total - offset {
            return Outcome::Rejected(Reject::SliceBeyondTotal);
        }
        if slice.is_empty() {
            return Outcome::Rejected(Reject::EmptySlice);
        }
        let end = offset + len;

        let pkey = PartialKey {
            sender,
            key: key.to_vec(),
            total,
        };
        let existing = self.partials.get(&pkey);
        let new = existing.is_none();
        if new {
            let hash = message_hash(key, total);
            let timeout = self.limits.timeout;
            if let Some(r) = self.recent.get(&sender) {
                if r.iter()
                    .any(|&(h, t)| h == hash && now.saturating_duration_since(t) < timeout)
                {
                    return Outcome::Duplicate;
                }
            }
        }
        let holes = existing.map_or_else(|| vec![(offset, end)], |p| gaps(&p.frags, offset, end));
        if holes.is_empty() {
            return Outcome::Duplicate;
        }
        let cost = holes
            .iter()
            .map(|&(s, e)| (e - s) as usize + FRAGMENT_OVERHEAD)
            .sum::<usize>()
            + if new { PARTIAL_OVERHEAD + key.len() } else { 0 };
        if !self.make_room(&pkey, cost, new, now, dropped) {
            self.drop_partial(&pkey, DropReason::OverMemoryLimit, now, dropped);
            return Outcome::Rejected(Reject::OverMemoryLimit);
        }

        let p = self
            .partials
            .entry(pkey.clone())
            .or_insert_with(|| Partial {
                seq,
                first_seen: now,
                frags: BTreeMap::new(),
                received: 0,
                fragments: 0,
                cost: 0,
            });
        for (s, e) in holes {
            // `offset <= s < e <= end`, so the range lies within `slice`.
            let bytes = slice[(s - offset) as usize..(e - offset) as usize].to_vec();
            p.received += e - s;
            p.frags.insert(s, bytes);
        }
        p.fragments += 1;
        p.cost += cost;
        let (received, fragments) = (p.received, p.fragments);
        self.bytes += cost;
        let u = self.usage.entry(sender).or_default();
        u.bytes += cost;
        if new {
            u.partials += 1;
        }

        if received < total {
            return Outcome::Pending { first: new };
        }
        let p = self.remove(&pkey, now);
        let payload = p
            .map(|p| p.frags.into_values().flatten().collect())
            .unwrap_or_default();
        Outcome::Complete {
            payload,
            fragments,
            first: new,
        }
    }

    /// Give up messages older than the timeout; forget old completions.
    pub fn expire(&mut self, now: Instant, dropped: &mut Vec<Incomplete<S>>) {
        let timeout = self.limits.timeout;
        let old: Vec<PartialKey<S>> = self
            .partials
            .iter()
            .filter(|(_, p)| now.saturating_duration_since(p.first_seen) >= timeout)
            .map(|(k, _)| k.clone())
            .collect();
        for k in old {
            self.drop_partial(&k, DropReason::Timeout, now, dropped);
        }
        self.recent.retain(|_, r| {
            r.retain(|&(_, t)| now.saturating_duration_since(t) < timeout);
            !r.is_empty()
        });
    }

    /// The earliest time [`Reassembler::expire`] has something to do, if any partial is held.
    pub fn next_expiry(&self) -> Option<Instant> {
        self.partials
            .values()
            .map(|p| p.first_seen + self.limits.timeout)
            .min()
    }

    /// Give up everything of `sender` and forget it.
    pub fn forget(&mut self, sender: S, now: Instant, dropped: &mut Vec<Incomplete<S>>) {
        let keys: Vec<PartialKey<S>> = self
            .partials
            .keys()
            .filter(|k| k.sender == sender)
            .cloned()
            .collect();
        for k in keys {
            self.drop_partial(&k, DropReason::Evicted, now, dropped);
        }
        self.recent.remove(&sender);
    }

    /// Give up every partial message (the receiver is stopping).
    pub fn drain(&mut self, now: Instant, dropped: &mut Vec<Incomplete<S>>) {
        let mut keys: Vec<(Instant, PartialKey<S>)> = self
            .partials
            .iter()
            .map(|(k, p)| (p.first_seen, k.clone()))
            .collect();
        keys.sort_by_key(|(t, _)| *t);
        for (_, k) in keys {
            self.drop_partial(&k, DropReason::Shutdown, now, dropped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"6,100,5000,-";

    fn frag(offset: u64, total: u64, slice: &[u8]) -> Fragment<'_> {
        Fragment {
            key: KEY,
            seq: 100,
            offset,
            total,
            slice,
        }
    }

    fn small_limits() -> Limits {
        Limits {
            max_message: 10_000,
            timeout: Duration::from_secs(5),
            max_partials_per_sender: 3,
            max_bytes_per_sender: 4_000,
            max_partials: 5,
            max_bytes: 8_000,
        }
    }

    #[test]
    fn gaps_of_ranges() {
        let mut m = BTreeMap::new();
        m.insert(10, vec![0; 10]); // 10..20
        m.insert(30, vec![0; 5]); // 30..35
        assert_eq!(gaps(&m, 0, 50), vec![(0, 10), (20, 30), (35, 50)]);
        assert_eq!(gaps(&m, 12, 18), vec![]);
        assert_eq!(gaps(&m, 15, 32), vec![(20, 30)]);
        assert_eq!(gaps(&m, 20, 30), vec![(20, 30)]);
        assert_eq!(gaps(&m, 35, 36), vec![(35, 36)]);
    }

    #[test]
    fn in_order_and_out_of_order() {
        let now = Instant::now();
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let mut r = Reassembler::new(Limits::default());
            let parts: [(u64, &[u8]); 3] = [(0, b"abc"), (3, b"def"), (6, b"gh")];
            let mut out = Vec::new();
            let mut dropped = Vec::new();
            for (n, &i) in order.iter().enumerate() {
                let (off, s) = parts[i];
                out.push(r.insert(1u8, frag(off, 8, s), now, &mut dropped));
                assert_eq!(r.partials(), usize::from(n < 2));
            }
            assert_eq!(out[0], Outcome::Pending { first: true });
            assert_eq!(out[1], Outcome::Pending { first: false });
            assert_eq!(
                out[2],
                Outcome::Complete {
                    payload: b"abcdefgh".to_vec(),
                    fragments: 3,
                    first: false
                }
            );
            assert!(dropped.is_empty());
            assert_eq!(r.bytes(), 0);
        }
    }

    #[test]
    fn duplicates_and_overlaps() {
        let now = Instant::now();
        let mut r = Reassembler::new(Limits::default());
        let mut d = Vec::new();
        assert_eq!(
            r.insert(1u8, frag(0, 6, b"abcd"), now, &mut d),
            Outcome::Pending { first: true }
        );
        assert_eq!(
            r.insert(1u8, frag(0, 6, b"abcd"), now, &mut d),
            Outcome::Duplicate
        );
        assert_eq!(
            r.insert(1u8, frag(1, 6, b"bc"), now, &mut d),
            Outcome::Duplicate
        );
        // Overlap: the first bytes win, only "ef" is new.
        assert_eq!(
            r.insert(1u8, frag(2, 6, b"XXef"), now, &mut d),
            Outcome::Complete {
                payload: b"abcdef".to_vec(),
                fragments: 2,
                first: false
            }
        );
        // A stray copy of a fragment of the completed message is a duplicate, not a new message.
        assert_eq!(
            r.insert(1u8, frag(0, 6, b"abcd"), now, &mut d),
            Outcome::Duplicate
        );
        assert_eq!(r.partials(), 0);
        // After the timeout the same header may be a replay: accepted again.
        let later = now + Duration::from_secs(6);
        r.expire(later, &mut d);
        assert_eq!(
            r.insert(1u8, frag(0, 6, b"abcd"), later, &mut d),
            Outcome::Pending { first: true }
        );
        assert!(d.is_empty());
    }

    #[test]
    fn hostile_fields() {
        let now = Instant::now();
        let mut r = Reassembler::new(Limits::default());
        let mut d = Vec::new();
        let mut ins = |off, total, s: &[u8]| r.insert(1u8, frag(off, total, s), now, &mut d);
        assert_eq!(
            ins(0, 4 << 30, b"x"),
            Outcome::Rejected(Reject::TotalTooLarge)
        );
        assert_eq!(
            ins(0, u64::MAX, b"x"),
            Outcome::Rejected(Reject::TotalTooLarge)
        );
        assert_eq!(
            ins(10, 10, b"x"),
            Outcome::Rejected(Reject::OffsetBeyondTotal)
        );
        assert_eq!(
            ins(11, 10, b"x"),
            Outcome::Rejected(Reject::OffsetBeyondTotal)
        );
        assert_eq!(
            ins(8, 10, b"xyz"),
            Outcome::Rejected(Reject::SliceBeyondTotal)
        );
        assert_eq!(ins(0, 0, b""), Outcome::Rejected(Reject::EmptyTotal));
        assert_eq!(ins(0, 10, b""), Outcome::Rejected(Reject::EmptySlice));
        assert_eq!(r.bytes(), 0);
        assert!(d.is_empty());
    }

    #[test]
    fn timeout_reports_incomplete() {
        let now = Instant::now();
        let mut r = Reassembler::new(Limits::default());
        let mut d = Vec::new();
        r.insert(7u8, frag(0, 10, b"abcd"), now, &mut d);
        assert_eq!(r.next_expiry(), Some(now + Duration::from_secs(5)));
        r.expire(now + Duration::from_secs(4), &mut d);
        assert!(d.is_empty());
        r.expire(now + Duration::from_secs(5), &mut d);
        assert_eq!(
            d,
            vec![Incomplete {
                sender: 7,
                seq: 100,
                received: 4,
                total: 10,
                fragments: 1,
                reason: DropReason::Timeout
            }]
        );
        assert_eq!((r.partials(), r.bytes(), r.bytes_of(7)), (0, 0, 0));
        assert_eq!(r.next_expiry(), None);
    }

    #[test]
    fn per_sender_partial_limit_evicts_oldest() {
        let t0 = Instant::now();
        let mut r = Reassembler::new(small_limits());
        let mut d = Vec::new();
        for i in 0..4u64 {
            let key = format!("6,{i},0,-");
            let f = Fragment {
                key: key.as_bytes(),
                seq: i,
                offset: 0,
                total: 100,
                slice: b"x",
            };
            r.insert(1u8, f, t0 + Duration::from_millis(i), &mut d);
        }
        assert_eq!(r.partials_of(1), 3);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].seq, d[0].reason), (0, DropReason::Evicted));
    }

    #[test]
    fn memory_limits_hold() {
        let t0 = Instant::now();
        let l = small_limits();
        let mut r = Reassembler::new(l.clone());
        let mut d = Vec::new();
        let big = vec![b'a'; 3_000];
        // One message bigger than a sender may hold: refused, and reported.
        let f = |off| Fragment {
            key: KEY,
            seq: 1,
            offset: off,
            total: 9_000,
            slice: &big,
        };
        assert_eq!(
            r.insert(1u8, f(0), t0, &mut d),
            Outcome::Pending { first: true }
        );
        assert_eq!(
            r.insert(1u8, f(3_000), t0, &mut d),
            Outcome::Rejected(Reject::OverMemoryLimit)
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].reason, DropReason::OverMemoryLimit);
        assert_eq!(r.bytes_of(1), 0);
        // Many senders: the total bound holds by evicting the oldest.
        for s in 0..20u8 {
            r.insert(s, f(0), t0 + Duration::from_millis(u64::from(s)), &mut d);
            assert!(r.bytes() <= l.max_bytes);
            assert!(r.partials() <= l.max_partials);
            assert!(r.bytes_of(s) <= l.max_bytes_per_sender);
        }
        // Tiny fragments are charged their overhead.
        let mut r = Reassembler::new(l.clone());
        for off in 0..1_000u64 {
            let f = Fragment {
                key: KEY,
                seq: 1,
                offset: off * 2,
                total: 5_000,
                slice: b"z",
            };
            r.insert(1u8, f, t0, &mut d);
            assert!(r.bytes_of(1) <= l.max_bytes_per_sender);
        }
    }

    #[test]
    fn drain_and_forget() {
        let now = Instant::now();
        let mut r = Reassembler::new(Limits::default());
        let mut d = Vec::new();
        r.insert(1u8, frag(0, 10, b"ab"), now, &mut d);
        r.insert(2u8, frag(0, 10, b"ab"), now, &mut d);
        r.forget(1, now, &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].reason, DropReason::Evicted);
        r.drain(now, &mut d);
        assert_eq!(d.len(), 2);
        assert_eq!((d[1].sender, d[1].reason), (2, DropReason::Shutdown));
        assert_eq!(r.bytes(), 0);
    }

    /// Fragments produced by the project's own formatter reassemble to the original payload.
    #[test]
    fn reassembles_netconsole_pure_fragments() {
        use netconsole_pure::msg::{send_extended, Sysdata, MAX_PRINT_CHUNK};
        let text: Vec<u8> = (0..2500u32).map(|i| b'a' + (i % 26) as u8).collect();
        let record = [b"6,42,1000,-;".as_slice(), &text, b"\n"].concat();
        let sys = Sysdata {
            cpu: Some(1),
            taskname: Some(b"sh"),
            release: Some(b"6.12.117"),
            msgid: Some(9),
        };
        let mut scratch = [0u8; MAX_PRINT_CHUNK];
        let mut datagrams = Vec::new();
        send_extended(&mut scratch, &record, None, b" k=v\n", &sys, |d| {
            datagrams.push(d.to_vec())
        })
        .unwrap();
        assert!(datagrams.len() >= 3);
        datagrams.reverse();
        let mut r = Reassembler::new(Limits::default());
        let mut d = Vec::new();
        let now = Instant::now();
        let mut done = None;
        for dg in &datagrams {
            let crate::record::Datagram::Extended { header, body } =
                crate::record::parse_datagram(dg)
            else {
                panic!("not extended");
            };
            let f = header.frag.unwrap();
            let key = header.message_key();
            let frag = Fragment {
                key: &key,
                seq: header.seq,
                offset: f.offset,
                total: f.total,
                slice: body,
            };
            if let Outcome::Complete { payload, .. } = r.insert(0u8, frag, now, &mut d) {
                done = Some(payload);
            }
        }
        let expected = [
            &text[..],
            b"\n k=v\n cpu=1\n taskname=sh\n release=6.12.117\n msgid=9\n",
        ]
        .concat();
        assert_eq!(done.unwrap(), expected);
    }
}
