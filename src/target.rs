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
    netpoll::{publish_while_registered, Netpoll, NetpollConfig},
    params,
    spinlock_irq::{new_spinlock_irq, SpinLockIrq},
};
use crate::tx::{Link, State, Tx};
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::{
    impl_has_work, new_mutex, new_work,
    prelude::*,
    str::BStr,
    sync::{lock::Guard, Arc, Mutex},
    workqueue::{Work, WorkItem},
};

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
    /// Set (under `cfg`) when the target leaves the module: a queued resume then does nothing.
    removed: AtomicBool,
    /// Resume after the device came back; queued by the netdev notifier.
    #[pin]
    resume_work: Work<Target>,
}

impl_has_work! {
    impl HasWork<Target> for Target { self.resume_work }
}

impl WorkItem for Target {
    type Pointer = Arc<Target>;

    fn run(this: Arc<Target>) {
        this.resume();
    }
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
            tx <- new_spinlock_irq!(Tx::new(), "netconsole_target_tx"),
            removed: AtomicBool::new(false),
            resume_work <- new_work!("netconsole_resume"),
        })
    }

    /// The configuration, with a rename the notifier saw applied to it.
    pub(crate) fn lock_cfg(&self) -> Guard<'_, Config, kernel::sync::lock::mutex::MutexBackend> {
        let mut cfg = self.cfg.lock();
        if let Some(dev) = self.tx.lock().renamed.take() {
            cfg.opts.dev = dev;
        }
        cfg
    }

    /// Marks the target as gone from the module (rmdir): a queued resume does nothing.
    pub(crate) fn mark_removed(&self) {
        let _cfg = self.cfg.lock();
        self.removed.store(true, Ordering::Release);
    }

    /// DEACTIVATED -> ENABLED when the device came back: one attempt; failure leaves the
    /// target DISABLED. Runs on the resume workqueue.
    fn resume(&self) {
        let mut cfg = self.lock_cfg();
        if self.removed.load(Ordering::Acquire) || self.state() != State::Deactivated {
            return;
        }
        match self.enable(&mut cfg) {
            Ok(_) => {
                let mut buf = [0u8; 16];
                let len = {
                    let tx = self.tx.lock();
                    tx.link
                        .as_ref()
                        .map_or(0, |l| l.np.dev_name(&mut buf).len())
                };
                pr_info!(
                    "network logging resumed on interface {}\n",
                    BStr::from_bytes(buf.get(..len).unwrap_or(&[]))
                );
            }
            Err(_) => self.tx.lock().state = State::Disabled,
        }
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
        let endpoints = Endpoints {
            src_mac,
            dst_mac: cfg.opts.remote_mac,
            src_ip: local_ip,
            dst_ip: remote_ip,
            src_port: cfg.opts.local_port,
            dst_port: cfg.opts.remote_port,
        };
        let (release, bind) = (cfg.opts.release, cfg.opts.dev);
        let init_net = params::current_net_is_init();
        // Published under RTNL while the device is registered: its NETDEV_UNREGISTER, if it
        // comes, then finds the target enabled and releases netpoll. A previous link (there
        // is none: callers enable a target that is not enabled) is dropped only afterwards,
        // since releasing netpoll takes RTNL and sleeps.
        let mut previous = None;
        let published = publish_while_registered(np, |np| {
            let mut tx = self.tx.lock();
            previous = tx.link.replace(Link {
                np,
                endpoints,
                kind,
                release,
            });
            tx.state = State::Enabled;
            tx.kind = kind;
            tx.bind = bind;
            tx.init_net = init_net;
            tx.renamed = None;
        });
        drop(previous);
        match published {
            Ok(()) => Ok(kind),
            // Dropping netpoll releases the device.
            Err(_np) => Err(ENODEV),
        }
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
