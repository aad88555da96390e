// SPDX-License-Identifier: GPL-2.0

//! Ethernet + IPv4/IPv6 + UDP headers and checksums, as `netpoll_send_udp` builds them.
//!
//! C source ported: `netpoll_send_udp` in `net/core/netpoll.c`. IPv4: version/IHL `0x45`,
//! TOS 0, no DF, TTL 64, the caller's ID, header checksum. IPv6: `0x60` and a zero flow label,
//! hop limit 32. UDP checksum over the pseudo-header, a computed 0 sent as `0xffff`.

use super::addr::IpAddr;

/// Ethernet header length.
pub const ETH_HLEN: usize = 14;
/// IPv4 header length (no options).
pub const IPV4_HLEN: usize = 20;
/// IPv6 header length.
pub const IPV6_HLEN: usize = 40;
/// UDP header length.
pub const UDP_HLEN: usize = 8;
/// Ethertype of IPv4.
pub const ETH_P_IP: u16 = 0x0800;
/// Ethertype of IPv6.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// IP protocol number of UDP.
pub const IPPROTO_UDP: u8 = 17;
/// IPv4 time to live netpoll uses.
pub const IPV4_TTL: u8 = 64;
/// IPv6 hop limit netpoll uses.
pub const IPV6_HOP_LIMIT: u8 = 32;

/// Length of the Ethernet, IP and UDP headers in front of the payload.
pub fn header_len(v6: bool) -> usize {
    if v6 {
        ETH_HLEN + IPV6_HLEN + UDP_HLEN
    } else {
        ETH_HLEN + IPV4_HLEN + UDP_HLEN
    }
}

/// Both ends of a netconsole datagram.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Endpoints {
    /// Ethernet source: the device's address.
    pub src_mac: [u8; 6],
    /// Ethernet destination: the target's remote MAC.
    pub dst_mac: [u8; 6],
    /// IP source.
    pub src_ip: IpAddr,
    /// IP destination; must be the same family as `src_ip`.
    pub dst_ip: IpAddr,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
}

impl Endpoints {
    /// Whether the frame is IPv6 (decided by the destination address).
    pub fn is_v6(&self) -> bool {
        self.dst_ip.is_v6()
    }
}

/// Why a frame could not be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameError {
    /// Source and destination addresses are of different families.
    FamilyMismatch,
    /// The buffer cannot hold the headers (and payload).
    BufferTooSmall,
    /// The payload is too long for the 16-bit UDP/IP length fields.
    TooLong,
}

/// One's complement sum of `data` as big-endian 16-bit words (odd byte padded with zero),
/// added to `sum`. No folding yet.
fn csum_add(mut sum: u64, data: &[u8]) -> u64 {
    // A plain index loop rather than `chunks_exact`: no division, hence no panic path on the
    // send path (6.12's objtool does not know newer rustc's panic functions as noreturn), and
    // nothing newer than rustc 1.78.
    let mut i = 0usize;
    while let Some(&hi) = data.get(i) {
        let lo = data.get(i.wrapping_add(1)).copied().unwrap_or(0);
        sum = sum.wrapping_add(u64::from(u16::from_be_bytes([hi, lo])));
        i = i.wrapping_add(2);
    }
    sum
}

/// Fold a sum to 16 bits and complement it (C: `csum_fold`).
fn csum_fold(mut sum: u64) -> u16 {
    // Four rounds fold any u64 to 16 bits.
    for _ in 0..4 {
        sum = (sum & 0xffff).wrapping_add(sum >> 16);
    }
    !((sum & 0xffff) as u16)
}

/// The Internet checksum (RFC 1071) of `data`.
pub fn internet_checksum(data: &[u8]) -> u16 {
    csum_fold(csum_add(0, data))
}

/// Copy `src` into `dst` at `at`; `None` if it does not fit.
fn put(dst: &mut [u8], at: usize, src: &[u8]) -> Option<()> {
    dst.get_mut(at..at.checked_add(src.len())?)?
        .copy_from_slice(src);
    Some(())
}

