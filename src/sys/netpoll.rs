// SPDX-License-Identifier: GPL-2.0
//! Netpoll: sends frames on a device with interrupts off, even during an oops.
//!
//! C header: [`include/linux/netpoll.h`](srctree/include/linux/netpoll.h)
//!
//! The module builds each frame itself (Ethernet, IP, UDP) and hands netpoll a finished skb;
//! netpoll itself only finds the device, brings it up, and transmits.

use super::bindings;
use super::notifier::{NetDev, Rtnl};
use crate::pure::addr::IpAddr;
use kernel::{error::to_result, prelude::*, str::CStr, types::Opaque};

/// What a [`Netpoll`] is set up with.
pub(crate) struct NetpollConfig<'a> {
    /// Interface name; empty to find the interface by `dev_mac` instead.
    pub(crate) dev_name: &'a [u8],
    /// Hardware address of the interface, used when `dev_name` is empty.
    pub(crate) dev_mac: [u8; 6],
    /// Local address; `None` lets netpoll pick one from the interface.
    pub(crate) local_ip: Option<IpAddr>,
    /// Remote address; its family selects IPv4 or IPv6.
    pub(crate) remote_ip: IpAddr,
    /// Local UDP port.
    pub(crate) local_port: u16,
    /// Remote UDP port.
    pub(crate) remote_port: u16,
    /// Destination hardware address.
    pub(crate) remote_mac: [u8; 6],
}

/// Why a frame was not sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TxError {
    /// Netpoll is not set up, or its device is not running.
    DevDown,
    /// No skb could be allocated.
    NoMem,
    /// The frame could not be built (the `fill` closure failed).
    BadFrame,
    /// The device or netpoll dropped the frame.
    Dropped,
}

/// One `struct netpoll`.
///
/// # Invariants
///
/// - `raw` is a valid `struct nc_netpoll`: a `struct netpoll` whose `name` points to static
///   storage, and the work item that refills its skb pool (the target's fallback pool).
/// - `active` is true if and only if `netpoll_setup` succeeded on `raw` and `netpoll_cleanup`
///   has not been called since; then `raw.dev` is a device netpoll holds a reference on.
#[pin_data(PinnedDrop)]
pub(crate) struct Netpoll {
    #[pin]
    raw: Opaque<bindings::nc_netpoll>,
    active: bool,
}

// SAFETY: A `struct netpoll` is not tied to the thread that set it up; it is set up and cleaned
// up only through `Pin<&mut Netpoll>` (exclusive access).
unsafe impl Send for Netpoll {}
// SAFETY: The `&self` methods only read fields that change under `&mut` access, and transmit
// with `netpoll_send_skb`, which any number of CPUs may call at once (it takes the device's
// transmit lock with interrupts off).
unsafe impl Sync for Netpoll {}

/// The name netpoll prefixes its log lines with, as the C module's.
const NETPOLL_NAME: &CStr = kernel::c_str!("netconsole");

fn copy_ip(dst: *mut bindings::inet_addr, ip: &IpAddr) {
    let bytes: &[u8] = match ip {
        IpAddr::V4(a) => a,
        IpAddr::V6(a) => a,
    };
    // SAFETY: `dst` is valid for writes of a `union inet_addr` (16 bytes, the size of its
    // `in6` member), and `bytes` is at most 16 bytes; an IPv4 address is the union's first 4
    // bytes in network order (`ip`).
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst.cast::<u8>(), bytes.len()) };
}

impl Netpoll {
    /// The `struct netpoll` in `raw`.
    fn np(&self) -> *mut bindings::netpoll {
        // SAFETY: Only computes the address of a field of the valid `raw`.
        unsafe { core::ptr::addr_of_mut!((*self.raw.get()).np) }
    }

    /// A netpoll configured from `cfg`, not set up yet.
    pub(crate) fn new<'a>(cfg: &'a NetpollConfig<'a>) -> impl PinInit<Self, Error> + 'a {
        try_pin_init!(Self {
            raw <- Opaque::ffi_init(move |ncp: *mut bindings::nc_netpoll| {
                // SAFETY: `ncp` is valid for writes; all-zeroes is a valid unconfigured netpoll
                // (no device, empty skb pool list that `netpoll_setup` initialises), and the
                // helper then initialises the refill work item.
                unsafe {
                    ncp.write(core::mem::zeroed());
                    bindings::nc_netpoll_init(ncp);
                }
                // SAFETY: `ncp` was just initialised and is not shared yet.
                let raw = unsafe { &mut (*ncp).np };
                raw.name = NETPOLL_NAME.as_char_ptr();
                // Leave the last byte as the NUL terminator.
                for (dst, &src) in raw.dev_name.iter_mut().take(15).zip(cfg.dev_name) {
                    *dst = src;
                }
                raw.dev_mac = cfg.dev_mac;
                if let Some(ip) = &cfg.local_ip {
                    copy_ip(&mut raw.local_ip, ip);
                }
                copy_ip(&mut raw.remote_ip, &cfg.remote_ip);
                raw.ipv6 = matches!(cfg.remote_ip, IpAddr::V6(_));
                raw.local_port = cfg.local_port;
                raw.remote_port = cfg.remote_port;
                raw.remote_mac = cfg.remote_mac;
            }),
            // INVARIANT: not set up.
            active: false,
        })
    }

