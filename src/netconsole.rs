// SPDX-License-Identifier: GPL-2.0
//! netconsole-rs: kernel log messages over UDP, through netpoll, in Rust.
//!
//! A drop-in replacement for `drivers/net/netconsole.c`: module `netconsole`, parameter
//! `netconsole=`, configfs subsystem `netconsole`, the same consoles and wire format. The crate
//! is split in three layers: [`pure`] (parsing and frame building, no kernel: also tested on the
//! host), [`sys`] (thin wrappers around kernel objects, the only `unsafe` code) and the
//! netconsole logic in between.

use kernel::{c_str, prelude::*, sync::Arc};

mod cmdline;
mod dynamic;
mod events;
#[allow(dead_code, unreachable_pub)]
mod pure;
mod shared;
mod sys;
mod target;
mod target_list;
mod tx;

use dynamic::Dynamic;
use events::Events;
use shared::Shared;
use sys::{configfs::Subsystem, notifier::Notifier, workqueue::ResumeQueue};

module! {
    type: Netconsole,
    name: "netconsole",
    author: "netconsole-rs developers",
    description: "Console driver for network interfaces (Rust)",
    license: "GPL",
}

/// The module: torn down when it is dropped at unload.
struct Netconsole {
    _state: Pin<KBox<State>>,
}

#[pin_data(PinnedDrop)]
struct State {
    shared: Arc<Shared>,
    queue: Arc<ResumeQueue>,
    #[pin]
    notifier: Notifier<Events>,
    #[pin]
    subsys: Subsystem<Dynamic>,
}

impl kernel::Module for Netconsole {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let Some(mode) = sys::params::console_mode() else {
            pr_err!("console_mode must be legacy or nbcon\n");
            return Err(EINVAL);
        };
        let shared = Shared::new(mode)?;
        let ops = Dynamic {
            shared: shared.clone(),
        };
        let queue = Arc::new(ResumeQueue::new()?, GFP_KERNEL)?;
        let events = Events {
            list: shared.list.clone(),
            queue: queue.clone(),
        };
        let state = KBox::pin_init(
            try_pin_init!(State {
                shared,
                queue,
                notifier <- Notifier::register(events),
                subsys <- Subsystem::new(module, ops),
            }),
            GFP_KERNEL,
        )?;
        // Boot targets come after the notifier, so that a device unregistering while they
        // are set up is seen.
        cmdline::add_boot_targets(sys::params::netconsole_param(), &state.shared.list)?;
        // Boot targets get the messages logged before they existed (CON_PRINTBUFFER).
        state.shared.update_consoles(true);
        state.subsys.register(c_str!("netconsole"))?;
        pr_info!("network logging started\n");
        Ok(Self { _state: state })
    }
}

#[pinned_drop]
impl PinnedDrop for State {
    fn drop(self: Pin<&mut Self>) {
        // No more device events, no resume left to run; configfs (no directory can exist:
        // each holds a module reference); then the consoles and the targets.
        self.notifier.unregister();
        self.queue.flush();
        self.subsys.unregister();
        self.shared.shutdown();
    }
}
