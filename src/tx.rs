// SPDX-License-Identifier: GPL-2.0
//! What the console write path uses of a target: its netpoll once enabled, the published
//! userdata and sysdata choices, rate limit, level filter, scratch buffer and counters.
//!
//! A [`Tx`] lives behind the target's IRQ-safe spinlock: the write path may run in any
//! context, so nothing here sleeps, allocates, prints or takes a mutex.

use crate::pure::{
    attr::{record_level, LOGLEVEL_ALL},
    frame::{self, Endpoints},
    msg::{self, Sysdata, MAX_PRINT_CHUNK},
    option::Device,
    ratelimit::RateLimit,
};
use crate::sys::{
    console::ConsoleKind,
    netpoll::{Netpoll, TxError},
    params,
};
use core::sync::atomic::{AtomicU16, Ordering};
use kernel::prelude::*;

/// IPv4 identification of the next datagram, shared by all targets (as netpoll's `ip_ident`).
static IP_IDENT: AtomicU16 = AtomicU16::new(0);

/// The states of a target.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum State {
    /// Not sending; configuration may change.
    Disabled,
    /// Sending.
    Enabled,
    /// Its device went away; it resumes when the device comes back.
    Deactivated,
}

/// Which sysdata lines extended messages carry (`userdata/*_enabled`).
#[derive(Clone, Copy, Default)]
pub(crate) struct SysdataFlags {
    /// ` cpu=`.
    pub(crate) cpu: bool,
    /// ` taskname=`.
    pub(crate) taskname: bool,
    /// ` release=`.
    pub(crate) release: bool,
    /// ` msgid=`.
    pub(crate) msgid: bool,
}

/// What a target has done, counted on the write path (the `stats` attribute).
#[derive(Default, Clone, Copy)]
pub(crate) struct Stats {
    /// Datagrams handed to the device.
    pub(crate) datagrams: u64,
    /// Payload bytes of those datagrams.
    pub(crate) bytes: u64,
    /// Messages suppressed by the rate limit.
    pub(crate) dropped_ratelimit: u64,
    /// Messages filtered out by `loglevel`.
    pub(crate) dropped_loglevel: u64,
    /// Datagrams sent from the fallback skb pool.
    pub(crate) pool_fallbacks: u64,
    /// Datagrams lost: device down, no skb, or dropped by the device.
    pub(crate) transmit_errors: u64,
    /// Of those: datagrams lost for want of an skb (normal allocation failed, pool empty).
    pub(crate) dropped_nomem: u64,
    /// Of those: messages (or datagrams) not sent because the device was down.
    pub(crate) dropped_device_down: u64,
}

impl Stats {
    /// Counts one datagram or message lost for `why`.
    fn lost(&mut self, why: TxError) {
        self.transmit_errors = self.transmit_errors.wrapping_add(1);
        match why {
            TxError::NoMem => self.dropped_nomem = self.dropped_nomem.wrapping_add(1),
            TxError::DevDown => self.dropped_device_down = self.dropped_device_down.wrapping_add(1),
            TxError::BadFrame | TxError::Dropped => {}
        }
    }
}

/// The enabled part of a target: present exactly while it is ENABLED.
pub(crate) struct Link {
    /// Set-up netpoll on the device.
    pub(crate) np: Pin<KBox<Netpoll>>,
    /// Addresses and ports of every frame.
    pub(crate) endpoints: Endpoints,
    /// Kind of messages the target takes.
    pub(crate) kind: ConsoleKind,
    /// Prepend the kernel release (extended only).
    pub(crate) release: bool,
}

/// The write path's view of a target.
pub(crate) struct Tx {
    /// Current state.
    pub(crate) state: State,
    /// Kind of messages, fixed when last enabled (kept while deactivated).
    pub(crate) kind: ConsoleKind,
    /// How the device was found when last enabled: what a resume matches.
    pub(crate) bind: Device,
    /// Whether it was enabled from the initial network namespace: only those resume (a resume
    /// runs in the initial namespace).
    pub(crate) init_net: bool,
    /// A new name of the device, seen by the notifier, for the configuration to pick up
    /// (the notifier cannot take the configuration mutex).
    pub(crate) renamed: Option<Device>,
    /// Netpoll and frame parameters, while enabled.
    pub(crate) link: Option<Link>,
    /// The userdata block (` key=value\n` lines), replaced whole when it changes.
    pub(crate) userdata: KVec<u8>,
    /// Which sysdata lines to add.
    pub(crate) sysdata: SysdataFlags,
    /// Last message id sent (`msgid`).
    pub(crate) msgid: u32,
    /// The token bucket.
    pub(crate) ratelimit: RateLimit,
    /// Only messages below this level are sent (8: all).
    pub(crate) loglevel: u8,
    /// Counters.
    pub(crate) stats: Stats,
}

