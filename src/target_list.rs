// SPDX-License-Identifier: GPL-2.0
//! The list of targets, shared by the consoles' write path and the configuration paths.
//!
//! The write path may run in any context, so the list is behind an IRQ-safe spinlock. Targets
//! are never torn down inside it: netpoll cleanup sleeps, so they are taken out first.

use crate::sys::{
    console::{ConsoleKind, ConsoleWrite},
    params,
    spinlock_irq::{new_spinlock_irq, SpinLockIrq},
};
use crate::target::Target;
use kernel::{prelude::*, sync::Arc};

/// All targets.
#[pin_data]
pub(crate) struct TargetList {
    #[pin]
    targets: SpinLockIrq<KVec<Target>>,
}

impl TargetList {
    /// An empty list.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            targets <- new_spinlock_irq!(KVec::new(), "netconsole_target_list"),
        })
    }

    /// Adds a target. The slot is reserved before the spinlock is taken, so that nothing is
    /// allocated with interrupts off; callers serialise additions.
    pub(crate) fn add(&self, target: Target) -> Result {
        // Two statements: the guard of the first must be gone before allocating.
        let len = self.targets.lock().len();
        let mut spare = KVec::with_capacity(len + 1, GFP_KERNEL)?;
        let mut targets = self.targets.lock();
        if targets.capacity() == targets.len() {
            // Grow by swapping in the larger, empty vector and moving the targets over; the
            // pushes fit its capacity, so nothing is allocated under the lock.
            core::mem::swap(&mut *targets, &mut spare);
            for t in spare {
                targets.push(t, GFP_ATOMIC)?;
            }
        }
        targets.push(target, GFP_ATOMIC)?;
        Ok(())
    }

    /// Takes every target out of the list, to be torn down outside the lock.
    pub(crate) fn take_all(&self) -> KVec<Target> {
        core::mem::take(&mut *self.targets.lock())
    }

    /// Whether any target of `kind` exists.
    pub(crate) fn has_kind(&self, kind: ConsoleKind) -> bool {
        let extended = kind == ConsoleKind::Extended;
        self.targets
            .lock()
            .iter()
            .any(|t| t.is_extended() == extended)
    }

    /// Passes `msg` to every enabled target of `kind`. Console write path.
    fn write(&self, kind: ConsoleKind, msg: &[u8]) {
        if params::oops_only() && !params::oops_in_progress() {
            return;
        }
        let extended = kind == ConsoleKind::Extended;
        let mut targets = self.targets.lock();
        for t in targets.iter_mut() {
            if t.is_extended() != extended || !t.is_enabled() {
                continue;
            }
            match kind {
                ConsoleKind::Basic => t.write_basic(msg),
                ConsoleKind::Extended => t.write_extended(msg),
            }
        }
    }
}

/// What a console passes its messages to: the targets of its kind.
pub(crate) struct TargetWriter {
    /// The targets.
    pub(crate) list: Arc<TargetList>,
    /// The console's kind.
    pub(crate) kind: ConsoleKind,
}

impl ConsoleWrite for TargetWriter {
    fn write(&self, msg: &[u8]) {
        self.list.write(self.kind, msg);
    }
}
