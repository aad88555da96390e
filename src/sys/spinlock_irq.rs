// SPDX-License-Identifier: GPL-2.0
//! An IRQ-safe spinlock (`spin_lock_irqsave`), which 6.12's kernel crate does not have.
//!
//! C header: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h)
//!
//! The console write path may run in hard IRQ context, so every lock it shares with process
//! context must disable interrupts. Besides the usual guard, the lock can be held across two
//! C callbacks (an nbcon console's `device_lock` and `device_unlock`), which the kernel crate's
//! generic `Lock` cannot express: that is why this is a type of its own.

use super::bindings;
use core::{
    cell::UnsafeCell,
    marker::{PhantomData, PhantomPinned},
};
use kernel::{ffi::c_ulong, prelude::*, str::CStr, sync::LockClassKey, types::Opaque};

/// Creates a [`SpinLockIrq`] initialiser with a lockdep class of its own for this call site.
macro_rules! new_spinlock_irq {
    ($inner:expr, $name:literal) => {
        $crate::sys::spinlock_irq::SpinLockIrq::new(
            $inner,
            kernel::c_str!($name),
            kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_spinlock_irq;

/// A spinlock that disables local interrupts while held, protecting a `T`.
///
/// # Invariants
///
/// `state` is an initialised spinlock; `data` is only accessed by the holder of `state`.
#[pin_data]
pub(crate) struct SpinLockIrq<T> {
    #[pin]
    state: Opaque<bindings::spinlock_t>,
    #[pin]
    _pin: PhantomPinned,
    data: UnsafeCell<T>,
}

// SAFETY: The lock can move between threads with its data if the data can.
unsafe impl<T: Send> Send for SpinLockIrq<T> {}
// SAFETY: Access to `data` is serialised by the spinlock, so sharing the lock only needs the
// data to be `Send`.
unsafe impl<T: Send> Sync for SpinLockIrq<T> {}

impl<T> SpinLockIrq<T> {
    /// A new lock protecting `t`, with the lockdep `name` and class `key`.
    pub(crate) fn new(t: T, name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        // `LockClassKey` is `#[repr(transparent)]` over an `Opaque<lock_class_key>`.
        let key: *mut bindings::lock_class_key = (key as *const LockClassKey).cast_mut().cast();
        pin_init!(Self {
            data: UnsafeCell::new(t),
            _pin: PhantomPinned,
            // SAFETY: `slot` is valid for writes while the closure runs; `name` and `key` are
            // static, as lockdep requires.
            // INVARIANT: the spinlock is initialised here.
            state <- Opaque::ffi_init(move |slot| unsafe {
                bindings::__spin_lock_init(slot, name.as_char_ptr(), key)
            }),
        })
    }

    /// Disables interrupts and takes the lock.
    pub(crate) fn lock(&self) -> SpinLockIrqGuard<'_, T> {
        SpinLockIrqGuard {
            lock: self,
            flags: self.lock_detached(),
            _not_send: PhantomData,
        }
    }

    /// Tries to take the lock for at most about 2 ms (as long as nbcon waits for a console
    /// handover), for contexts that must not deadlock on a lock held by the context they
    /// interrupted (an emergency or a panic). Any context.
    pub(crate) fn lock_bounded(&self) -> Option<SpinLockIrqGuard<'_, T>> {
        let mut flags: c_ulong = 0;
        // SAFETY: `state` is initialised (type invariant); `flags` is valid for writes.
        let locked =
            unsafe { bindings::nc_spin_trylock_irqsave_bounded(self.state.get(), &mut flags) };
        locked.then_some(SpinLockIrqGuard {
            lock: self,
            flags,
            _not_send: PhantomData,
        })
    }

    /// Disables interrupts and takes the lock without a guard; returns the saved interrupt
    /// state, to be given back to [`Self::unlock_detached`]. For a lock taken and released in
    /// two different C callbacks.
    pub(crate) fn lock_detached(&self) -> c_ulong {
        // SAFETY: `state` is initialised (type invariant).
        unsafe { bindings::nc_spin_lock_irqsave(self.state.get()) }
    }

    /// Releases a lock taken with [`Self::lock_detached`].
    ///
    /// # Safety
    ///
    /// The caller holds the lock through [`Self::lock_detached`], which returned `flags`, and
    /// no reference returned by [`Self::data_detached`] is used any more.
    pub(crate) unsafe fn unlock_detached(&self, flags: c_ulong) {
        // SAFETY: The lock is held with these flags (the function's safety requirements).
        unsafe { bindings::nc_spin_unlock_irqrestore(self.state.get(), flags) }
    }

    /// The protected data, for the holder of a lock taken with [`Self::lock_detached`].
    ///
    /// # Safety
    ///
    /// The caller holds the lock through [`Self::lock_detached`] until it stops using the
    /// returned reference, and holds no other reference to the data meanwhile.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn data_detached(&self) -> &mut T {
        // SAFETY: The caller holds the lock and no other reference (the function's safety
        // requirements), so this reference is the only one.
        unsafe { &mut *self.data.get() }
    }
}

/// The lock held: gives access to the data; releases the lock (and restores the interrupt
/// state) when dropped.
pub(crate) struct SpinLockIrqGuard<'a, T> {
    lock: &'a SpinLockIrq<T>,
    flags: c_ulong,
    /// A guard stays on the CPU that took the lock.
    _not_send: PhantomData<*mut ()>,
}

impl<T> core::ops::Deref for SpinLockIrqGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: The guard holds the lock, so no other reference to the data exists.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> core::ops::DerefMut for SpinLockIrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: The guard holds the lock and is borrowed mutably: this reference is the only
        // one.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for SpinLockIrqGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: The guard took the lock with these flags; the references it handed out
        // cannot outlive it.
        unsafe { self.lock.unlock_detached(self.flags) }
    }
}
