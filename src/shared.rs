// SPDX-License-Identifier: GPL-2.0
//! What the whole module shares: the target list and the two consoles.

use crate::sys::console::{Console, ConsoleKind, ConsoleMode};
use crate::target::Target;
use crate::target_list::{TargetList, TargetWriter};
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// The module's targets and consoles.
///
/// A console is registered while an enabled target takes its kind of message.
#[pin_data(PinnedDrop)]
pub(crate) struct Shared {
    /// All targets.
    pub(crate) list: Arc<TargetList>,
    #[pin]
    basic: Console<TargetWriter>,
    #[pin]
    extended: Console<TargetWriter>,
    /// Held from deciding which consoles are needed to (un)registering them, so that two
    /// updates cannot interleave and leave an enabled target without its console.
    #[pin]
    update: Mutex<()>,
}

impl Shared {
    /// No targets, no console registered; the consoles will be of `mode`.
    pub(crate) fn new(mode: ConsoleMode) -> Result<Arc<Self>> {
        let list = Arc::pin_init(TargetList::new(), GFP_KERNEL)?;
        let writer = |kind| TargetWriter {
            list: list.clone(),
            kind,
        };
        let (basic, extended) = (writer(ConsoleKind::Basic), writer(ConsoleKind::Extended));
        Arc::pin_init(
            try_pin_init!(Self {
                list,
                basic <- Console::new(ConsoleKind::Basic, mode, basic),
                extended <- Console::new(ConsoleKind::Extended, mode, extended),
                update <- new_mutex!((), "netconsole_console_update"),
            }),
            GFP_KERNEL,
        )
    }

    fn console(&self, kind: ConsoleKind) -> &Console<TargetWriter> {
        match kind {
            ConsoleKind::Basic => &self.basic,
            ConsoleKind::Extended => &self.extended,
        }
    }

    /// Registers the consoles that enabled targets need and unregisters the others.
    /// `replay` asks for the log so far on the ones it registers (boot targets). May sleep.
    pub(crate) fn update_consoles(&self, replay: bool) {
        let _update = self.update.lock();
        for kind in [ConsoleKind::Extended, ConsoleKind::Basic] {
            if self.list.any_needs(kind) {
                self.console(kind).register(replay);
            } else {
                self.console(kind).unregister();
            }
        }
    }

    /// Takes `target` off the list, stops it and updates the consoles. May sleep.
    pub(crate) fn remove(&self, target: &Arc<Target>) {
        // A resume queued for it finds it removed and does nothing.
        target.mark_removed();
        match self.list.remove(target) {
            Ok(Some(t)) => t.disable(),
            Ok(None) => {}
            Err(_) => {
                // No memory to rebuild the list: the target stays listed but stops sending.
                target.disable();
            }
        }
        self.update_consoles(false);
    }

    /// Stops everything: consoles first, then every target (outside the list lock).
    pub(crate) fn shutdown(&self) {
        self.basic.unregister();
        self.extended.unregister();
        for t in self.list.take_all() {
            t.disable();
        }
    }
}

#[pinned_drop]
impl PinnedDrop for Shared {
    fn drop(self: Pin<&mut Self>) {
        self.shutdown();
    }
}
