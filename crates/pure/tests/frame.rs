//! Tests of `frame`: the Ethernet/IP/UDP frames of `netpoll_send_udp`.
//!
//! The expected packets were computed independently with Python's `struct` and a plain
//! RFC 1071 checksum:
//!
//! ```text
//! def csum(b):
//!     if len(b) % 2: b += b'\0'
//!     s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
//!     while s >> 16: s = (s & 0xffff) + (s >> 16)
//!     return ~s & 0xffff
//! udp = pack('!HHHH', sp, dp, ulen, csum(pseudo + pack('!HHHH', sp, dp, ulen, 0) + payload) or 0xffff)
//! v4: pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, ident, 0, 64, 17, csum, sip, dip)
//! v6: pack('!IHBB16s16s', 0x60000000, ulen, 17, 32, sip, dip)
//! ```

use netconsole_pure::addr::IpAddr;
use netconsole_pure::frame::{
    build_frame, header_len, internet_checksum, write_headers, Endpoints, FrameError, ETH_HLEN,
};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ip(s: &str) -> IpAddr {
    match s.parse::<std::net::IpAddr>().unwrap() {
        std::net::IpAddr::V4(a) => IpAddr::V4(a.octets()),
        std::net::IpAddr::V6(a) => IpAddr::V6(a.octets()),
    }
}

const SRC_MAC: [u8; 6] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
const DST_MAC: [u8; 6] = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];

fn ep(src: &str, dst: &str) -> Endpoints {
    Endpoints {
        src_mac: SRC_MAC,
        dst_mac: DST_MAC,
        src_ip: ip(src),
        dst_ip: ip(dst),
        src_port: 6665,
        dst_port: 6666,
    }
}

/// An independent one's-complement check: a correct header sums to 0xffff.
fn ones_sum(parts: &[&[u8]]) -> u16 {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p);
    }
    if bytes.len() % 2 == 1 {
        bytes.push(0);
    }
    let mut s: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(c[0]) << 8 | u32::from(c[1]))
        .sum();
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// Checks lengths and checksums of any frame with the independent routine.
fn verify(frame: &[u8], payload: &[u8]) {
    let v6 = frame[12..14] == [0x86, 0xdd];
    let udp_at = header_len(v6) - 8;
    let udp = &frame[udp_at..];
    let ulen = u16::from_be_bytes([udp[4], udp[5]]) as usize;
    assert_eq!(ulen, 8 + payload.len());
    assert_eq!(&udp[8..], payload);
    assert_ne!(udp[6..8], [0, 0], "UDP checksum is always set");
    let ul = (ulen as u16).to_be_bytes();
    if v6 {
        let ip6 = &frame[ETH_HLEN..ETH_HLEN + 40];
        assert_eq!(ip6[..4], [0x60, 0, 0, 0]);
        assert_eq!(ip6[4..6], ul);
        assert_eq!(ip6[6], 17);
        assert_eq!(ip6[7], 32);
        let pseudo = [&ip6[8..40], &[0, 0], &ul[..], &[0, 0, 0, 17]].concat();
        assert_eq!(ones_sum(&[&pseudo, udp]), 0xffff);
    } else {
        let ip4 = &frame[ETH_HLEN..ETH_HLEN + 20];
        assert_eq!(ip4[0], 0x45);
        assert_eq!(ip4[1], 0);
        assert_eq!(u16::from_be_bytes([ip4[2], ip4[3]]) as usize, 20 + ulen);
        assert_eq!(ip4[6..8], [0, 0], "no DF, no fragment offset");
        assert_eq!(ip4[8], 64);
        assert_eq!(ip4[9], 17);
        assert_eq!(ones_sum(&[ip4]), 0xffff);
        let pseudo = [&ip4[12..20], &[0, 17], &ul[..]].concat();
        assert_eq!(ones_sum(&[&pseudo, udp]), 0xffff);
    }
}

#[test]
fn header_lengths() {
    assert_eq!(header_len(false), 42);
    assert_eq!(header_len(true), 62);
}

#[test]
fn ipv4_known_packet() {
    let payload = b"hello netconsole\n"; // 17 bytes: odd length
    let mut buf = [0u8; 1600];
    let n = build_frame(&mut buf, &ep("192.0.2.1", "192.0.2.2"), 0x1234, payload).unwrap();
    let want = hex(
        "525400abcdef52540012345608004500002d123400004011e488c0000201c00002021a091a0a0019c7a6\
         68656c6c6f206e6574636f6e736f6c650a",
    );
    assert_eq!(&buf[..n], &want[..]);
    verify(&buf[..n], payload);
}

#[test]
fn ipv6_known_packets() {
    let payload = b"6,1,2,-;hi\n"; // 11 bytes: odd length
    let mut buf = [0u8; 1600];
    let n = build_frame(&mut buf, &ep("2001:db8::1", "2001:db8::2"), 0x1234, payload).unwrap();
    let want = hex(
        "525400abcdef52540012345686dd600000000013112020010db8000000000000000000000001\
         20010db80000000000000000000000021a091a0a00133717362c312c322c2d3b68690a",
    );
    assert_eq!(&buf[..n], &want[..]);
    verify(&buf[..n], payload);

    let e = Endpoints {
        dst_mac: [0xff; 6],
        ..ep("fe80::5054:ff:fe12:3456", "ff02::1")
    };
    let n = build_frame(&mut buf, &e, 0, b"even").unwrap();
    let want = hex(
        "ffffffffffff52540012345686dd60000000000c1120fe80000000000000505400fffe123456\
         ff0200000000000000000000000000011a091a0a000c7f9d6576656e",
    );
    assert_eq!(&buf[..n], &want[..]);
}

