// SPDX-License-Identifier: GPL-2.0
//! A netconsole target: one destination for log messages, and its netpoll.

use crate::pure::{
    frame::{self, Endpoints},
    msg::{self, Sysdata, MAX_PRINT_CHUNK},
    option::TargetOptions,
};
use crate::sys::errno::EDESTADDRREQ;
use crate::sys::{
    netpoll::{Netpoll, NetpollConfig, TxError},
    params,
};
use core::sync::atomic::{AtomicU16, Ordering};
use kernel::prelude::*;

/// IPv4 identification of the next datagram, shared by all targets (as netpoll's `ip_ident`).
static IP_IDENT: AtomicU16 = AtomicU16::new(0);

/// What a target has sent, counted on the write path.
#[derive(Default, Clone, Copy)]
pub(crate) struct Stats {
    /// Datagrams handed to the device.
    pub(crate) datagrams: u64,
    /// Payload bytes of those datagrams.
    pub(crate) bytes: u64,
    /// Datagrams lost: device down, no skb, or dropped by the device.
    pub(crate) transmit_errors: u64,
}

/// One destination.
pub(crate) struct Target {
    opts: TargetOptions,
    np: Pin<KBox<Netpoll>>,
    /// Addresses and ports of the frames, fixed when the target is enabled.
    endpoints: Option<Endpoints>,
    /// Where extended messages are assembled: one datagram at a time.
    scratch: KBox<[u8; MAX_PRINT_CHUNK]>,
    stats: Stats,
}

impl Target {
    /// A disabled target with `opts` (which must name a remote address). Logs the target's
    /// configuration banner, as the C module does when it parses a target.
    pub(crate) fn new(opts: TargetOptions) -> Result<Self> {
        let remote_ip = opts.remote_ip.ok_or_else(EDESTADDRREQ)?;
        let cfg = NetpollConfig {
            dev_name: opts.dev.name().unwrap_or(&[]),
            dev_mac: opts.dev_mac,
            local_ip: opts.local_ip,
            remote_ip,
            local_port: opts.local_port,
            remote_port: opts.remote_port,
            remote_mac: opts.remote_mac,
        };
        let np = KBox::pin_init(Netpoll::new(&cfg), GFP_KERNEL)?;
        np.print_options();
        Ok(Self {
            opts,
            np,
            endpoints: None,
            scratch: KBox::new([0; MAX_PRINT_CHUNK], GFP_KERNEL)?,
            stats: Stats::default(),
        })
    }

    /// Sets up netpoll and starts sending. May sleep.
    pub(crate) fn enable(&mut self) -> Result {
        let remote_ip = self.opts.remote_ip.ok_or_else(EDESTADDRREQ)?;
        self.np.as_mut().setup()?;
        let Some(src_mac) = self.np.dev_mac() else {
            self.np.as_mut().cleanup();
            return Err(ENODEV);
        };
        self.endpoints = Some(Endpoints {
            src_mac,
            dst_mac: self.opts.remote_mac,
            src_ip: self.np.local_ip(),
            dst_ip: remote_ip,
            src_port: self.opts.local_port,
            dst_port: self.opts.remote_port,
        });
        Ok(())
    }

    /// Whether messages are sent.
    pub(crate) fn is_enabled(&self) -> bool {
        self.endpoints.is_some() && self.np.is_active()
    }

    /// Whether the target takes extended records.
    pub(crate) fn is_extended(&self) -> bool {
        self.opts.extended
    }

    /// Sends console text: chunks of at most 1000 bytes, nothing added.
    /// Console write path: never sleeps, allocates only atomically.
    pub(crate) fn write_basic(&mut self, msg: &[u8]) {
        let Some(ep) = &self.endpoints else { return };
        if !self.np.dev_running() {
            return;
        }
        for chunk in msg::basic_chunks(msg) {
            send_datagram(&self.np, ep, &mut self.stats, chunk);
        }
    }

    /// Sends an extended record: with the release in front if asked for, fragmented when
    /// longer than one datagram. Console write path: never sleeps, allocates only atomically.
    pub(crate) fn write_extended(&mut self, record: &[u8]) {
        let Some(ep) = &self.endpoints else { return };
        if !self.np.dev_running() {
            return;
        }
        let release = self.opts.release.then(params::uts_release);
        let (np, stats) = (&self.np, &mut self.stats);
        let sent = msg::send_extended(
            &mut self.scratch,
            record,
            release,
            &[],
            &Sysdata::default(),
            |datagram| send_datagram(np, ep, stats, datagram),
        );
        if sent.is_err() {
            // A record that cannot be fragmented (no `;` header) is dropped, as in C.
            self.stats.transmit_errors = self.stats.transmit_errors.wrapping_add(1);
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
        Ok(()) => {
            stats.datagrams = stats.datagrams.wrapping_add(1);
            stats.bytes = stats.bytes.wrapping_add(payload.len() as u64);
        }
        Err(TxError::DevDown | TxError::NoMem | TxError::BadFrame | TxError::Dropped) => {
            stats.transmit_errors = stats.transmit_errors.wrapping_add(1);
        }
    }
}