    /// Logs the configuration as the C module does when a target is created (the banner of
    /// local and remote port, address and MAC).
    pub(crate) fn print_options(&self) {
        // SAFETY: `raw` is a valid netpoll (type invariant); the function only reads it.
        unsafe { bindings::netpoll_print_options(self.np()) }
    }

    /// Finds the device (in the caller's network namespace), brings it up if needed, picks a
    /// local address if none was given, and attaches netpoll to it; then fills the fallback
    /// pool up to its 32 skbs. May sleep (takes RTNL).
    pub(crate) fn setup(self: Pin<&mut Self>) -> Result {
        if self.active {
            return Err(EBUSY);
        }
        // SAFETY: `raw` is a valid, unattached netpoll (type invariant, `!active`); setup is
        // called in process context.
        to_result(unsafe { bindings::netpoll_setup(self.np()) })?;
        // SAFETY: `netpoll_setup` succeeded, so the pool is initialised; the refill work is
        // not scheduled yet (nothing can send before the target is published), and this runs
        // in process context, where the helper may sleep.
        unsafe { bindings::nc_netpoll_fill_pool(self.raw.get()) };
        // SAFETY: Only `active` is changed; nothing is moved out of the pinned struct.
        let this = unsafe { self.get_unchecked_mut() };
        // INVARIANT: `netpoll_setup` succeeded.
        this.active = true;
        Ok(())
    }

    /// The number of skbs in the fallback pool now (0 when not set up). Callable in any
    /// context.
    pub(crate) fn pool_len(&self) -> u32 {
        if !self.active {
            return 0;
        }
        // SAFETY: `raw` is set up (type invariant, `active`), so its pool is initialised; the
        // helper only reads the pool's length.
        unsafe { bindings::nc_netpoll_pool_len(self.raw.get()) }
    }

    /// Detaches netpoll from its device and drops the device reference, if it is set up.
    /// May sleep (takes RTNL): never call it with a spinlock held.
    pub(crate) fn cleanup(self: Pin<&mut Self>) {
        // SAFETY: Only `active` is changed; nothing is moved out of the pinned struct.
        let this = unsafe { self.get_unchecked_mut() };
        if this.active {
            // SAFETY: `raw` is set up (type invariant). The pool is flushed (refill stopped,
            // queue purged) before netpoll is released; nothing can schedule the refill again
            // or take from the pool (the write path no longer has `self`).
            unsafe {
                bindings::nc_netpoll_flush_pool(this.raw.get());
                bindings::netpoll_cleanup(this.np());
            }
            // INVARIANT: cleaned up.
            this.active = false;
        }
    }

    /// Releases netpoll from the notifier, which already holds RTNL (`netpoll_cleanup` would
    /// take it again).
    pub(crate) fn cleanup_rtnl_held(self: Pin<&mut Self>, _rtnl: &Rtnl<'_>) {
        // SAFETY: Only `active` is changed; nothing is moved out of the pinned struct.
        let this = unsafe { self.get_unchecked_mut() };
        if this.active {
            // SAFETY: `raw` is set up (type invariant) and RTNL is held (the token); the refill
            // work does not take RTNL, so waiting for it here cannot deadlock. As above, the
            // write path no longer has `self`.
            unsafe {
                bindings::nc_netpoll_flush_pool(this.raw.get());
                bindings::do_netpoll_cleanup(this.np());
            }
            // INVARIANT: cleaned up.
            this.active = false;
        }
    }

    /// Whether netpoll is attached to `dev`.
    pub(crate) fn is_on(&self, dev: &NetDev<'_>) -> bool {
        // SAFETY: Only compares the attached device's address with `dev`'s.
        self.active && unsafe { bindings::nc_netpoll_dev_is(self.np(), dev.as_ptr()) }
    }

