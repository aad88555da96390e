// SPDX-License-Identifier: GPL-2.0

//! Loss detection on one sender's counters: printk `seq` and netconsole's sysdata `msgid`.
//!
//! Both count up by one per message. A forward jump is a gap (messages missing), a backwards
//! jump is a restart (a reboot, a re-created target, or the replay of the log that a target
//! gets when it registers), unless the value fills a gap reported a moment ago: then it merely
//! arrived late (reordered). `msgid` is a u32 that wraps, so distances are taken modulo 2^32 and
//! a jump of half the range or more counts as backwards.
//!
//! A `seq` gap is not always network loss: printk skips records above the console loglevel and
//! records overwritten in its ring buffer, and the extended console sends nothing for them.
//! `msgid` counts only what the target sent, so a `msgid` gap is loss on the way.

use std::collections::VecDeque;

/// How many recent gaps are remembered to recognise late arrivals.
const MAX_OPEN_GAPS: usize = 16;

/// Which counter an observation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    /// printk sequence number (header field, u64).
    Seq,
    /// netconsole message id (sysdata ` msgid=`, u32, wraps, starts at 1).
    Msgid,
}

impl Counter {
    /// The name used in reports (`seq`, `msgid`).
    pub fn as_str(self) -> &'static str {
        match self {
            Counter::Seq => "seq",
            Counter::Msgid => "msgid",
        }
    }
}

/// What one observed value means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation {
    /// The first value seen.
    First,
    /// The expected next value.
    InOrder,
    /// Values `first..=last` (`missing` of them, modulo the counter's range) were skipped.
    Gap {
        /// First missing value.
        first: u64,
        /// Last missing value.
        last: u64,
        /// Number of missing values.
        missing: u64,
    },
    /// The same value as the previous one.
    Duplicate,
    /// A value of a recently reported gap: it was reordered, not lost.
    Late,
    /// The counter went back (or a `msgid` went back to 1): counting starts again from here.
    Restart {
        /// The value before the restart.
        previous: u64,
    },
}

/// Tracks one counter of one sender.
#[derive(Clone, Debug)]
pub struct Tracker {
    /// Values are taken modulo `mask + 1`.
    mask: u64,
    /// A value that always means a restart (msgid 1), unless it is the expected next one.
    restart_value: Option<u64>,
    last: Option<u64>,
    /// Recently reported gaps, inclusive ranges, oldest first.
    open_gaps: VecDeque<(u64, u64)>,
}

impl Tracker {
    /// A tracker for printk's `seq` (u64, never wraps in practice).
    pub fn seq() -> Tracker {
        Tracker {
            mask: u64::MAX,
            restart_value: None,
            last: None,
            open_gaps: VecDeque::new(),
        }
    }

    /// A tracker for sysdata `msgid` (u32, wraps; a target starts it at 1).
    pub fn msgid() -> Tracker {
        Tracker {
            mask: u64::from(u32::MAX),
            restart_value: Some(1),
            last: None,
            open_gaps: VecDeque::new(),
        }
    }

    /// The last value in order, if any.
    pub fn last(&self) -> Option<u64> {
        self.last
    }

    /// Forward distance from `from` to `to` modulo the counter's range.
    fn distance(&self, from: u64, to: u64) -> u64 {
        to.wrapping_sub(from) & self.mask
    }

    /// Remove `v` from the open gap that holds it; false if none does.
    fn fill_gap(&mut self, v: u64) -> bool {
        let Some(i) = self
            .open_gaps
            .iter()
            .position(|&(a, b)| self.distance(a, v) <= self.distance(a, b))
        else {
            return false;
        };
        let (a, b) = self.open_gaps[i];
        let below = (v != a).then(|| (a, v.wrapping_sub(1) & self.mask));
        let above = (v != b).then(|| (v.wrapping_add(1) & self.mask, b));
        match (below, above) {
            (Some(lo), Some(hi)) => {
                self.open_gaps[i] = lo;
                self.open_gaps.insert(i + 1, hi);
                if self.open_gaps.len() > MAX_OPEN_GAPS {
                    self.open_gaps.pop_front();
                }
            }
            (Some(r), None) | (None, Some(r)) => self.open_gaps[i] = r,
            (None, None) => {
                self.open_gaps.remove(i);
            }
        }
        true
    }