#[test]
fn zero_checksum_is_sent_as_ffff() {
    // Python: the 2-byte payload 0x47c3 makes the UDP checksum compute to 0.
    let mut buf = [0u8; 64];
    let n = build_frame(&mut buf, &ep("192.0.2.1", "192.0.2.2"), 1, &[0x47, 0xc3]).unwrap();
    let want = hex(
        "525400abcdef52540012345608004500001e000100004011f6cac0000201c00002021a091a0a000affff47c3",
    );
    assert_eq!(&buf[..n], &want[..]);
    assert_eq!(buf[40..42], [0xff, 0xff]);

    // And the same found by search for IPv6, checked with the independent routine: with the
    // checksum field 0xffff the sum is still 0xffff, i.e. a computed 0 became 0xffff.
    let e = ep("2001:db8::1", "2001:db8::2");
    let mut found = false;
    for p in 0..=0xffffu16 {
        let payload = p.to_be_bytes();
        let n = build_frame(&mut buf, &e, 0, &payload).unwrap();
        let udp = &buf[62 - 8..n];
        if udp[6..8] == [0xff, 0xff] {
            let mut zeroed = udp.to_vec();
            zeroed[6] = 0;
            zeroed[7] = 0;
            let ul = [0, 10];
            let pseudo = [&buf[22..54], &[0, 0], &ul[..], &[0, 0, 0, 17]].concat();
            if ones_sum(&[&pseudo, &zeroed]) == 0xffff {
                found = true;
                verify(&buf[..n], &payload);
                break;
            }
        }
    }
    assert!(found);
}

#[test]
fn write_headers_in_place() {
    let payload = b"odd";
    let mut frame = vec![0xaau8; header_len(false) + payload.len()];
    frame[42..].copy_from_slice(payload);
    write_headers(&mut frame, &ep("10.0.0.1", "10.0.0.2"), 7).unwrap();
    assert_eq!(frame[..6], DST_MAC);
    assert_eq!(frame[6..12], SRC_MAC);
    assert_eq!(frame[12..14], [0x08, 0x00]);
    assert_eq!(frame[18..20], [0, 7], "IP ID in network order");
    verify(&frame, payload);
}

#[test]
fn payload_sizes_and_limits() {
    let mut buf = vec![0u8; 70_000];
    for len in [0usize, 1, 2, 999, 1000, 1001, 1459, 1460, 65_507] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        for e in [ep("192.0.2.1", "192.0.2.2"), ep("::1", "::2")] {
            let r = build_frame(&mut buf, &e, 0xffff, &payload);
            if e.is_v6() || len <= 65_507 {
                let n = r.unwrap();
                assert_eq!(n, header_len(e.is_v6()) + len);
                verify(&buf[..n], &payload);
            }
        }
    }
    // IPv4 total length would exceed 65535.
    let payload = vec![0u8; 65_508];
    assert_eq!(
        build_frame(&mut buf, &ep("192.0.2.1", "192.0.2.2"), 0, &payload),
        Err(FrameError::TooLong)
    );
    // IPv6 payload length (UDP length) would exceed 65535.
    let payload = vec![0u8; 65_528];
    assert_eq!(
        build_frame(&mut buf, &ep("::1", "::2"), 0, &payload),
        Err(FrameError::TooLong)
    );
    assert!(build_frame(&mut buf, &ep("::1", "::2"), 0, &payload[..65_527]).is_ok());
}

#[test]
fn errors() {
    let mut small = [0u8; 45];
    assert_eq!(
        build_frame(&mut small, &ep("192.0.2.1", "192.0.2.2"), 0, b"abcd"),
        Err(FrameError::BufferTooSmall)
    );
    assert_eq!(
        build_frame(&mut small, &ep("192.0.2.1", "192.0.2.2"), 0, b"abc"),
        Ok(45)
    );
    assert_eq!(
        write_headers(&mut small[..41], &ep("192.0.2.1", "192.0.2.2"), 0),
        Err(FrameError::BufferTooSmall)
    );
    let mut buf = [0u8; 128];
    assert_eq!(
        build_frame(&mut buf, &ep("192.0.2.1", "::2"), 0, b"x"),
        Err(FrameError::FamilyMismatch)
    );
    assert_eq!(
        write_headers(&mut buf, &ep("::1", "192.0.2.2"), 0),
        Err(FrameError::FamilyMismatch)
    );
}

#[test]
fn checksum_routine() {
    // RFC 1071 example: 0001 f203 f4f5 f6f7 sums to 0xddf2.
    assert_eq!(
        internet_checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
        !0xddf2
    );
    assert_eq!(internet_checksum(&[]), 0xffff);
    assert_eq!(internet_checksum(&[0xff]), 0x00ff);
    // Many carries.
    let big = vec![0xffu8; 65_536];
    assert_eq!(internet_checksum(&big), 0);
}
