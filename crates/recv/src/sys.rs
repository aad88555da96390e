// SPDX-License-Identifier: GPL-2.0

//! The few socket and signal calls std does not offer, as small safe wrappers.
//!
//! C headers: `<sys/socket.h>` (`socket`, `bind`, `setsockopt`, `getsockopt`, `recvmmsg`),
//! `<poll.h>`, `<signal.h>`. Everything else uses `std::net::UdpSocket`.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use libc::{c_int, c_void, socklen_t};

/// Largest UDP payload (IPv4): datagrams are never truncated with buffers this big.
pub const MAX_DATAGRAM: usize = 65_536;

fn check(r: c_int) -> io::Result<c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn setsockopt_int(fd: BorrowedFd<'_>, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    // SAFETY: `fd` is an open descriptor; the option value is a live `c_int` whose size is
    // passed along, and the kernel only reads it.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&value as *const c_int).cast::<c_void>(),
            size_of::<c_int>() as socklen_t,
        )
    })
    .map(drop)
}

fn getsockopt_int(fd: BorrowedFd<'_>, level: c_int, name: c_int) -> io::Result<c_int> {
    let mut value: c_int = 0;
    let mut len = size_of::<c_int>() as socklen_t;
    // SAFETY: `fd` is an open descriptor; `value` and `len` are live, writable, and `len`
    // holds the size of `value`.
    check(unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&mut value as *mut c_int).cast::<c_void>(),
            &mut len,
        )
    })?;
    Ok(value)
}

/// `addr` as a C socket address and its length.
fn to_sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, socklen_t) {
    // SAFETY: `sockaddr_storage` is plain old data for which all-zero bytes are valid.
    let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: `sockaddr_storage` is larger than and aligned for every sockaddr type;
            // the reference covers only `storage`, which is not otherwise used meanwhile.
            let sin = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>()
            };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for `sockaddr_in6`.
            let sin6 = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_scope_id = a.scope_id();
            size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as socklen_t)
}

/// The address the kernel wrote into `storage` (`len` bytes), if it is IPv4 or IPv6.
fn from_sockaddr(storage: &libc::sockaddr_storage, len: socklen_t) -> Option<SocketAddr> {
    let len = len as usize;
    match c_int::from(storage.ss_family) {
        libc::AF_INET if len >= size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family says the storage holds a `sockaddr_in`, and it is large and
            // aligned enough for one.
            let sin =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
        }
        libc::AF_INET6 if len >= size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for `sockaddr_in6`.
            let sin6 = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            Some(
                SocketAddrV6::new(
                    ip,
                    u16::from_be(sin6.sin6_port),
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                )
                .into(),
            )
        }
        _ => None,
    }
}

/// A non-blocking UDP socket bound to `addr`. An unspecified IPv6 address (`[::]`) is made
/// dual-stack explicitly (`IPV6_V6ONLY=0`), whatever `net.ipv6.bindv6only` says.
pub fn bind_udp(addr: SocketAddr) -> io::Result<UdpSocket> {
    let domain = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: `socket` takes no pointers; the result is checked.
    let fd = check(unsafe {
        libc::socket(
            domain,
            libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    })?;
    // SAFETY: `fd` was just returned by `socket` and nothing else owns it.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    if let SocketAddr::V6(a) = addr {
        if a.ip().is_unspecified() {
            setsockopt_int(sock.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 0)?;
        }
    }
    let (storage, len) = to_sockaddr(addr);
    // SAFETY: `storage` holds a socket address of `len` bytes and lives across the call.
    check(unsafe {
        libc::bind(
            sock.as_raw_fd(),
            (&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr>(),
            len,
        )
    })?;
    Ok(UdpSocket::from(sock))
}

/// Ask for a receive buffer of `bytes`: `SO_RCVBUFFORCE` (which needs `CAP_NET_ADMIN` and
/// ignores `net.core.rmem_max`), else `SO_RCVBUF` (which the kernel clamps to `rmem_max`).
/// Returns what the kernel reports back, which is twice the usable size (see socket(7)).
pub fn set_rcvbuf(sock: &UdpSocket, bytes: usize) -> io::Result<usize> {
    let fd = sock.as_fd();
    let want = c_int::try_from(bytes).unwrap_or(c_int::MAX);
    if setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, want).is_err() {
        setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, want)?;
    }
    let got = getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF)?;
    Ok(usize::try_from(got).unwrap_or(0))
}

/// Buffers for reading many datagrams with one `recvmmsg`.
pub struct RecvBatch {
    bufs: Vec<Vec<u8>>,
    addrs: Vec<libc::sockaddr_storage>,
    addr_lens: Vec<socklen_t>,
    lens: Vec<usize>,
    truncated: Vec<bool>,
    filled: usize,
}

