// SPDX-License-Identifier: GPL-2.0
//! netconsole-rs: kernel log messages over UDP, through netpoll, in Rust.
//!
//! A drop-in replacement for `drivers/net/netconsole.c`: module `netconsole`, parameter
//! `netconsole=`, the same consoles and wire format. The crate is split in three layers:
//! [`pure`] (parsing and frame building, no kernel: also tested on the host), [`sys`] (the thin
//! wrappers around kernel objects, the only `unsafe` code) and the netconsole logic in between.

use kernel::{prelude::*, sync::Arc};

mod cmdline;
#[allow(dead_code, unreachable_pub)]
mod pure;
mod sys;
mod target;
mod target_list;

use sys::console::{Console, ConsoleKind};
use target_list::{TargetList, TargetWriter};

module! {
    type: Netconsole,
    name: "netconsole",
    author: "netconsole-rs developers",
    description: "Console driver for network interfaces (Rust)",
    license: "GPL",
}

/// The module: its consoles and targets, torn down when it is dropped at unload.
struct Netconsole {
    _state: Pin<KBox<State>>,
}

#[pin_data(PinnedDrop)]
struct State {
    targets: Arc<TargetList>,
    #[pin]
    basic: Console<TargetWriter>,
    #[pin]
    extended: Console<TargetWriter>,
}

impl kernel::Module for Netconsole {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let targets = Arc::pin_init(TargetList::new(), GFP_KERNEL)?;
        for target in cmdline::boot_targets(sys::params::netconsole_param())? {
            targets.add(target)?;
        }
        let basic = TargetWriter {
            list: targets.clone(),
            kind: ConsoleKind::Basic,
        };
        let extended = TargetWriter {
            list: targets.clone(),
            kind: ConsoleKind::Extended,
        };
        let list = targets.clone();
        let state = KBox::pin_init(
            try_pin_init!(State {
                targets: list,
                basic <- Console::new(ConsoleKind::Basic, basic),
                extended <- Console::new(ConsoleKind::Extended, extended),
            }),
            GFP_KERNEL,
        )?;
        // Boot targets get the messages logged before they existed (CON_PRINTBUFFER).
        if targets.has_kind(ConsoleKind::Extended) {
            state.extended.register(true);
        }
        if targets.has_kind(ConsoleKind::Basic) {
            state.basic.register(true);
        }
        pr_info!("network logging started\n");
        Ok(Self { _state: state })
    }
}

#[pinned_drop]
impl PinnedDrop for State {
    fn drop(self: Pin<&mut Self>) {
        // No write callback runs once the consoles are unregistered; then the targets can be
        // torn down (netpoll cleanup sleeps, so outside the target-list lock).
        self.basic.unregister();
        self.extended.unregister();
        drop(self.targets.take_all());
    }
}