impl Tx {
    /// A disabled target's state with the defaults.
    pub(crate) fn new() -> Self {
        Self {
            state: State::Disabled,
            kind: ConsoleKind::Basic,
            bind: Device::default(),
            renamed: None,
            init_net: true,
            link: None,
            userdata: KVec::new(),
            sysdata: SysdataFlags::default(),
            msgid: 0,
            ratelimit: RateLimit::default(),
            loglevel: LOGLEVEL_ALL,
            stats: Stats::default(),
        }
    }

    /// Whether the target needs the console of `kind`: enabled, or deactivated and waiting
    /// for its device to come back.
    pub(crate) fn needs(&self, kind: ConsoleKind) -> bool {
        self.state != State::Disabled && self.kind == kind
    }

    /// Whether the target is enabled for messages of `kind` and filters them by level.
    pub(crate) fn filters_level(&self, kind: ConsoleKind) -> bool {
        self.state == State::Enabled && self.kind == kind && self.loglevel < LOGLEVEL_ALL
    }

    /// Sends one message of `kind`. Console write path. `basic_level` is the level of a basic
    /// message when known (an extended record carries its own); a message of unknown level is
    /// sent. Extended datagrams are assembled in `scratch`.
    pub(crate) fn write(
        &mut self,
        kind: ConsoleKind,
        msg: &[u8],
        basic_level: Option<u8>,
        scratch: &mut [u8; MAX_PRINT_CHUNK],
    ) {
        let Tx {
            state,
            kind: _,
            bind: _,
            renamed: _,
            init_net: _,
            link,
            userdata,
            sysdata,
            msgid,
            ratelimit,
            loglevel,
            stats,
        } = self;
        let Some(link) = link.as_ref().filter(|_| *state == State::Enabled) else {
            return;
        };
        if link.kind != kind {
            return;
        }
        if !link.np.dev_running() {
            // Not sent (nothing is tried on a device that is down), but counted as lost.
            stats.lost(TxError::DevDown);
            return;
        }
        let level = || match kind {
            ConsoleKind::Basic => basic_level,
            ConsoleKind::Extended => record_level(msg),
        };
        if *loglevel < LOGLEVEL_ALL && level().is_some_and(|l| l >= *loglevel) {
            stats.dropped_loglevel = stats.dropped_loglevel.wrapping_add(1);
            return;
        }
        if !ratelimit.allow(params::now_ns(), params::oops_in_progress()) {
            stats.dropped_ratelimit = stats.dropped_ratelimit.wrapping_add(1);
            return;
        }
        match kind {
            ConsoleKind::Basic => {
                for chunk in msg::basic_chunks(msg) {
                    send_datagram(&link.np, &link.endpoints, stats, chunk);
                }
            }
            ConsoleKind::Extended => {
                let flags = *sysdata;
                if flags.msgid {
                    *msgid = msgid.wrapping_add(1);
                }
                let mut comm = [0u8; params::TASK_COMM_LEN];
                let sysdata = Sysdata {
                    cpu: flags.cpu.then(params::this_cpu),
                    taskname: flags.taskname.then(|| params::current_comm(&mut comm)),
                    release: flags.release.then(params::uts_release),
                    msgid: flags.msgid.then_some(*msgid),
                };
                let release = link.release.then(params::uts_release);
                let sent =
                    msg::send_extended(scratch, msg, release, userdata, &sysdata, |datagram| {
                        send_datagram(&link.np, &link.endpoints, stats, datagram)
                    });
                if sent.is_err() {
                    // A record that cannot be fragmented (no `;` header) is dropped, as in C.
                    stats.lost(TxError::BadFrame);
                }
            }
        }
    }
}

/// Builds one UDP datagram carrying `payload` directly in a fresh skb and sends it.
fn send_datagram(np: &Netpoll, ep: &Endpoints, stats: &mut Stats, payload: &[u8]) {
    let v6 = ep.is_v6();
    let header_len = frame::header_len(v6);
    let Some(len) = header_len.checked_add(payload.len()) else {
        return;
    };
    let ip_id = IP_IDENT.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    let sent = np.send_frame(len, v6, |buf| {
        let Some(dst) = buf.get_mut(header_len..) else {
            return false;
        };
        if dst.len() != payload.len() {
            return false;
        }
        dst.copy_from_slice(payload);
        frame::write_headers(buf, ep, ip_id).is_ok()
    });
    match sent {
        Ok(from_pool) => {
            if from_pool {
                stats.pool_fallbacks = stats.pool_fallbacks.wrapping_add(1);
            }
            stats.datagrams = stats.datagrams.wrapping_add(1);
            stats.bytes = stats.bytes.wrapping_add(payload.len() as u64);
        }
        Err(why) => stats.lost(why),
    }
}
