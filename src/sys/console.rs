// SPDX-License-Identifier: GPL-2.0
//! A console that printk hands every message to: legacy (`write`, called by the printk caller
//! or whoever holds the console lock) or nbcon (`write_thread` from the console's printer
//! kthread, `write_atomic` in emergencies and panic, `device_lock` around the printer's work).
//!
//! C header: [`include/linux/console.h`](srctree/include/linux/console.h)

use super::{bindings, spinlock_irq::SpinLockIrq};
use crate::pure::attr::basic_record_level;
use core::marker::PhantomData;
use kernel::ffi::{c_char, c_uint, c_ulong};
use kernel::{new_mutex, prelude::*, sync::Mutex, types::Opaque};

/// Room for one record as `kmsg_dump_get_line()` formats it: the longest record text
/// (`PRINTKRB_RECORD_MAX`), its prefix (`PRINTK_PREFIX_MAX`), a newline and a NUL.
pub(crate) const RECORD_LINE_MAX: usize = 1024 + 48 + 2;

/// Receives what a [`Console`] is asked to print.
pub(crate) trait ConsoleWrite: Sync {
    /// What the console's device lock protects (for netconsole, the target list). Legacy
    /// writes take it themselves; nbcon's printer thread holds it through `device_lock`.
    type Device: Send;

    /// The device lock.
    fn device(&self) -> &SpinLockIrq<Self::Device>;

    /// Writes one message, with the device lock held.
    ///
    /// Runs with interrupts off, in the printk caller, the printk core flushing on its behalf,
    /// the console's printer kthread, or an emergency or panic: an oops may be in progress.
    /// It must not sleep, allocate with sleeping flags, print, take a mutex or panic.
    fn write(&self, device: &mut Self::Device, out: &mut ConsoleOutput<'_>);
}

/// Kind of messages a console receives from printk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConsoleKind {
    /// The console text, as on a serial console (`netcon`).
    Basic,
    /// The extended record of `/dev/kmsg` (`netcon_ext`, `CON_EXTENDED`).
    Extended,
}

/// How printk drives a console (the `console_mode` module parameter).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConsoleMode {
    /// `write()`, in the context of the printk caller (or of the console lock holder).
    Legacy,
    /// `CON_NBCON`: `write_thread()` from the console's printer kthread (`pr/<name>0`),
    /// `write_atomic()` in emergency sections and panic.
    Nbcon,
}

/// Who is writing, for an nbcon console.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NbconCallback {
    Thread,
    Atomic,
}

/// The message being written and what can be learnt about it.
///
/// # Invariants
///
/// - Legacy: `msg` is the message, valid for the lifetime `'a`.
/// - Nbcon: `wctxt` is the write context printk passed to the callback, valid for `'a`; its
///   `outbuf` holds `len` bytes while this context owns the console. Once `lost` is true it
///   does not own it any more.
pub(crate) struct ConsoleOutput<'a> {
    msg: &'a [u8],
    wctxt: *mut bindings::nbcon_write_context,
    callback: Option<NbconCallback>,
    lost: bool,
    seq: u64,
    _wctxt: PhantomData<&'a mut bindings::nbcon_write_context>,
}

impl ConsoleOutput<'_> {
    /// Runs `f` on the message where it may be sent. For an nbcon console, inside an unsafe
    /// section (`nbcon_enter_unsafe`/`nbcon_exit_unsafe`): `None` when the console's ownership
    /// is lost (taken over by an emergency or a panic), before `f` runs or while it ran; the
    /// caller must then stop at once, and the message is not looked at again.
    pub(crate) fn with_msg<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        if self.callback.is_none() {
            return Some(f(self.msg));
        }
        if self.lost {
            return None;
        }
        // SAFETY: `wctxt` is the callback's write context (type invariant).
        if !unsafe { bindings::nbcon_enter_unsafe(self.wctxt) } {
            // INVARIANT: ownership is lost.
            self.lost = true;
            return None;
        }
        // SAFETY: This context owns the console and is in an unsafe section, where no other
        // context (but a panic's hostile takeover, which has buffers of its own) takes it
        // over: `outbuf` holds `len` bytes until `nbcon_exit_unsafe` (type invariant).
        let msg = unsafe {
            let w = &*self.wctxt;
            if w.outbuf.is_null() {
                &[][..]
            } else {
                core::slice::from_raw_parts(w.outbuf.cast::<u8>(), w.len as usize)
            }
        };
        let r = f(msg);
        // SAFETY: As above; `msg` is not used after this.
        if !unsafe { bindings::nbcon_exit_unsafe(self.wctxt) } {
            // INVARIANT: ownership is lost.
            self.lost = true;
            return None;
        }
        Some(r)
    }

    /// The level of the record a basic console is writing: the record is read back from the
    /// log by the console's sequence number (`kmsg_dump_get_line`) and must be the message
    /// (see [`basic_record_level`]); `None` if it cannot be identified so (or ownership is
    /// lost). `buf` receives the record. Bounded work: one record of at most 1 KiB copied and
    /// formatted. Any context.
    pub(crate) fn basic_record_level(&mut self, buf: &mut [u8; RECORD_LINE_MAX]) -> Option<u8> {
        let mut iter = bindings::kmsg_dump_iter {
            cur_seq: self.seq,
            next_seq: u64::MAX,
        };
        let mut len: usize = 0;
        // SAFETY: `iter` and `len` are valid for the call; `buf` is valid for writes of
        // `RECORD_LINE_MAX` bytes. `kmsg_dump_get_line` reads the ring buffer locklessly:
        // callable in any context.
        let found = unsafe {
            bindings::kmsg_dump_get_line(
                &mut iter,
                true,
                buf.as_mut_ptr().cast::<c_char>(),
                RECORD_LINE_MAX,
                &mut len,
            )
        };
        if !found {
            return None;
        }
        let line = buf.get(..len.min(RECORD_LINE_MAX))?;
        self.with_msg(|msg| basic_record_level(line, msg)).flatten()
    }
}

