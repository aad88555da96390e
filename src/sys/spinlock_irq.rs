// SPDX-License-Identifier: GPL-2.0
//! An IRQ-safe spinlock (`spin_lock_irqsave`), which 6.12's kernel crate does not have.
//!
//! C header: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h)
//!
//! It plugs a backend into the kernel crate's generic [`Lock`], so guards, pinning and lockdep
//! classes work as for the crate's own locks. The console write path may run in hard IRQ
//! context, so every lock it shares with process context must disable interrupts.

use super::bindings;
use kernel::sync::lock::{Backend, Lock};

/// A spinlock that disables local interrupts while held.
pub(crate) type SpinLockIrq<T> = Lock<T, SpinLockIrqBackend>;

/// Creates a [`SpinLockIrq`] initialiser with a lockdep class of its own for this call site.
macro_rules! new_spinlock_irq {
    ($inner:expr, $name:literal) => {
        kernel::sync::lock::Lock::<_, $crate::sys::spinlock_irq::SpinLockIrqBackend>::new(
            $inner,
            kernel::c_str!($name),
            kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_spinlock_irq;

/// The `spin_lock_irqsave`/`spin_unlock_irqrestore` backend of [`SpinLockIrq`].
pub(crate) struct SpinLockIrqBackend;

// SAFETY: `lock` disables interrupts and takes the spinlock, so only one guard exists at a time
// and `unlock` (given the flags that `lock` returned) releases exactly what `lock` took.
unsafe impl Backend for SpinLockIrqBackend {
    type State = kernel::bindings::spinlock_t;
    type GuardState = kernel::ffi::c_ulong;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const kernel::ffi::c_char,
        key: *mut kernel::bindings::lock_class_key,
    ) {
        // SAFETY: The caller guarantees that `ptr` is valid for writes, and `name` and `key` are
        // valid for the lifetime of the lock.
        unsafe { kernel::bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The caller guarantees that `ptr` points to an initialised spinlock.
        unsafe { bindings::nc_spin_lock_irqsave(ptr) }
    }

    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        // SAFETY: The caller guarantees that `ptr` is the lock that `lock` took and returned
        // `guard_state` for, and that the lock is held.
        unsafe { bindings::nc_spin_unlock_irqrestore(ptr, *guard_state) }
    }
}
