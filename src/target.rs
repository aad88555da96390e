// SPDX-License-Identifier: GPL-2.0
//! A netconsole target: one destination for log messages.
//!
//! Its configuration is behind a mutex (configfs writers, enabling); what the console write
//! path needs is behind an IRQ-safe spinlock ([`Tx`]). A netpoll is set up outside both,
//! then published under the spinlock; it is taken out under the spinlock and cleaned up
//! outside it, since cleanup sleeps.

use crate::pure::{
    addr::IpAddr,
    frame::Endpoints,
    option::TargetOptions,
    userdata::{block_len, write_block},
};
use crate::sys::{
    console::ConsoleKind,
    errno::EDESTADDRREQ,
    netpoll::{Netpoll, NetpollConfig},
    spinlock_irq::{new_spinlock_irq, SpinLockIrq},
};
use crate::tx::{Link, State, Tx};
use kernel::{new_mutex, prelude::*, str::BStr, sync::Mutex};

/// One userdata entry (`userdata/<key>/value`).
pub(crate) struct Userdatum {
    /// Identity of the entry for its configfs directory.
    pub(crate) id: u64,
    /// The key (directory name).
    pub(crate) key: KVec<u8>,
    /// The value, without trailing newline; empty values are left out of messages.
    pub(crate) value: KVec<u8>,
}

/// A target's configuration.
pub(crate) struct Config {
    /// Addresses, ports, device and formats.
    pub(crate) opts: TargetOptions,
    /// Userdata entries in creation order.
    pub(crate) userdata: KVec<Userdatum>,
    /// Id of the next userdata entry.
    pub(crate) next_userdatum: u64,
}

/// One destination.
#[pin_data]
pub(crate) struct Target {
    /// Its name: the configfs directory, or `cmdline<N>` for a boot target.
    name: KVec<u8>,
    /// The configuration; taken by configfs writers and for enabling and disabling.
    #[pin]
    pub(crate) cfg: Mutex<Config>,
    /// What the write path uses.
    #[pin]
    pub(crate) tx: SpinLockIrq<Tx>,
}

impl Target {
    /// A disabled target called `name` with `opts`.
    pub(crate) fn new(name: &[u8], opts: TargetOptions) -> impl PinInit<Self, Error> + '_ {
        try_pin_init!(Self {
            name: {
                let mut v = KVec::with_capacity(name.len(), GFP_KERNEL)?;
                v.extend_from_slice(name, GFP_KERNEL)?;
                v
            },
            cfg <- new_mutex!(
                Config {
                    opts,
                    userdata: KVec::new(),
                    next_userdatum: 0,
                },
                "netconsole_target_cfg"
            ),
            tx <- new_spinlock_irq!(Tx::new()?, "netconsole_target_tx"),
        })
    }

    /// The target's name.
    pub(crate) fn name(&self) -> &[u8] {
        &self.name
    }

    /// The target's state.
    pub(crate) fn state(&self) -> State {
        self.tx.lock().state
    }

    /// Logs that a parameter cannot change while the target is enabled, and returns the
    /// error for it; `Ok` when the target is not enabled.
    pub(crate) fn check_not_enabled(&self) -> Result {
        if self.state() == State::Enabled {
            pr_err!(
                "target ({}) is enabled, disable to update parameters\n",
                BStr::from_bytes(&self.name)
            );
            return Err(EINVAL);
        }
        Ok(())
    }

    /// Sets up netpoll with the configuration and starts sending. May sleep.
    ///
    /// On success the local address netpoll picked, if none was set, is kept in the
    /// configuration, as `local_ip` shows it.
    pub(crate) fn enable(&self, cfg: &mut Config) -> Result<ConsoleKind> {
        let opts = &cfg.opts;
        if opts.release && !opts.extended {
            pr_err!("Not enabling netconsole. Release feature requires extended log message\n");
            return Err(EINVAL);
        }
        let remote_ip = opts.remote_ip.ok_or_else(EDESTADDRREQ)?;
        if opts
            .local_ip
            .is_some_and(|l| l.is_v6() != remote_ip.is_v6())
        {
            pr_err!("netconsole: local and remote addresses are of different families\n");
            return Err(EINVAL);
        }
        let np_cfg = NetpollConfig {
            dev_name: opts.dev.name().unwrap_or(&[]),
            dev_mac: opts.dev_mac,
            local_ip: opts.local_ip,
            remote_ip,
            local_port: opts.local_port,
            remote_port: opts.remote_port,
            remote_mac: opts.remote_mac,
        };
        let mut np = KBox::pin_init(Netpoll::new(&np_cfg), GFP_KERNEL)?;
        np.print_options();
        np.as_mut().setup()?;
        // A set-up netpoll always has a device; its address is the frames' source.
        let src_mac = np.dev_mac().ok_or(ENODEV)?;
        let local_ip: IpAddr = np.local_ip();
        cfg.opts.local_ip = Some(local_ip);
        let kind = if cfg.opts.extended {
            ConsoleKind::Extended
        } else {
            ConsoleKind::Basic
        };
        let link = Link {
            np,
            endpoints: Endpoints {
                src_mac,
                dst_mac: cfg.opts.remote_mac,
                src_ip: local_ip,
                dst_ip: remote_ip,
                src_port: cfg.opts.local_port,
                dst_port: cfg.opts.remote_port,
            },
            kind,
            release: cfg.opts.release,
        };
        let mut tx = self.tx.lock();
        tx.link = Some(link);
        tx.state = State::Enabled;
        Ok(kind)
    }

    /// Stops sending and releases netpoll (outside the spinlock). May sleep.
    pub(crate) fn disable(&self) {
        let link = {
            let mut tx = self.tx.lock();
            tx.state = State::Disabled;
            tx.link.take()
        };
        drop(link);
    }

    /// Rebuilds the userdata block from the entries and publishes it to the write path in
    /// one step; on allocation failure the previous block stays.
    pub(crate) fn publish_userdata(&self, cfg: &Config) -> Result {
        let entries = || cfg.userdata.iter().map(|u| (&u.key[..], &u.value[..]));
        let len = block_len(entries());
        let mut block = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        // `block_len` is exactly what `write_block` writes.
        if write_block(entries(), &mut block) != len {
            return Err(EINVAL);
        }
        let old = core::mem::replace(&mut self.tx.lock().userdata, block);
        drop(old);
        Ok(())
    }
}