/// A console linked into printk's console list while registered.
///
/// # Invariants
///
/// - `raw` is registered with printk if and only if `*registered` is true; it is only
///   registered or unregistered with `registered` locked.
/// - While registered, `raw.data` points to this (pinned) `Console`, and the callbacks in
///   `raw` are this type's for the same `W`: `write` in legacy mode; `write_thread`,
///   `write_atomic`, `device_lock`, `device_unlock` with `CON_NBCON` in nbcon mode.
#[pin_data(PinnedDrop)]
pub(crate) struct Console<W: ConsoleWrite> {
    #[pin]
    raw: Opaque<bindings::console>,
    #[pin]
    registered: Mutex<bool>,
    writer: W,
}

// SAFETY: `raw` is only changed with `registered` locked or by printk (which has its own
// locking); `writer` is `Sync`, and the callbacks only take shared references.
unsafe impl<W: ConsoleWrite> Sync for Console<W> {}
// SAFETY: Nothing in a `Console` is tied to a thread; `W` may be sent (required by `Sync` use).
unsafe impl<W: ConsoleWrite + Send> Send for Console<W> {}

impl<W: ConsoleWrite> Console<W> {
    /// A console of the given kind and mode, not registered yet, that passes messages to
    /// `writer`.
    pub(crate) fn new(
        kind: ConsoleKind,
        mode: ConsoleMode,
        writer: W,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            raw <- Opaque::ffi_init(move |slot: *mut bindings::console| {
                let (name, mut flags): (&[u8], u32) = match kind {
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
                match mode {
                    ConsoleMode::Legacy => con.write = Some(Self::write_callback),
                    ConsoleMode::Nbcon => {
                        flags |= bindings::cons_flags_CON_NBCON;
                        con.write_thread = Some(Self::write_thread_callback);
                        con.write_atomic = Some(Self::write_atomic_callback);
                        con.device_lock = Some(Self::device_lock_callback);
                        con.device_unlock = Some(Self::device_unlock_callback);
                    }
                }
                con.flags = flags as i16;
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
    /// running any more and none will start (an nbcon console's printer kthread is stopped).
    pub(crate) fn unregister(&self) {
        let mut registered = self.registered.lock();
        if *registered {
            // SAFETY: `raw` is registered (type invariant). `unregister_console` waits for the
            // callbacks that are running (printk's console SRCU) and stops the printer
            // kthread before it returns.
            unsafe { bindings::unregister_console(self.raw.get()) };
            // INVARIANT: `raw` is no longer registered.
            *registered = false;
        }
    }

    /// The `Console` of a registered raw console.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered `Console<W>`; the returned reference
    /// must not be used after the callback that obtained it returns.
    unsafe fn from_raw<'a>(con: *mut bindings::console) -> &'a Self {
        // SAFETY: By the function's safety requirements `con` belongs to a registered console,
        // whose `data` points to its pinned `Console<W>` (type invariant); it stays valid until
        // unregistered, which waits for the callbacks to return.
        unsafe { &*((*con).data as *const Self) }
    }

    /// An output for an nbcon callback.
    ///
    /// # Safety
    ///
    /// `wctxt` is the write context printk passed to the running callback, and the caller
    /// holds the device lock.
    unsafe fn nbcon_output(
        &self,
        wctxt: *mut bindings::nbcon_write_context,
        callback: NbconCallback,
    ) -> ConsoleOutput<'_> {
        // SAFETY: `wctxt` is valid for the callback (the function's safety requirements);
        // `ctxt.seq` is the record this context was assigned (set by the nbcon acquire).
        let seq = unsafe { (*wctxt).ctxt.seq };
        // INVARIANT: the write context of the callback.
        ConsoleOutput {
            msg: &[],
            wctxt,
            callback: Some(callback),
            lost: false,
            seq,
            _wctxt: PhantomData,
        }
    }

    /// The legacy `write` callback.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered `Console<W>`, and `s` must be valid for
    /// reads of `count` bytes for the duration of the call. printk calls it with the console
    /// lock held.
    unsafe extern "C" fn write_callback(
        con: *mut bindings::console,
        s: *const c_char,
        count: c_uint,
    ) {
        // SAFETY: The function's safety requirements.
        let this = unsafe { Self::from_raw(con) };
        let msg = if s.is_null() {
            &[][..]
        } else {
            // SAFETY: `s` is valid for reads of `count` bytes (the function's safety
            // requirements); `c_uint` always fits in `usize` on the architectures we build for.
            unsafe { core::slice::from_raw_parts(s.cast::<u8>(), count as usize) }
        };
        // SAFETY: With the console lock held (the function's safety requirements) `seq` is the
        // record being written, or an earlier one if records were lost in between:
        // `console_emit_next_record()` advances it only after `write` returns.
        let seq = unsafe { (*con).seq };
        let mut device = this.writer.device().lock();
        // INVARIANT: `msg` lives for the call.
        let mut out = ConsoleOutput {
            msg,
            wctxt: core::ptr::null_mut(),
            callback: None,
            lost: false,
            seq,
            _wctxt: PhantomData,
        };
        this.writer.write(&mut device, &mut out);
    }

    /// The nbcon `write_thread` callback: the printer kthread, with `device_lock` held.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered nbcon `Console<W>` and `wctxt` its
    /// write context for this call; printk calls it with [`Self::device_lock_callback`] held.
    unsafe extern "C" fn write_thread_callback(
        con: *mut bindings::console,
        wctxt: *mut bindings::nbcon_write_context,
    ) {
        // SAFETY: The function's safety requirements.
        let this = unsafe { Self::from_raw(con) };
        // SAFETY: printk holds the device lock across this call (taken by `device_lock`,
        // released by `device_unlock` after it returns), and nothing else in this context
        // refers to the protected data.
        let device = unsafe { this.writer.device().data_detached() };
        // SAFETY: `wctxt` is this call's write context; the device lock is held.
        let mut out = unsafe { this.nbcon_output(wctxt, NbconCallback::Thread) };
        this.writer.write(device, &mut out);
    }

    /// The nbcon `write_atomic` callback: an emergency section or a panic, in the context that
    /// printed, interrupts off, maybe in NMI.
    ///
    /// The device lock may be held by the very context this one interrupted: it is waited for
    /// a bounded time only, and the message is not sent by this console if it stays busy.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered nbcon `Console<W>` and `wctxt` its
    /// write context for this call.
    unsafe extern "C" fn write_atomic_callback(
        con: *mut bindings::console,
        wctxt: *mut bindings::nbcon_write_context,
    ) {
        // SAFETY: The function's safety requirements.
        let this = unsafe { Self::from_raw(con) };
        let Some(mut device) = this.writer.device().lock_bounded() else {
            return;
        };
        // SAFETY: `wctxt` is this call's write context; the device lock is held (`device`).
        let mut out = unsafe { this.nbcon_output(wctxt, NbconCallback::Atomic) };
        this.writer.write(&mut device, &mut out);
    }

    /// The nbcon `device_lock` callback: takes the device lock (interrupts off, so migration
    /// is disabled as printk requires).
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered nbcon `Console<W>` and `flags` valid for
    /// writes; printk pairs it with [`Self::device_unlock_callback`] given `*flags`.
    unsafe extern "C" fn device_lock_callback(con: *mut bindings::console, flags: *mut c_ulong) {
        // SAFETY: The function's safety requirements. printk also calls this while registering
        // and unregistering, when `data` is set (register sets it first; unregister clears
        // nothing).
        let this = unsafe { Self::from_raw(con) };
        let saved = this.writer.device().lock_detached();
        // SAFETY: `flags` is valid for writes (the function's safety requirements).
        unsafe { *flags = saved };
    }

    /// The nbcon `device_unlock` callback.
    ///
    /// # Safety
    ///
    /// `con` must be the `raw` console of a registered nbcon `Console<W>`, whose device lock
    /// this context took with [`Self::device_lock_callback`], which saved `flags`.
    unsafe extern "C" fn device_unlock_callback(con: *mut bindings::console, flags: c_ulong) {
        // SAFETY: The function's safety requirements.
        let this = unsafe { Self::from_raw(con) };
        // SAFETY: The lock is held with these flags (the function's safety requirements), and
        // `write_thread_callback`, which borrowed the data, has returned.
        unsafe { this.writer.device().unlock_detached(flags) };
    }
}

#[pinned_drop]
impl<W: ConsoleWrite> PinnedDrop for Console<W> {
    fn drop(self: Pin<&mut Self>) {
        // The console must leave printk's list before its memory goes.
        self.unregister();
    }
}