    /// Account for value `v` (taken modulo the counter's range).
    pub fn observe(&mut self, v: u64) -> Observation {
        let v = v & self.mask;
        let Some(last) = self.last else {
            self.last = Some(v);
            return Observation::First;
        };
        let d = self.distance(last, v);
        let half = self.mask / 2 + 1;
        if d == 0 {
            return Observation::Duplicate;
        }
        if d == 1 {
            self.last = Some(v);
            return Observation::InOrder;
        }
        if self.restart_value != Some(v) {
            if d < half {
                let first = last.wrapping_add(1) & self.mask;
                let end = v.wrapping_sub(1) & self.mask;
                if self.open_gaps.len() == MAX_OPEN_GAPS {
                    self.open_gaps.pop_front();
                }
                self.open_gaps.push_back((first, end));
                self.last = Some(v);
                return Observation::Gap {
                    first,
                    last: end,
                    missing: d - 1,
                };
            }
            if self.fill_gap(v) {
                return Observation::Late;
            }
        }
        self.open_gaps.clear();
        self.last = Some(v);
        Observation::Restart { previous: last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Observation::*;

    fn run(t: &mut Tracker, values: &[u64]) -> Vec<Observation> {
        values.iter().map(|&v| t.observe(v)).collect()
    }

    #[test]
    fn in_order() {
        let mut t = Tracker::seq();
        assert_eq!(run(&mut t, &[5, 6, 7]), [First, InOrder, InOrder]);
        assert_eq!(t.last(), Some(7));
    }

    #[test]
    fn seq_gap() {
        let mut t = Tracker::seq();
        assert_eq!(
            run(&mut t, &[10, 11, 15, 16]),
            [
                First,
                InOrder,
                Gap {
                    first: 12,
                    last: 14,
                    missing: 3
                },
                InOrder
            ]
        );
    }

    #[test]
    fn seq_restart_is_not_loss() {
        // A target registering replays the log from an old seq.
        let mut t = Tracker::seq();
        assert_eq!(
            run(&mut t, &[500, 501, 0, 1, 2]),
            [First, InOrder, Restart { previous: 501 }, InOrder, InOrder]
        );
    }

    #[test]
    fn seq_duplicate() {
        let mut t = Tracker::seq();
        assert_eq!(run(&mut t, &[3, 3, 4]), [First, Duplicate, InOrder]);
    }

    #[test]
    fn late_arrival_fills_gap() {
        let mut t = Tracker::seq();
        assert_eq!(
            run(&mut t, &[1, 5, 3, 2, 4, 6]),
            [
                First,
                Gap {
                    first: 2,
                    last: 4,
                    missing: 3
                },
                Late,
                Late,
                Late,
                InOrder
            ]
        );
        // The gap is closed: 3 again is a restart.
        assert_eq!(t.observe(3), Restart { previous: 6 });
    }

    #[test]
    fn msgid_gap() {
        let mut t = Tracker::msgid();
        assert_eq!(
            run(&mut t, &[1, 2, 5]),
            [
                First,
                InOrder,
                Gap {
                    first: 3,
                    last: 4,
                    missing: 2
                }
            ]
        );
    }

    #[test]
    fn msgid_wraps() {
        let max = u64::from(u32::MAX);
        let mut t = Tracker::msgid();
        assert_eq!(
            run(&mut t, &[max - 1, max, 0, 1, 2]),
            [First, InOrder, InOrder, InOrder, InOrder]
        );
        // A gap across the wrap.
        let mut t = Tracker::msgid();
        assert_eq!(
            run(&mut t, &[max - 1, 2]),
            [
                First,
                Gap {
                    first: max,
                    last: 1,
                    missing: 3
                }
            ]
        );
        // A late value inside that gap.
        assert_eq!(t.observe(0), Late);
    }

    #[test]
    fn msgid_restart() {
        let mut t = Tracker::msgid();
        // Target re-created: msgid starts at 1 again, even far from a wrap.
        assert_eq!(
            run(&mut t, &[3_000_000_000, 3_000_000_001, 1, 2]),
            [
                First,
                InOrder,
                Restart {
                    previous: 3_000_000_001
                },
                InOrder
            ]
        );
        // Going back by less than half the range without hitting 1 is a restart too.
        let mut t = Tracker::msgid();
        assert_eq!(run(&mut t, &[100, 50]), [First, Restart { previous: 100 }]);
    }

    #[test]
    fn open_gaps_are_bounded() {
        let mut t = Tracker::seq();
        t.observe(0);
        for i in 1..100u64 {
            t.observe(i * 10);
        }
        assert!(t.open_gaps.len() <= MAX_OPEN_GAPS);
        // Splitting gaps keeps the bound.
        for i in 90..99u64 {
            t.observe(i * 10 + 5);
        }
        assert!(t.open_gaps.len() <= MAX_OPEN_GAPS);
    }
}