impl RecvBatch {
    /// Room for `n` datagrams of up to [`MAX_DATAGRAM`] bytes.
    pub fn new(n: usize) -> RecvBatch {
        let n = n.max(1);
        RecvBatch {
            bufs: vec![vec![0; MAX_DATAGRAM]; n],
            // SAFETY: `sockaddr_storage` is plain old data for which all-zero bytes are valid.
            addrs: vec![unsafe { zeroed() }; n],
            addr_lens: vec![0; n],
            lens: vec![0; n],
            truncated: vec![false; n],
            filled: 0,
        }
    }

    /// Read the datagrams waiting on `sock`, without blocking. Returns how many (0 when none
    /// is waiting).
    pub fn recv(&mut self, sock: &UdpSocket) -> io::Result<usize> {
        self.filled = 0;
        let mut iovs: Vec<libc::iovec> = self
            .bufs
            .iter_mut()
            .map(|b| libc::iovec {
                iov_base: b.as_mut_ptr().cast::<c_void>(),
                iov_len: b.len(),
            })
            .collect();
        let mut hdrs: Vec<libc::mmsghdr> = iovs
            .iter_mut()
            .zip(self.addrs.iter_mut())
            .map(|(iov, addr)| {
                // SAFETY: `mmsghdr` is plain old data for which all-zero bytes are valid
                // (null pointers, zero lengths).
                let mut h: libc::mmsghdr = unsafe { zeroed() };
                h.msg_hdr.msg_name = (addr as *mut libc::sockaddr_storage).cast::<c_void>();
                h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as socklen_t;
                h.msg_hdr.msg_iov = iov;
                h.msg_hdr.msg_iovlen = 1;
                h
            })
            .collect();
        // `bufs`, `addrs`, `iovs` and `hdrs` all outlive the call and are not touched during it.
        // SAFETY: each header points to one live iovec (a buffer of `iov_len` bytes) and one
        // live `sockaddr_storage` of the size given; `vlen` is `hdrs.len()`; null timeout is ok.
        let r = unsafe {
            libc::recvmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                hdrs.len() as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(0),
                _ => Err(e),
            };
        }
        let n = r as usize;
        for (i, h) in hdrs.iter().take(n).enumerate() {
            self.lens[i] = (h.msg_len as usize).min(MAX_DATAGRAM);
            self.addr_lens[i] = h.msg_hdr.msg_namelen;
            self.truncated[i] = h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0;
        }
        self.filled = n;
        Ok(n)
    }

    /// Datagram `i` of the last [`RecvBatch::recv`]: source, bytes, and whether it was cut.
    pub fn get(&self, i: usize) -> Option<(SocketAddr, &[u8], bool)> {
        if i >= self.filled {
            return None;
        }
        let addr = from_sockaddr(&self.addrs[i], self.addr_lens[i])?;
        Some((addr, &self.bufs[i][..self.lens[i]], self.truncated[i]))
    }
}

/// Wait until one of `socks` is readable or `timeout` passes; `ready[i]` tells which. A
/// signal interrupting the wait is not an error (nothing is ready then).
pub fn poll_readable(socks: &[UdpSocket], timeout: Duration, ready: &mut [bool]) -> io::Result<()> {
    let mut fds: Vec<libc::pollfd> = socks
        .iter()
        .map(|s| libc::pollfd {
            fd: s.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = c_int::try_from(timeout.as_millis()).unwrap_or(c_int::MAX);
    // SAFETY: `fds` is a live array of `fds.len()` pollfds that the kernel may write.
    let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    ready.iter_mut().for_each(|r| *r = false);
    if r < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok(())
        } else {
            Err(e)
        };
    }
    for (r, f) in ready.iter_mut().zip(&fds) {
        *r = f.revents & (libc::POLLIN | libc::POLLERR) != 0;
    }
    Ok(())
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop_signal(_sig: c_int) {
    // Async-signal-safe: one atomic store.
    STOP.store(true, Ordering::Relaxed);
}

/// Make SIGINT and SIGTERM set a flag (see [`stop_requested`]) instead of killing the
/// process, so the summary can be printed. No `SA_RESTART`: a blocked `poll` returns.
pub fn install_stop_handlers() -> io::Result<()> {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `sigaction` is plain old data for which all-zero bytes are valid (no flags,
        // empty mask once `sigemptyset` ran).
        let mut sa: libc::sigaction = unsafe { zeroed() };
        sa.sa_sigaction = on_stop_signal as extern "C" fn(c_int) as libc::sighandler_t;
        // SAFETY: `sa.sa_mask` is a live, writable sigset_t.
        check(unsafe { libc::sigemptyset(&mut sa.sa_mask) })?;
        // SAFETY: `sa` is a live, initialised sigaction whose handler only does an atomic
        // store; a null old-action pointer is allowed.
        check(unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) })?;
    }
    Ok(())
}

/// Whether SIGINT or SIGTERM arrived.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}
