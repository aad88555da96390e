// SPDX-License-Identifier: GPL-2.0
//! The netdev notifier: the kernel tells netconsole about devices that come and go.
//!
//! C header: [`include/linux/netdevice.h`](srctree/include/linux/netdevice.h)

use super::bindings;
use core::{
    marker::PhantomData,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{ffi::c_ulong, prelude::*, str::CStr, types::Opaque};

/// Proof that the RTNL lock is held: only the notifier (which the kernel calls under RTNL)
/// makes one, for the duration of an event.
pub(crate) struct Rtnl<'a>(PhantomData<&'a ()>);

/// The events netconsole acts on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum NetdevEvent {
    /// A device registered.
    Register,
    /// A device was renamed.
    ChangeName,
    /// A device is unregistering.
    Unregister,
    /// A device released its slaves.
    Release,
    /// A device is being enslaved.
    Join,
}

/// The device an event is about.
///
/// # Invariants
///
/// `ptr` is a registered or unregistering device that stays valid during the event.
pub(crate) struct NetDev<'a> {
    ptr: *mut kernel::bindings::net_device,
    _event: PhantomData<&'a ()>,
}

impl NetDev<'_> {
    /// The device's name.
    pub(crate) fn name(&self) -> &[u8] {
        // SAFETY: `ptr` is valid (type invariant) and its name is NUL-terminated.
        unsafe { CStr::from_char_ptr(bindings::nc_netdev_name(self.ptr)) }.as_bytes()
    }

    /// The device's hardware address, if it is an Ethernet one.
    pub(crate) fn mac(&self) -> Option<[u8; 6]> {
        // SAFETY: `ptr` is valid (type invariant).
        let addr = unsafe { bindings::nc_netdev_addr(self.ptr) };
        if addr.is_null() {
            return None;
        }
        let mut mac = [0u8; 6];
        // SAFETY: The helper returned the device's 6-byte address.
        unsafe { core::ptr::copy_nonoverlapping(addr, mac.as_mut_ptr(), 6) };
        Some(mac)
    }

    /// Whether the device is in the initial network namespace.
    pub(crate) fn in_init_net(&self) -> bool {
        // SAFETY: `ptr` is valid (type invariant).
        unsafe { bindings::nc_netdev_net_is_init(self.ptr) }
    }

    /// The raw device, for comparison with a netpoll's.
    pub(crate) fn as_ptr(&self) -> *mut kernel::bindings::net_device {
        self.ptr
    }
}

/// Handles netdev events.
pub(crate) trait NetdevEvents: Sync {
    /// Called under RTNL in process context (may sleep, must not take locks that are held
    /// while taking RTNL).
    fn event(&self, event: NetdevEvent, dev: &NetDev<'_>, rtnl: &Rtnl<'_>);
}

/// A registered netdev notifier.
///
/// # Invariants
///
/// `raw` is registered with the kernel if and only if `registered` is true; while registered,
/// its callback is [`Notifier::callback`] for the same `H`.
#[pin_data(PinnedDrop)]
pub(crate) struct Notifier<H: NetdevEvents> {
    #[pin]
    raw: Opaque<bindings::notifier_block>,
    handler: H,
    registered: AtomicBool,
}

// SAFETY: The notifier block is only touched by the kernel's notifier chain (under its own
// locks) once registered; `handler` is `Sync`.
unsafe impl<H: NetdevEvents> Sync for Notifier<H> {}
// SAFETY: Nothing in it is tied to a thread.
unsafe impl<H: NetdevEvents + Send> Send for Notifier<H> {}

impl<H: NetdevEvents> Notifier<H> {
    /// Registers a netdev notifier calling `handler`. The kernel calls it at once with
    /// NETDEV_REGISTER for every existing device.
    pub(crate) fn register(handler: H) -> impl PinInit<Self, Error> {
        let init = try_pin_init!(Self {
            raw <- Opaque::ffi_init(|nb: *mut bindings::notifier_block| {
                // SAFETY: `nb` is valid for writes; all-zeroes is a valid unlinked block.
                unsafe { nb.write(core::mem::zeroed()) };
                // SAFETY: Just initialised.
                unsafe { (*nb).notifier_call = Some(Self::callback) };
            }),
            handler,
            registered: AtomicBool::new(false),
        });
        // SAFETY: Registers the block once the whole struct is initialised and pinned; on
        // failure the struct is dropped by the caller of the initialiser.
        unsafe {
            kernel::init::pin_init_from_closure(move |slot: *mut Self| {
                init.__pinned_init(slot)?;
                let ret = bindings::register_netdevice_notifier((*slot).raw.get());
                if ret != 0 {
                    core::ptr::drop_in_place(slot);
                    return Err(Error::from_errno(ret));
                }
                // INVARIANT: registered.
                (*slot).registered.store(true, Ordering::Release);
                Ok(())
            })
        }
    }

    /// # Safety
    ///
    /// Called by the kernel with a registered `Notifier<H>`'s block, under RTNL.
    unsafe extern "C" fn callback(
        nb: *mut kernel::bindings::notifier_block,
        event: c_ulong,
        ptr: *mut core::ffi::c_void,
    ) -> core::ffi::c_int {
        let event = match event as u32 {
            bindings::netdev_cmd_NETDEV_REGISTER => NetdevEvent::Register,
            bindings::netdev_cmd_NETDEV_CHANGENAME => NetdevEvent::ChangeName,
            bindings::netdev_cmd_NETDEV_UNREGISTER => NetdevEvent::Unregister,
            bindings::netdev_cmd_NETDEV_RELEASE => NetdevEvent::Release,
            bindings::netdev_cmd_NETDEV_JOIN => NetdevEvent::Join,
            _ => return bindings::NOTIFY_DONE as core::ffi::c_int,
        };
        let raw = nb
            .cast::<u8>()
            .wrapping_sub(core::mem::offset_of!(Self, raw))
            .cast::<Self>();
        // SAFETY: `nb` is the `raw` of a registered `Notifier<H>` (see `register`), valid
        // until `PinnedDrop` unregisters it; `ptr` is the event's `netdev_notifier_info`.
        let (this, dev) = unsafe { (&*raw, bindings::nc_netdev_notifier_info_to_dev(ptr)) };
        // INVARIANT: the kernel keeps the device valid during the event.
        let dev = NetDev {
            ptr: dev,
            _event: PhantomData,
        };
        this.handler.event(event, &dev, &Rtnl(PhantomData));
        bindings::NOTIFY_DONE as core::ffi::c_int
    }
}

impl<H: NetdevEvents> Notifier<H> {
    /// Unregisters the notifier if it is registered; no callback runs after this returns.
    pub(crate) fn unregister(&self) {
        if self.registered.swap(false, Ordering::AcqRel) {
            // SAFETY: `raw` was registered (type invariant), and only this caller got here
            // (`swap`); unregistering waits for running callbacks (it takes RTNL).
            unsafe { bindings::unregister_netdevice_notifier(self.raw.get()) };
        }
    }
}

#[pinned_drop]
impl<H: NetdevEvents> PinnedDrop for Notifier<H> {
    fn drop(self: Pin<&mut Self>) {
        self.unregister();
    }
}