/// Fill in the headers of `frame`: [`header_len`] bytes of header space followed by the
/// payload (everything after the headers). Computes lengths and checksums from the payload.
///
/// # Errors
///
/// [`FrameError::FamilyMismatch`] if the addresses differ in family,
/// [`FrameError::BufferTooSmall`] if `frame` is shorter than the headers,
/// [`FrameError::TooLong`] if the payload does not fit the 16-bit length fields.
pub fn write_headers(frame: &mut [u8], ep: &Endpoints, ip_id: u16) -> Result<(), FrameError> {
    let v6 = match (ep.src_ip, ep.dst_ip) {
        (IpAddr::V4(_), IpAddr::V4(_)) => false,
        (IpAddr::V6(_), IpAddr::V6(_)) => true,
        _ => return Err(FrameError::FamilyMismatch),
    };
    let hlen = header_len(v6);
    // Checked first, so `split_at_mut` cannot panic (no `split_at_mut_checked`: rustc 1.78).
    if frame.len() < hlen {
        return Err(FrameError::BufferTooSmall);
    }
    let (hdr, payload) = frame.split_at_mut(hlen);
    let ip_hlen = if v6 { IPV6_HLEN } else { IPV4_HLEN };
    let udp_len = payload
        .len()
        .checked_add(UDP_HLEN)
        .and_then(|l| u16::try_from(l).ok())
        .ok_or(FrameError::TooLong)?;
    // IPv4 total length; IPv6 carries only the payload (UDP) length.
    let ip_len = if v6 {
        udp_len
    } else {
        usize::from(udp_len)
            .checked_add(IPV4_HLEN)
            .and_then(|l| u16::try_from(l).ok())
            .ok_or(FrameError::TooLong)?
    };

    // UDP header, checksum over pseudo-header + UDP header + payload.
    let [sp0, sp1] = ep.src_port.to_be_bytes();
    let [dp0, dp1] = ep.dst_port.to_be_bytes();
    let [ul0, ul1] = udp_len.to_be_bytes();
    let mut udph = [sp0, sp1, dp0, dp1, ul0, ul1, 0, 0];
    let mut sum = 0u64;
    match (ep.src_ip, ep.dst_ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            sum = csum_add(sum, &s);
            sum = csum_add(sum, &d);
            sum = csum_add(sum, &[0, IPPROTO_UDP, ul0, ul1]);
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            sum = csum_add(sum, &s);
            sum = csum_add(sum, &d);
            sum = csum_add(sum, &[0, 0, ul0, ul1, 0, 0, 0, IPPROTO_UDP]);
        }
        _ => return Err(FrameError::FamilyMismatch),
    }
    sum = csum_add(sum, &udph);
    sum = csum_add(sum, payload);
    let check = match csum_fold(sum) {
        0 => 0xffff, // CSUM_MANGLED_0
        c => c,
    };
    let [c0, c1] = check.to_be_bytes();
    udph[6] = c0;
    udph[7] = c1;

    // Ethernet header.
    let proto = if v6 { ETH_P_IPV6 } else { ETH_P_IP };
    let too_small = FrameError::BufferTooSmall;
    put(hdr, 0, &ep.dst_mac).ok_or(too_small)?;
    put(hdr, 6, &ep.src_mac).ok_or(too_small)?;
    put(hdr, 12, &proto.to_be_bytes()).ok_or(too_small)?;

    // IP header.
    match (ep.src_ip, ep.dst_ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let [l0, l1] = ip_len.to_be_bytes();
            let [id0, id1] = ip_id.to_be_bytes();
            let mut iph = [
                0x45,
                0,
                l0,
                l1,
                id0,
                id1,
                0,
                0,
                IPV4_TTL,
                IPPROTO_UDP,
                0,
                0,
                s[0],
                s[1],
                s[2],
                s[3],
                d[0],
                d[1],
                d[2],
                d[3],
            ];
            let [k0, k1] = internet_checksum(&iph).to_be_bytes();
            iph[10] = k0;
            iph[11] = k1;
            put(hdr, ETH_HLEN, &iph).ok_or(too_small)?;
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            // Payload length is the UDP length.
            let fixed = [0x60, 0, 0, 0, ul0, ul1, IPPROTO_UDP, IPV6_HOP_LIMIT];
            put(hdr, ETH_HLEN, &fixed).ok_or(too_small)?;
            put(hdr, ETH_HLEN + 8, &s).ok_or(too_small)?;
            put(hdr, ETH_HLEN + 24, &d).ok_or(too_small)?;
        }
        _ => return Err(FrameError::FamilyMismatch),
    }
    put(hdr, ETH_HLEN.saturating_add(ip_hlen), &udph).ok_or(too_small)?;
    Ok(())
}

/// Copy `payload` after the header space of `buf`, fill in the headers, and return the frame
/// length ([`header_len`] + payload length).
///
/// # Errors
///
/// As [`write_headers`]; [`FrameError::BufferTooSmall`] if `buf` cannot hold the frame.
pub fn build_frame(
    buf: &mut [u8],
    ep: &Endpoints,
    ip_id: u16,
    payload: &[u8],
) -> Result<usize, FrameError> {
    let hlen = header_len(ep.is_v6());
    let total = hlen.checked_add(payload.len()).ok_or(FrameError::TooLong)?;
    let frame = buf.get_mut(..total).ok_or(FrameError::BufferTooSmall)?;
    put(frame, hlen, payload).ok_or(FrameError::BufferTooSmall)?;
    write_headers(frame, ep, ip_id)?;
    Ok(total)
}
