// SPDX-License-Identifier: GPL-2.0
//! A target's rate limit: a token bucket of `burst` messages refilled every `interval`.

/// Token bucket state of one target.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RateLimit {
    /// Interval in milliseconds; 0 turns the limit off.
    pub interval_ms: u32,
    /// Messages allowed per interval.
    pub burst: u32,
    tokens: u32,
    /// Start of the current interval (ns of a monotonic clock).
    window_start_ns: u64,
}

/// Default burst (`ratelimit_burst`).
pub const DEFAULT_BURST: u32 = 10;

impl Default for RateLimit {
    fn default() -> Self {
        Self::new(0, DEFAULT_BURST)
    }
}

impl RateLimit {
    /// A full bucket.
    pub const fn new(interval_ms: u32, burst: u32) -> Self {
        Self {
            interval_ms,
            burst,
            tokens: burst,
            window_start_ns: 0,
        }
    }

    /// Changes the parameters; the bucket starts full again.
    pub fn set(&mut self, interval_ms: u32, burst: u32) {
        *self = Self::new(interval_ms, burst);
    }

    /// Whether a message may go out at `now_ns`; takes a token if so. `bypass` (an oops in
    /// progress) lets everything through without taking tokens.
    pub fn allow(&mut self, now_ns: u64, bypass: bool) -> bool {
        if self.interval_ms == 0 || bypass {
            return true;
        }
        let interval_ns = u64::from(self.interval_ms).saturating_mul(1_000_000);
        if self.window_start_ns == 0 || now_ns.saturating_sub(self.window_start_ns) >= interval_ns {
            self.window_start_ns = now_ns.max(1);
            self.tokens = self.burst;
        }
        if self.tokens == 0 {
            return false;
        }
        self.tokens = self.tokens.saturating_sub(1);
        true
    }
}
