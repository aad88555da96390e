//! Tests of `addr`: `in4_pton`/`in6_pton`/`netpoll_parse_ip_addr`, `mac_pton`, `kstrtou16`
//! and `%pI4`/`%pI6c`/`%pM` formatting.

use std::net::{Ipv4Addr, Ipv6Addr};

use netconsole_pure::addr::{
    format_ip, format_mac, in4_pton, in6_pton, parse_ip, parse_mac, parse_u16, Errno, IpAddr,
    MAX_IP_STR_LEN,
};

fn v4(s: &str) -> IpAddr {
    IpAddr::V4(s.parse::<Ipv4Addr>().unwrap().octets())
}

fn v6(s: &str) -> IpAddr {
    IpAddr::V6(s.parse::<Ipv6Addr>().unwrap().octets())
}

fn ip_str(a: &IpAddr) -> String {
    let mut buf = [0u8; 64];
    let n = format_ip(a, &mut buf);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

use netconsole_testkit::Rng;

#[test]
fn ipv4_valid() {
    assert_eq!(parse_ip(b"192.0.2.1"), Some(v4("192.0.2.1")));
    assert_eq!(parse_ip(b"0.0.0.0"), Some(v4("0.0.0.0")));
    assert_eq!(parse_ip(b"255.255.255.255"), Some(v4("255.255.255.255")));
    // Leading zeros: any number of them, still decimal.
    assert_eq!(parse_ip(b"010.001.0000000002.3"), Some(v4("10.1.2.3")));
    assert_eq!(parse_ip(b"00000000000000000001.2.3.4"), Some(v4("1.2.3.4")));
}

#[test]
fn ipv4_invalid() {
    for bad in [
        &b""[..],
        b"1.2.3",
        b"1.2.3.4.5",
        b"256.1.1.1",
        b"1.2.3.256",
        b"1..2.3",
        b".1.2.3.4",
        b"1.2.3.4.",
        b"1.2.3.4 ",
        b" 1.2.3.4",
        b"1.2.3.4\n",
        b"1.2.3.a",
        b"0x1.2.3.4",
        b"1.2.3.-4",
        b"1,2,3,4",
        b"1.2.3.4/24",
        b"1234",
    ] {
        assert_eq!(parse_ip(bad), None, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn in4_pton_end_pointer() {
    // `end` stops at the delimiter on success.
    assert_eq!(in4_pton(b"1.2.3.4 x"), (Some([1, 2, 3, 4]), 7));
    assert_eq!(in4_pton(b"1.2.3.4:80"), (Some([1, 2, 3, 4]), 7));
    // ... and where it went wrong on failure.
    assert_eq!(in4_pton(b"1.2.300.4"), (None, 6));
    assert_eq!(in4_pton(b"1.2.3"), (None, 5));
    assert_eq!(in4_pton(b"1.2.3.4.5"), (None, 7));
    assert_eq!(in4_pton(b"1.b.3.4"), (None, 2));
}

#[test]
fn ipv6_valid() {
    for s in [
        "::1",
        "::",
        "fe80::1",
        "2001:db8::2",
        "2001:db8:0:0:0:0:0:2",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "1:2:3:4:5:6:7:8",
        "1::",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1::8",
        "FE80::ABCD",
        "::ffff:1.2.3.4",
        "::1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "1::5:6:1.2.3.4",
        "64:ff9b::192.0.2.33",
    ] {
        assert_eq!(parse_ip(s.as_bytes()), Some(v6(s)), "{s}");
    }
    // Leading zeros beyond four digits are accepted by in6_pton.
    assert_eq!(parse_ip(b"::000001"), Some(v6("::1")));
    assert_eq!(parse_ip(b"0000000fe80::1"), Some(v6("fe80::1")));
    // The IPv4 part has in4_pton's leading-zero leniency too.
    assert_eq!(
        parse_ip(b"::ffff:001.002.003.004"),
        Some(v6("::ffff:1.2.3.4"))
    );
}

#[test]
fn ipv6_invalid() {
    for bad in [
        &b":"[..],
        b":::",
        b"1:::2",
        b"1::2::3",
        b":1::2",
        b"1::2:",
        b"1:2:3:4:5:6:7",
        b"1:2:3:4:5:6:7:8:9",
        b"1:2:3:4:5:6:7:8::",
        b"::1:2:3:4:5:6:7:8",
        b"12345::1",
        b"g::1",
        b"fe80::1%eth0",
        b"fe80::1 ",
        b"::1\n",
        b"[::1]",
        b"::ffff:1.2.3",
        b"::ffff:1.2.3.4.5",
        b"::ffff:256.2.3.4",
        b"::1.2.3.4:5",
        b"1.2.3.4::",
        b"1:2:3:4:5:6:7:1.2.3.4",
        b"::1a.2.3.4",
    ] {
        assert_eq!(parse_ip(bad), None, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn in6_pton_end_pointer() {
    assert_eq!(in6_pton(b"::1 rest"), (Some(v6_bytes("::1")), 3));
    assert_eq!(in6_pton(b"::1/64"), (Some(v6_bytes("::1")), 3));
    assert_eq!(
        in6_pton(b"::ffff:1.2.3.4\n"),
        (Some(v6_bytes("::ffff:1.2.3.4")), 14)
    );
    assert_eq!(in6_pton(b"1:::2").0, None);
    assert_eq!(in6_pton(b"").0, None);
}

fn v6_bytes(s: &str) -> [u8; 16] {
    s.parse::<Ipv6Addr>().unwrap().octets()
}

#[test]
fn parse_ip_stops_at_nul_like_c() {
    assert_eq!(parse_ip(b"1.2.3.4\0garbage"), Some(v4("1.2.3.4")));
    assert_eq!(parse_ip(b"::1\0:"), Some(v6("::1")));
    assert_eq!(parse_ip(b"\x001.2.3.4"), None);
}

#[test]
fn ipv6_random_roundtrip_against_std() {
    let mut rng = Rng::new(0x1234_5678_9abc_def1);
    for _ in 0..20_000 {
        let mut words = [0u16; 8];
        for w in &mut words {
            // Plenty of zero words so that `::` shows up in all positions.
            *w = match rng.below(3) {
                0 => 0,
                1 => rng.below(16) as u16,
                _ => rng.next_u64() as u16,
            };
        }
        let addr = Ipv6Addr::from(words);
        let text = addr.to_string();
        assert_eq!(
            parse_ip(text.as_bytes()),
            Some(IpAddr::V6(addr.octets())),
            "{text}"
        );
        // Full uncompressed form, upper case, with leading zeros.
        let full = words
            .iter()
            .map(|w| format!("{w:04X}"))
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(
            parse_ip(full.as_bytes()),
            Some(IpAddr::V6(addr.octets())),
            "{full}"
        );
        // Our own %pI6c output parses back.
        let ours = ip_str(&IpAddr::V6(addr.octets()));
        assert_eq!(
            parse_ip(ours.as_bytes()),
            Some(IpAddr::V6(addr.octets())),
            "{ours}"
        );
    }
}

#[test]
fn ipv4_random_roundtrip() {
    let mut rng = Rng::new(42);
    for _ in 0..10_000 {
        let o = (rng.next_u64() as u32).to_be_bytes();
        let a = Ipv4Addr::from(o);
        assert_eq!(parse_ip(a.to_string().as_bytes()), Some(IpAddr::V4(o)));
        assert_eq!(ip_str(&IpAddr::V4(o)), a.to_string());
    }
}

#[test]
fn format_ipv6_compressed() {
    for (s, want) in [
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("fe80::1", "fe80::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:0:0:1:0:0:0:0", "2001:0:0:1::"),
        ("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("2001:DB8:00AB:0F00::", "2001:db8:ab:f00::"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
        ("::ffff:0.0.0.0", "::ffff:0.0.0.0"),
        // IPv4-compatible (not mapped) is plain hex.
        ("::1.2.3.4", "::102:304"),
        // ISATAP addresses print their last 32 bits as a dotted quad.
        ("fe80::5efe:c000:201", "fe80::5efe:192.0.2.1"),
        ("fe80::200:5efe:c000:201", "fe80::200:5efe:192.0.2.1"),
        ("fe80::100:5efe:c000:201", "fe80::100:5efe:c000:201"),
    ] {
        assert_eq!(ip_str(&v6(s)), want, "{s}");
    }
}

#[test]
fn format_ipv6_matches_std_outside_isatap() {
    // std's Display follows RFC 5952 like %pI6c, except that it knows nothing about ISATAP.
    let mut rng = Rng::new(7);
    for _ in 0..20_000 {
        let mut words = [0u16; 8];
        for w in &mut words {
            *w = if rng.below(2) == 0 {
                0
            } else {
                rng.next_u64() as u16
            };
        }
        if rng.below(10) == 0 {
            words = [
                0,
                0,
                0,
                0,
                0,
                0xffff,
                rng.next_u64() as u16,
                rng.next_u64() as u16,
            ];
        }
        let a = Ipv6Addr::from(words);
        let o = a.octets();
        let isatap = (o[8] | 2) == 2 && o[9] == 0 && o[10] == 0x5e && o[11] == 0xfe;
        if isatap {
            continue;
        }
        assert_eq!(ip_str(&IpAddr::V6(o)), a.to_string());
    }
}

#[test]
fn format_ip_truncates_to_buffer() {
    let a = v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    let mut small = [0u8; 10];
    assert_eq!(format_ip(&a, &mut small), 10);
    assert_eq!(&small, b"ffff:ffff:");
    let longest = IpAddr::V6([
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0x5e, 0xfe, 255, 255, 255, 255,
    ]);
    let s = ip_str(&longest);
    assert_eq!(s, "ffff:ffff:ffff:ffff:200:5efe:255.255.255.255");
    assert!(s.len() <= MAX_IP_STR_LEN);
    let mut empty = [0u8; 0];
    assert_eq!(format_ip(&a, &mut empty), 0);
}

#[test]
fn mac_valid() {
    assert_eq!(
        parse_mac(b"00:11:22:aa:BB:cC"),
        Some([0, 0x11, 0x22, 0xaa, 0xbb, 0xcc])
    );
    assert_eq!(parse_mac(b"ff:ff:ff:ff:ff:ff"), Some([0xff; 6]));
    // mac_pton looks at the first 17 characters only.
    assert_eq!(
        parse_mac(b"00:11:22:33:44:55:66"),
        Some([0, 0x11, 0x22, 0x33, 0x44, 0x55])
    );
    assert_eq!(
        parse_mac(b"00:11:22:33:44:55\n"),
        Some([0, 0x11, 0x22, 0x33, 0x44, 0x55])
    );
}

#[test]
fn mac_invalid() {
    for bad in [
        &b""[..],
        b"00:11:22:33:44:5",
        b"0:11:22:33:44:55",
        b"00-11-22-33-44-55",
        b"00:11:22:33:44:5g",
        b"001122334455",
        b"00:11:22:33:44:55"[..16].as_ref(),
        b"00:11:22:33:44\x0055",
        b" 00:11:22:33:44:55",
        b"00:11:22:33:44::5",
    ] {
        assert_eq!(parse_mac(bad), None, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn mac_format() {
    let mut buf = [0u8; 17];
    assert_eq!(format_mac(&[0, 0x11, 0xab, 0xcd, 0xef, 0xff], &mut buf), 17);
    assert_eq!(&buf, b"00:11:ab:cd:ef:ff");
    let mut short = [0u8; 4];
    assert_eq!(format_mac(&[0xff; 6], &mut short), 4);
    assert_eq!(&short, b"ff:f");
}

#[test]
fn u16_kstrtou16() {
    assert_eq!(parse_u16(b"0"), Ok(0));
    assert_eq!(parse_u16(b"6665"), Ok(6665));
    assert_eq!(parse_u16(b"65535"), Ok(65535));
    assert_eq!(parse_u16(b"+6666"), Ok(6666));
    assert_eq!(parse_u16(b"6666\n"), Ok(6666));
    assert_eq!(parse_u16(b"000000000000000000000000000065535"), Ok(65535));
    assert_eq!(parse_u16(b"65536"), Err(Errno::Range));
    assert_eq!(parse_u16(b"70000"), Err(Errno::Range));
    assert_eq!(parse_u16(b"18446744073709551615"), Err(Errno::Range));
    assert_eq!(parse_u16(b"18446744073709551616"), Err(Errno::Range));
    // Overflow of the 64-bit accumulator wins over trailing garbage; a mere u16 overflow does not.
    assert_eq!(parse_u16(b"99999999999999999999x"), Err(Errno::Range));
    assert_eq!(parse_u16(b"70000x"), Err(Errno::Inval));
    for bad in [
        &b""[..],
        b"+",
        b"-1",
        b"-0",
        b"++1",
        b" 1",
        b"1 ",
        b"\t1",
        b"0x10",
        b"10h",
        b"1\n\n",
        b"\n",
        b"1e3",
    ] {
        assert_eq!(
            parse_u16(bad),
            Err(Errno::Inval),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    assert_eq!(parse_u16(b"12\0garbage"), Ok(12));
    assert_eq!(Errno::Inval.to_errno(), -22);
    assert_eq!(Errno::Range.to_errno(), -34);
}

#[test]
fn parsers_never_panic_on_noise() {
    let alphabet = b"0123456789abcdefABCDEFxg:./ ,@;+-\n\t\0\xff";
    let mut rng = Rng::new(99);
    for _ in 0..100_000 {
        let len = rng.below(48);
        let s: Vec<u8> = (0..len).map(|_| *rng.pick(alphabet)).collect();
        if let Some(a) = parse_ip(&s) {
            // Whatever parses prints to something that parses to the same address.
            let t = ip_str(&a);
            assert_eq!(parse_ip(t.as_bytes()), Some(a), "{s:?}");
        }
        let _ = parse_mac(&s);
        let _ = parse_u16(&s);
        let (_, e4) = in4_pton(&s);
        let (_, e6) = in6_pton(&s);
        assert!(e4 <= s.len() && e6 <= s.len());
    }
}
