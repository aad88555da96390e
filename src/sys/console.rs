// SPDX-License-Identifier: GPL-2.0
//! A legacy console: printk calls its `write` callback with every message it emits.
//!
//! C header: [`include/linux/console.h`](srctree/include/linux/console.h)

use super::bindings;
use kernel::ffi::{c_char, c_uint};
use kernel::{new_mutex, prelude::*, sync::Mutex, types::Opaque};

/// Receives what a [`Console`] is asked to print.
pub(crate) trait ConsoleWrite: Sync {
    /// Writes one message (not NUL-terminated).
    ///
    /// Runs in the context of the printk caller or of the printk core flushing on its behalf:
    /// interrupts may be off and an oops may be in progress. It must not sleep, allocate with
    /// sleeping flags, print, take a mutex or panic.
    fn write(&self, msg: &[u8]);
}

/// Kind of messages a console receives from printk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConsoleKind {
    /// The console text, as on a serial console (`netcon`).
    Basic,
    /// The extended record of `/dev/kmsg` (`netcon_ext`, `CON_EXTENDED`).
    Extended,
}

/// A console linked into printk's console list while registered.
///
/// # Invariants
///
/// - `raw` is registered with printk if and only if `*registered` is true; it is only
///   registered or unregistered with `registered` locked.
/// - While registered, `raw.data` points to this (pinned) `Console`, and `raw.write` is
///   [`Console::write_callback`] for the same `W`.
#[pin_data(PinnedDrop)]
pub(crate) struct Console<W: ConsoleWrite> {
    #[pin]
    raw: Opaque<bindings::console>,
    #[pin]
    registered: Mutex<bool>,
    writer: W,
}

// SAFETY: `raw` is only changed with `registered` locked or by printk (which has its own
// locking); `writer` is `Sync`, and the write callback only takes shared references.
unsafe impl<W: ConsoleWrite> Sync for Console<W> {}
// SAFETY: Nothing in a `Console` is tied to a thread; `W` may be sent (required by `Sync` use).
unsafe impl<W: ConsoleWrite + Send> Send for Console<W> {}

impl<W: ConsoleWrite> Console<W> {
    /// A console of the given kind, not registered yet, that passes messages to `writer`.
    pub(crate) fn new(kind: ConsoleKind, writer: W) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            raw <- Opaque::ffi_init(move |slot: *mut bindings::console| {
                let (name, flags): (&[u8], u32) = match kind {
                    ConsoleKind::Basic => (b"netcon", bindings::cons_flags_CON_ENABLED),
                    ConsoleKind::Extended => (
                        b"netcon_ext",
                        bindings::cons_flags_CON_ENABLED | bindings::cons_flags_CON_EXTENDED,
                    ),
                };
                // SAFETY: `slot` is valid for writes of a `console`; all-zeroes is a valid
                // `console` (null callbacks, empty name, no list linkage).
                unsafe { slot.write(core::mem::zeroed()) };
                // SAFETY: `slot` was just initialised and nothing else references it yet.
                let con = unsafe { &mut *slot };
                for (dst, &src) in con.name.iter_mut().zip(name) {
                    *dst = src;
                }
                con.flags = flags as i16;
                con.write = Some(Self::write_callback);
            }),
            registered <- new_mutex!(false, "netconsole_console"),
            writer,
        })
    }

    /// Registers the console with printk if it is not registered; `replay` asks printk to
    /// send it the messages already in the log buffer first (`CON_PRINTBUFFER`).
    pub(crate) fn register(&self, replay: bool) {
        let mut registered = self.registered.lock();
        if *registered {
            return;
        }
        let raw = self.raw.get();
        // A `Console` can only be created through `PinInit` (it is `!Unpin`): `self` is pinned.
        // SAFETY: Not registered (type invariant), so nothing else uses `raw`; `self` is pinned,
        // so the address stored in `data` stays valid until `PinnedDrop` unregisters it.
        let ok = unsafe {
            (*raw).data = (self as *const Self).cast_mut().cast();
            let printbuffer = bindings::cons_flags_CON_PRINTBUFFER as i16;
            if replay {
                (*raw).flags |= printbuffer;
            } else {
                (*raw).flags &= !printbuffer;
            }
            // `unregister_console` clears CON_ENABLED; without it printk would quietly refuse
            // the console (there is no `console=` naming it).
            (*raw).flags |= bindings::cons_flags_CON_ENABLED as i16;
            bindings::register_console(raw);
            bindings::nc_console_is_registered(raw)
        };
        // INVARIANT: whether printk took the console, with `data` pointing to `self`.
        *registered = ok;
    }

    /// Unregisters the console if it is registered. When this returns, no write callback is
    /// running any more and none will start.
    pub(crate) fn unregister(&self) {
        let mut registered = self.registered.lock();
        if *registered {
            // SAFETY: `raw` is registered (type invariant). `unregister_console` waits for the
            // callbacks that are running (printk's console SRCU) before it returns.
            unsafe { bindings::unregister_console(self.raw.get()) };
            // INVARIANT: `raw` is no longer registered.
            *registered = false;
        }
    }

    /// The `write` callback that printk calls.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered `Console<W>`, and `s` must be valid for
    /// reads of `count` bytes for the duration of the call.
    unsafe extern "C" fn write_callback(
        con: *mut bindings::console,
        s: *const c_char,
        count: c_uint,
    ) {
        // SAFETY: By the function's safety requirements `con` belongs to a registered console,
        // whose `data` points to its pinned `Console<W>` (type invariant); it stays valid until
        // unregistered, which waits for this callback to return.
        let this = unsafe { &*((*con).data as *const Self) };
        let msg = if s.is_null() {
            &[][..]
        } else {
            // SAFETY: `s` is valid for reads of `count` bytes (the function's safety
            // requirements); `c_uint` always fits in `usize` on the architectures we build for.
            unsafe { core::slice::from_raw_parts(s.cast::<u8>(), count as usize) }
        };
        this.writer.write(msg);
    }
}

#[pinned_drop]
impl<W: ConsoleWrite> PinnedDrop for Console<W> {
    fn drop(self: Pin<&mut Self>) {
        // The console must leave printk's list before its memory goes.
        self.unregister();
    }
}
