// SPDX-License-Identifier: GPL-2.0
//! Devices that come and go: the netdev notifier's side of the targets' state machine.
//!
//! - NETDEV_UNREGISTER of a target's device: ENABLED -> DEACTIVATED.
//! - NETDEV_JOIN (being enslaved) or NETDEV_RELEASE (releasing slaves): ENABLED -> DISABLED.
//! - NETDEV_CHANGENAME of a target's device: `dev_name` follows.
//! - NETDEV_REGISTER, or NETDEV_CHANGENAME to the name, of a device matching a DEACTIVATED
//!   target (by MAC if bound by MAC, else by name): its resume is queued.
//!
//! The notifier runs under RTNL: netpoll is taken out of the target under the spinlock and
//! released outside it with RTNL already held; the configuration mutex is never taken here
//! (enabling holds it while taking RTNL).

use crate::pure::option::Device;
use crate::sys::{
    notifier::{NetDev, NetdevEvent, NetdevEvents, Rtnl},
    workqueue::ResumeQueue,
};
use crate::target_list::TargetList;
use crate::tx::{State, Tx};
use kernel::{prelude::*, str::BStr, sync::Arc};

/// The module's netdev event handler.
pub(crate) struct Events {
    /// All targets.
    pub(crate) list: Arc<TargetList>,
    /// Where resumes run.
    pub(crate) queue: Arc<ResumeQueue>,
}

fn on_dev(tx: &Tx, dev: &NetDev<'_>) -> bool {
    tx.link.as_ref().is_some_and(|l| l.np.is_on(dev))
}

fn matches(bind: &Device, dev: &NetDev<'_>) -> bool {
    match bind {
        Device::Mac(mac) => dev.mac().as_ref() == Some(mac),
        Device::Name { .. } => bind.name() == Some(dev.name()),
    }
}

impl Events {
    /// Stops every target on `dev`; true if there was one.
    fn stop(&self, event: NetdevEvent, dev: &NetDev<'_>, rtnl: &Rtnl<'_>) -> bool {
        let next = if event == NetdevEvent::Unregister {
            State::Deactivated
        } else {
            State::Disabled
        };
        let mut stopped = false;
        // One target at a time: its netpoll is released outside the spinlocks.
        loop {
            let mut link = None;
            let _ = self.list.find_with(|tx| {
                if !on_dev(tx, dev) {
                    return false;
                }
                // A target of another namespace cannot resume (resumes run in the initial
                // one): it is disabled instead.
                tx.state = if tx.init_net { next } else { State::Disabled };
                link = tx.link.take();
                true
            });
            let Some(mut link) = link else { break };
            link.np.as_mut().cleanup_rtnl_held(rtnl);
            stopped = true;
        }
        stopped
    }
}

impl NetdevEvents for Events {
    fn event(&self, event: NetdevEvent, dev: &NetDev<'_>, rtnl: &Rtnl<'_>) {
        match event {
            NetdevEvent::Unregister | NetdevEvent::Release | NetdevEvent::Join => {
                if self.stop(event, dev, rtnl) {
                    let why = match event {
                        NetdevEvent::Unregister => "unregistered",
                        NetdevEvent::Release => "released slaves",
                        _ => "is joining a master device",
                    };
                    pr_info!(
                        "network logging stopped on interface {} as it {}\n",
                        BStr::from_bytes(dev.name()),
                        why
                    );
                }
            }
            NetdevEvent::Register | NetdevEvent::ChangeName => {
                if event == NetdevEvent::ChangeName {
                    let name = Device::from_name(dev.name());
                    self.list.for_each(|_, tx| {
                        if on_dev(tx, dev) && tx.bind.name().is_some() {
                            tx.bind = name;
                            tx.renamed = Some(name);
                        }
                    });
                }
                let queue = self.queue.queue();
                self.list.for_each(|t, tx| {
                    if tx.state == State::Deactivated && dev.in_init_net() && matches(&tx.bind, dev)
                    {
                        // Already queued is fine: one attempt is pending.
                        let _ = queue.enqueue(t.clone());
                    }
                });
            }
        }
    }
}
