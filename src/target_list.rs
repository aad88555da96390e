// SPDX-License-Identifier: GPL-2.0
//! The list of targets, shared by the consoles' write path and the configuration paths.
//!
//! The write path may run in any context, so the list is behind an IRQ-safe spinlock. Targets
//! are never torn down inside it: netpoll cleanup sleeps, so they are taken out first. The
//! same spinlock is the consoles' device lock: an nbcon console's printer thread holds it
//! around its work, so that it is serialised with the configuration as a legacy write is.

use crate::pure::msg::MAX_PRINT_CHUNK;
use crate::sys::{
    console::{ConsoleKind, ConsoleOutput, ConsoleWrite, RECORD_LINE_MAX},
    params,
    spinlock_irq::{new_spinlock_irq, SpinLockIrq},
};
use crate::target::Target;
use crate::tx::Tx;
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// What the target-list spinlock protects: the targets, and the one buffer the write path
/// works in for all of them (as C's `buf` is shared under `target_list_lock`). A basic message
/// uses it to read its record back from the log, an extended one to assemble its datagrams:
/// never both at once.
pub(crate) struct Targets {
    list: KVec<Arc<Target>>,
    buf: [u8; WRITE_BUF],
}

/// Size of [`Targets`]' buffer.
const WRITE_BUF: usize = if RECORD_LINE_MAX > MAX_PRINT_CHUNK {
    RECORD_LINE_MAX
} else {
    MAX_PRINT_CHUNK
};

/// All targets, enabled or not.
///
/// Changes of the list are serialised by `writers`, so that the vector they allocate before
/// taking the spinlock is still big enough once they hold it: nothing is ever allocated, and
/// no target dropped, under the spinlock.
#[pin_data]
pub(crate) struct TargetList {
    #[pin]
    targets: SpinLockIrq<Targets>,
    #[pin]
    writers: Mutex<()>,
}

impl TargetList {
    /// An empty list.
    pub(crate) fn new() -> impl PinInit<Self> {
        let targets = Targets {
            list: KVec::new(),
            buf: [0; WRITE_BUF],
        };
        pin_init!(Self {
            targets <- new_spinlock_irq!(targets, "netconsole_target_list"),
            writers <- new_mutex!((), "netconsole_target_list_writers"),
        })
    }

    /// Adds a target. The room is allocated before the spinlock is taken.
    pub(crate) fn add(&self, target: Arc<Target>) -> Result {
        let _writers = self.writers.lock();
        // Two statements: the guard of the first must be gone before allocating.
        let len = self.targets.lock().list.len();
        let mut bigger = KVec::with_capacity(len + 1, GFP_KERNEL)?;
        let mut targets = self.targets.lock();
        // Move the targets into the vector with room for one more (a move, no allocation:
        // its capacity is enough since `writers` is held), then add the new one.
        for t in core::mem::take(&mut targets.list) {
            let _ = bigger.push(t, GFP_ATOMIC | __GFP_NOWARN);
        }
        let _ = bigger.push(target, GFP_ATOMIC | __GFP_NOWARN);
        targets.list = bigger;
        Ok(())
    }

    /// Removes `target` from the list; the caller tears it down afterwards.
    pub(crate) fn remove(&self, target: &Arc<Target>) -> Result<Option<Arc<Target>>> {
        // 6.12's `KVec` cannot remove an element: move the others into a vector allocated
        // before taking the lock (callers serialise changes to the list, so it is big enough
        // and the pushes below do not allocate).
        let _writers = self.writers.lock();
        let len = self.targets.lock().list.len();
        let mut keep = KVec::with_capacity(len, GFP_KERNEL)?;
        let mut targets = self.targets.lock();
        let mut removed = None;
        for t in core::mem::take(&mut targets.list) {
            if removed.is_none() && Arc::ptr_eq(&t, target) {
                removed = Some(t);
            } else {
                // Within capacity: cannot allocate or fail (a failure would drop a target,
                // which must never happen under this lock).
                let _ = keep.push(t, GFP_ATOMIC | __GFP_NOWARN);
            }
        }
        targets.list = keep;
        Ok(removed)
    }

    /// The target called `name`, if any.
    pub(crate) fn find(&self, name: &[u8]) -> Option<Arc<Target>> {
        self.targets
            .lock()
            .list
            .iter()
            .find(|t| t.name() == name)
            .cloned()
    }

    /// Takes every target out of the list, to be torn down outside the lock.
    pub(crate) fn take_all(&self) -> KVec<Arc<Target>> {
        let _writers = self.writers.lock();
        core::mem::take(&mut self.targets.lock().list)
    }

    /// Whether a target needs the console of `kind`.
    pub(crate) fn any_needs(&self, kind: ConsoleKind) -> bool {
        self.targets
            .lock()
            .list
            .iter()
            .any(|t| t.tx.lock().needs(kind))
    }

    /// A target for which `f` returns true under its spinlock (`f` may change it), if any.
    pub(crate) fn find_with(&self, mut f: impl FnMut(&mut Tx) -> bool) -> Option<Arc<Target>> {
        self.targets
            .lock()
            .list
            .iter()
            .find(|t| f(&mut t.tx.lock()))
            .cloned()
    }

    /// Calls `f` on every target under its spinlock.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Arc<Target>, &mut Tx)) {
        for t in self.targets.lock().list.iter() {
            f(t, &mut t.tx.lock());
        }
    }
}

/// Passes the message in `out` to every enabled target of `kind`. Console write path, with the
/// target list locked.
fn write_targets(targets: &mut Targets, kind: ConsoleKind, out: &mut ConsoleOutput<'_>) {
    let Targets { list, buf } = targets;
    if params::oops_only() && !params::oops_in_progress() {
        return;
    }
    // A basic console is not told the level of the message: read it back from the log only
    // when a target filters on it.
    let basic_level =
        if kind == ConsoleKind::Basic && list.iter().any(|t| t.tx.lock().filters_level(kind)) {
            out.basic_record_level(buf)
        } else {
            None
        };
    let Some(scratch) = buf.first_chunk_mut::<MAX_PRINT_CHUNK>() else {
        return;
    };
    for t in list.iter() {
        // `None`: an nbcon console lost its ownership to an emergency or a panic, which
        // sends the message itself; stop here.
        if out
            .with_msg(|msg| t.tx.lock().write(kind, msg, basic_level, scratch))
            .is_none()
        {
            return;
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
    type Device = Targets;

    fn device(&self) -> &SpinLockIrq<Self::Device> {
        &self.list.targets
    }

    fn write(&self, targets: &mut Self::Device, out: &mut ConsoleOutput<'_>) {
        write_targets(targets, self.kind, out);
    }
}
