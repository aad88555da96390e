// SPDX-License-Identifier: GPL-2.0

//! Target `frame`: Ethernet + IPv4/IPv6 + UDP frames from `build_frame`.
//!
//! Input: `flags:u8 ip_id:u16 src_port:u16 dst_port:u16 pad:u16 pad_byte:u8 slack:u8
//! src_mac:6 dst_mac:6 src_ip:16 dst_ip:16 payload...` (little-endian numbers; missing bytes
//! are zero). Flags: bit 0 IPv6 destination, bit 1 source of the other family, bit 2 append
//! `pad` copies of `pad_byte` to the payload (reaches the 16-bit length limits), bit 3 make the
//! buffer `slack` bytes too small instead of `slack` bytes too big.
//!
//! Checked: the error is the right one (family mismatch, buffer too small, too long) and comes
//! exactly when it should; on success the frame has the right length, addresses, ports,
//! protocol fields and lengths, the IPv4 header and UDP checksums verify (one's complement sum
//! over the header, or pseudo-header + UDP, is 0xffff) and the payload is intact.

use netconsole_pure::addr::IpAddr;
use netconsole_pure::frame::{build_frame, Endpoints, FrameError};

use crate::Reader;

/// One's complement sum of big-endian 16-bit words, folded (odd byte padded with zero).
pub fn ones_sum(parts: &[&[u8]]) -> u16 {
    let bytes: Vec<u8> = parts.concat();
    let mut sum: u32 = 0;
    for pair in bytes.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum += u32::from(word);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Run every check on `data`.
pub fn check(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let ip_id = r.u16();
    let src_port = r.u16();
    let dst_port = r.u16();
    let pad = usize::from(r.u16());
    let pad_byte = r.u8();
    let slack = usize::from(r.u8());
    let src_mac: [u8; 6] = r.bytes();
    let dst_mac: [u8; 6] = r.bytes();
    let src: [u8; 16] = r.bytes();
    let dst: [u8; 16] = r.bytes();
    let mut payload = r.rest().to_vec();
    if flags & 4 != 0 {
        payload.resize(payload.len() + pad, pad_byte);
    }

    let ip = |v6: bool, a: &[u8; 16]| {
        if v6 {
            IpAddr::V6(*a)
        } else {
            IpAddr::V4([a[0], a[1], a[2], a[3]])
        }
    };
    let v6 = flags & 1 != 0;
    let src_v6 = v6 ^ (flags & 2 != 0);
    let ep = Endpoints {
        src_mac,
        dst_mac,
        src_ip: ip(src_v6, &src),
        dst_ip: ip(v6, &dst),
        src_port,
        dst_port,
    };

    let hlen = 14 + if v6 { 40 } else { 20 } + 8;
    let total = hlen + payload.len();
    let buf_len = if flags & 8 != 0 {
        total.saturating_sub(slack)
    } else {
        total + slack
    };
    // Fill with a marker so stale bytes would show.
    let mut buf = vec![0xa5u8; buf_len];
    let res = build_frame(&mut buf, &ep, ip_id, &payload);

    let udp_len = payload.len() + 8;
    let too_long = udp_len > 0xffff || (!v6 && udp_len + 20 > 0xffff);
    let mismatch = src_v6 != v6;
    let too_small = buf_len < total;
    match res {
        Err(FrameError::FamilyMismatch) => assert!(mismatch),
        Err(FrameError::BufferTooSmall) => assert!(too_small),
        Err(FrameError::TooLong) => assert!(too_long),
        Ok(n) => {
            assert!(
                !mismatch && !too_small && !too_long,
                "frame built from bad input"
            );
            assert_eq!(n, total);
            check_frame(&buf[..n], &ep, ip_id, &payload);
            assert!(buf[n..].iter().all(|&b| b == 0xa5), "wrote past the frame");
        }
    }
}

fn check_frame(f: &[u8], ep: &Endpoints, ip_id: u16, payload: &[u8]) {
    assert_eq!(&f[0..6], &ep.dst_mac);
    assert_eq!(&f[6..12], &ep.src_mac);
    let udp_len = (payload.len() + 8) as u16;
    let (udp_at, pseudo) = match (ep.src_ip, ep.dst_ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            assert_eq!(be16(f, 12), 0x0800);
            let iph = &f[14..34];
            assert_eq!(iph[0], 0x45, "version/IHL");
            assert_eq!(iph[1], 0, "TOS");
            assert_eq!(be16(iph, 2), udp_len + 20, "IPv4 total length");
            assert_eq!(be16(iph, 4), ip_id);
            assert_eq!(be16(iph, 6), 0, "flags/fragment offset");
            assert_eq!(iph[8], 64, "TTL");
            assert_eq!(iph[9], 17, "protocol");
            assert_eq!(&iph[12..16], &s);
            assert_eq!(&iph[16..20], &d);
            assert_eq!(ones_sum(&[iph]), 0xffff, "IPv4 header checksum");
            let ul = udp_len.to_be_bytes();
            (34, [&s[..], &d[..], &[0, 17, ul[0], ul[1]][..]].concat())
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            assert_eq!(be16(f, 12), 0x86dd);
            let iph = &f[14..54];
            assert_eq!(&iph[0..4], &[0x60, 0, 0, 0], "version/class/flow label");
            assert_eq!(be16(iph, 4), udp_len, "IPv6 payload length");
            assert_eq!(iph[6], 17, "next header");
            assert_eq!(iph[7], 32, "hop limit");
            assert_eq!(&iph[8..24], &s);
            assert_eq!(&iph[24..40], &d);
            let ul = udp_len.to_be_bytes();
            (
                54,
                [&s[..], &d[..], &[0, 0, ul[0], ul[1], 0, 0, 0, 17][..]].concat(),
            )
        }
        _ => unreachable!("checked by the caller"),
    };
    let udp = &f[udp_at..];
    assert_eq!(be16(udp, 0), ep.src_port);
    assert_eq!(be16(udp, 2), ep.dst_port);
    assert_eq!(be16(udp, 4), udp_len, "UDP length");
    assert_ne!(
        be16(udp, 6),
        0,
        "a zero UDP checksum means none; 0 must be sent as 0xffff"
    );
    assert_eq!(ones_sum(&[&pseudo, udp]), 0xffff, "UDP checksum");
    assert_eq!(&udp[8..], payload, "payload changed");
}