    /// The name of the device netpoll is attached to, copied into `buf`.
    pub(crate) fn dev_name<'b>(&self, buf: &'b mut [u8; 16]) -> &'b [u8] {
        if !self.active {
            return &[];
        }
        // SAFETY: `raw.dev` is a held device (type invariant); the helper writes at most 16
        // bytes, NUL included, into `buf`.
        unsafe { bindings::nc_netpoll_dev_name(self.np(), buf.as_mut_ptr()) };
        let n = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        buf.get(..n).unwrap_or(&[])
    }

    /// The local address: as configured, or as picked by [`Netpoll::setup`].
    pub(crate) fn local_ip(&self) -> IpAddr {
        let mut bytes = [0u8; 16];
        // SAFETY: `raw` is valid (type invariant); `local_ip` is 16 bytes and only written by
        // `new` and `setup`, which have exclusive access.
        unsafe {
            let src = core::ptr::addr_of!((*self.np()).local_ip).cast::<u8>();
            core::ptr::copy_nonoverlapping(src, bytes.as_mut_ptr(), bytes.len());
            if (*self.np()).ipv6 {
                return IpAddr::V6(bytes);
            }
        }
        IpAddr::V4([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    /// The hardware address of the device netpoll is attached to.
    pub(crate) fn dev_mac(&self) -> Option<[u8; 6]> {
        if !self.active {
            return None;
        }
        // SAFETY: `raw.dev` is a held device (type invariant, `active`), whose `dev_addr`
        // has at least `ETH_ALEN` bytes for an Ethernet device.
        let addr = unsafe { bindings::nc_netpoll_dev_addr(self.np()) };
        if addr.is_null() {
            return None;
        }
        let mut mac = [0u8; 6];
        // SAFETY: See above: `addr` is valid for reads of 6 bytes.
        unsafe { core::ptr::copy_nonoverlapping(addr, mac.as_mut_ptr(), mac.len()) };
        Some(mac)
    }

    /// Whether the device is up, so that frames can be sent. Callable in any context.
    pub(crate) fn dev_running(&self) -> bool {
        // SAFETY: `raw` is valid; when `active`, `raw.dev` is a held device.
        self.active && unsafe { bindings::nc_netpoll_dev_running(self.np()) }
    }

    /// Sends one Ethernet frame of `len` bytes whose content `fill` writes (it gets exactly
    /// `len` bytes and returns false if it could not build the frame). `ipv6` tells where the
    /// transport header starts. Returns whether the skb came from the fallback pool. Never
    /// sleeps; callable with interrupts off.
    pub(crate) fn send_frame(
        &self,
        len: usize,
        ipv6: bool,
        fill: impl FnOnce(&mut [u8]) -> bool,
    ) -> core::result::Result<bool, TxError> {
        if !self.dev_running() {
            return Err(TxError::DevDown);
        }
        let len32 = u32::try_from(len).map_err(|_| TxError::BadFrame)?;
        let mut data: *mut u8 = core::ptr::null_mut();
        let mut from_pool = false;
        // SAFETY: `raw` is set up (`dev_running` implies `active`); the helper allocates with
        // `GFP_ATOMIC | __GFP_NOWARN` or takes from the pool, never sleeps, and sets `data` to
        // `len` writable bytes of the skb.
        let skb = unsafe {
            bindings::nc_netpoll_alloc_frame(self.raw.get(), len32, &mut data, &mut from_pool)
        };
        if skb.is_null() || data.is_null() {
            return Err(TxError::NoMem);
        }
        // SAFETY: `data` points to `len` bytes of the skb's linear data that nothing else
        // references until the skb is sent or freed below.
        let frame = unsafe { core::slice::from_raw_parts_mut(data, len) };
        if !fill(frame) {
            // SAFETY: `skb` was allocated above and not handed to anyone.
            unsafe { bindings::nc_skb_free(skb) };
            return Err(TxError::BadFrame);
        }
        // SAFETY: `raw` is set up and `skb` holds a complete frame; netpoll takes ownership
        // of the skb whatever the outcome.
        if unsafe { bindings::nc_netpoll_send_frame(self.np(), skb, ipv6) } {
            Ok(from_pool)
        } else {
            Err(TxError::Dropped)
        }
    }
}

/// Hands a set-up `np` to `publish` with RTNL held if its device is still registered, so
/// that publishing happens before (never after) the device's NETDEV_UNREGISTER notification,
/// which runs under RTNL. If the device is going away, `np` comes back unpublished. May sleep.
pub(crate) fn publish_while_registered<F: FnOnce(Pin<KBox<Netpoll>>)>(
    np: Pin<KBox<Netpoll>>,
    publish: F,
) -> core::result::Result<(), Pin<KBox<Netpoll>>> {
    /// # Safety
    ///
    /// `data` must point to the `Option` of `publish_while_registered`, alive for the call.
    unsafe extern "C" fn trampoline<F: FnOnce(Pin<KBox<Netpoll>>)>(data: *mut core::ffi::c_void) {
        // SAFETY: `data` is the `Option` below, alive for the call.
        let state = unsafe { &mut *data.cast::<Option<(Pin<KBox<Netpoll>>, F)>>() };
        if let Some((np, f)) = state.take() {
            f(np);
        }
    }
    if !np.active {
        return Err(np);
    }
    let raw = np.np();
    let mut state = Some((np, publish));
    // SAFETY: `raw` is a set-up netpoll in a heap allocation that stays alive while the helper
    // uses it (it only reads the device before calling `trampoline`, at most once and
    // synchronously, with a pointer to `state`, which outlives the call).
    unsafe {
        bindings::nc_netpoll_rtnl_publish(
            raw,
            Some(trampoline::<F>),
            (&mut state as *mut Option<(Pin<KBox<Netpoll>>, F)>).cast(),
        )
    };
    match state {
        Some((np, _)) => Err(np),
        None => Ok(()),
    }
}

#[pinned_drop]
impl PinnedDrop for Netpoll {
    fn drop(self: Pin<&mut Self>) {
        self.cleanup();
    }
}
