//! Tests of `option`: the `netconsole=` target syntax, as `alloc_param_target` +
//! `netpoll_parse_options` accept it. Expected error offsets and texts are what the C code
//! prints in `couldn't parse config at '<rest>'!` (checked against a userspace copy of the
//! Linux 6.12 functions).

use std::net::{Ipv4Addr, Ipv6Addr};

use netconsole_pure::addr::IpAddr;
use netconsole_pure::option::{
    cmdline_name, parse_target, parse_target_with, split_targets, Device, ParseError,
    TargetOptions, DEFAULT_LOCAL_PORT, DEFAULT_REMOTE_PORT, IFNAMSIZ,
};

fn v4(s: &str) -> Option<IpAddr> {
    Some(IpAddr::V4(s.parse::<Ipv4Addr>().unwrap().octets()))
}

fn v6(s: &str) -> Option<IpAddr> {
    Some(IpAddr::V6(s.parse::<Ipv6Addr>().unwrap().octets()))
}

fn ok(s: &str) -> TargetOptions {
    match parse_target(s.as_bytes()) {
        Ok(o) => o,
        Err(e) => panic!("{s:?}: {e:?}"),
    }
}

/// Asserts that `s` fails where C says, printing `rest`, with or without the whitespace warning.
fn fails_at(s: &str, offset: usize, rest: &str, whitespace: bool) {
    let e = parse_target(s.as_bytes()).expect_err(s);
    assert_eq!(e, ParseError::At { offset }, "{s:?}");
    assert_eq!(e.rest(s.as_bytes()), rest.as_bytes(), "{s:?}");
    assert_eq!(e.whitespace_warning(s.as_bytes()), whitespace, "{s:?}");
}

fn eth(name: &str) -> Device {
    Device::from_name(name.as_bytes())
}

#[test]
fn defaults() {
    let d = TargetOptions::default();
    assert!(!d.extended && !d.release);
    assert_eq!(d.local_port, 6665);
    assert_eq!(d.remote_port, 6666);
    assert_eq!(DEFAULT_LOCAL_PORT, 6665);
    assert_eq!(DEFAULT_REMOTE_PORT, 6666);
    assert_eq!(d.dev.name(), Some(&b"eth0"[..]));
    assert_eq!(d.dev.mac(), None);
    assert_eq!(d.remote_mac, [0xff; 6]);
    assert_eq!((d.local_ip, d.remote_ip), (None, None));
}

#[test]
fn every_field_omitted() {
    let o = ok("@/,@192.0.2.2/");
    assert_eq!(
        o,
        TargetOptions {
            remote_ip: v4("192.0.2.2"),
            ..TargetOptions::default()
        }
    );
    assert!(!o.is_v6());
}

/// netpoll's `dev_mac` (printed in the banner): zero when the device field is omitted,
/// broadcast for a name, the address itself for a MAC (6.12.117 `netpoll_parse_options`).
#[test]
fn dev_mac_as_netpoll_keeps_it() {
    assert_eq!(ok("@/,@192.0.2.2/").dev_mac, [0; 6]);
    assert_eq!(ok("@/eth1,@192.0.2.2/").dev_mac, [0xff; 6]);
    assert_eq!(
        ok("@/02:00:00:00:00:01,@192.0.2.2/").dev_mac,
        [2, 0, 0, 0, 0, 1]
    );
}

#[test]
fn full_form() {
    let o = ok("6665@192.0.2.1/eth1,6666@192.0.2.2/00:11:22:33:44:55");
    assert_eq!(
        o,
        TargetOptions {
            extended: false,
            release: false,
            local_port: 6665,
            remote_port: 6666,
            local_ip: v4("192.0.2.1"),
            remote_ip: v4("192.0.2.2"),
            dev: eth("eth1"),
            dev_mac: [0xff; 6],
            remote_mac: [0, 0x11, 0x22, 0x33, 0x44, 0x55],
        }
    );
    let o = ok("4444@10.0.0.1/wlan0,9353@10.0.0.2/12:34:56:78:9a:bc");
    assert_eq!((o.local_port, o.remote_port), (4444, 9353));
    assert_eq!(o.dev.name(), Some(&b"wlan0"[..]));
    assert_eq!(o.remote_mac, [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);
}

#[test]
fn extended_and_release_flags() {
    let o = ok("+@/,@192.0.2.2/");
    assert!(o.extended && !o.release);
    let o = ok("+r@/,@192.0.2.2/");
    assert!(o.extended && o.release);
    let o = ok("+r6665@192.0.2.1/eth0,6666@192.0.2.2/");
    assert!(o.extended && o.release);
    assert_eq!(
        parse_target(b"r@/,@192.0.2.2/"),
        Err(ParseError::ReleaseNeedsExtended)
    );
    assert_eq!(parse_target(b"r"), Err(ParseError::ReleaseNeedsExtended));
    assert_eq!(
        parse_target(b"r+@/,@192.0.2.2/"),
        Err(ParseError::ReleaseNeedsExtended)
    );
    let e = ParseError::ReleaseNeedsExtended;
    assert_eq!(e.rest(b"r@/,@192.0.2.2/"), b"");
    assert!(!e.whitespace_warning(b"r@/,@192.0.2.2/"));
    // With CONFIG_NETCONSOLE_EXTENDED_LOG the default is extended, and `r` alone works.
    let base = TargetOptions {
        extended: true,
        ..TargetOptions::default()
    };
    let o = parse_target_with(b"r@/,@192.0.2.2/", base).unwrap();
    assert!(o.extended && o.release);
    // A second `+` is taken by kstrtou16 as the port's sign.
    let o = ok("++6@/,@192.0.2.2/");
    assert!(o.extended);
    assert_eq!(o.local_port, 6);
    // Prefix only: the options after it are empty.
    fails_at("+", 1, "", false);
    fails_at("+r", 2, "", false);
    fails_at("", 0, "", false);
    // The prefix is counted in offsets.
    fails_at("+r6665@192.0.2.1/eth0", 17, "eth0", false);
}

#[test]
fn ipv6_targets() {
    let o = ok("@/,@::1/");
    assert_eq!(o.remote_ip, v6("::1"));
    assert!(o.is_v6());
    let o = ok("@fe80::1/,@fe80::2/");
    assert_eq!((o.local_ip, o.remote_ip), (v6("fe80::1"), v6("fe80::2")));
    let o = ok("@::ffff:1.2.3.4/,@::1/");
    assert_eq!(o.local_ip, v6("::ffff:1.2.3.4"));
    let o = ok("6665@1:2:3:4:5:6:7:8/eth0,6666@::/ff:ff:ff:ff:ff:fe");
    assert_eq!(o.local_ip, v6("1:2:3:4:5:6:7:8"));
    assert_eq!(o.remote_ip, v6("::"));
    assert_eq!(o.remote_mac, [0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    fails_at("@/eth0,@1:::2/", 8, "1:::2", false);
    fails_at("@/,@fe80::1%eth0/", 4, "fe80::1%eth0", false);
    fails_at("@1:2:3:4:5:6:7/,@::1/", 1, "1:2:3:4:5:6:7", false);
}

#[test]
fn family_mismatch() {
    fails_at("@192.0.2.1/,@::1/", 13, "::1", false);
    fails_at("@::1/,@192.0.2.1/", 7, "192.0.2.1", false);
}

#[test]
fn missing_or_bad_target_ip() {
    fails_at("@/,@/", 4, "", false);
    fails_at("@/,@", 4, "", false);
    fails_at("6665@192.0.2.1/eth0,6666@", 25, "", false);
    fails_at("6665@192.0.2.1/eth0,6666@192.0.2.2", 25, "192.0.2.2", false);
    fails_at("@/,@192.0.2.256/", 4, "192.0.2.256", false);
    fails_at("@192.0.2.256/,@192.0.2.2/", 1, "192.0.2.256", false);
    // Missing delimiters: C points at the field and prints the rest of the string.
    fails_at("6665@192.0.2.1/eth0", 15, "eth0", false);
    fails_at("6665@192.0.2.1", 5, "192.0.2.1", false);
    fails_at("6665", 0, "6665", false);
}

#[test]
fn device_names() {
    // strscpy into char[IFNAMSIZ]: 15 bytes kept.
    let o = ok("@/averyveryverylongname,@192.0.2.2/");
    assert_eq!(o.dev.name(), Some(&b"averyveryverylo"[..]));
    let o = ok("@/exactly15chars_,@192.0.2.2/");
    assert_eq!(o.dev.name(), Some(&b"exactly15chars_"[..]));
    let o = ok("@/exactly16chars__,@192.0.2.2/");
    assert_eq!(o.dev.name(), Some(&b"exactly16chars_"[..]));
    assert_eq!(o.dev.name().unwrap().len(), IFNAMSIZ - 1);
    // Any bytes without ':' are a name.
    let o = ok("@/e\u{e9}th-0.1,@192.0.2.2/");
    assert_eq!(o.dev.name(), Some("e\u{e9}th-0.1".as_bytes()));
}

#[test]
fn device_bound_by_mac() {
    let o = ok("@/00:11:22:33:44:55,@192.0.2.2/");
    assert_eq!(o.dev, Device::Mac([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
    assert_eq!(o.dev.name(), None);
    assert_eq!(o.dev.mac(), Some([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
    // A ':' makes it a MAC, and then it must be one.
    fails_at("@/00:11:22:33:44,@192.0.2.2/", 2, "00:11:22:33:44", false);
    fails_at("@/eth0:1,@192.0.2.2/", 2, "eth0:1", false);
    // mac_pton ignores what follows the first 17 characters.
    let o = ok("@/00:11:22:33:44:55:66,@192.0.2.2/");
    assert_eq!(o.dev, Device::Mac([0, 0x11, 0x22, 0x33, 0x44, 0x55]));
}

#[test]
fn remote_mac() {
    fails_at("@/,@192.0.2.2/00:11:22:33:44", 14, "00:11:22:33:44", false);
    fails_at(
        "@/,@192.0.2.2/00:11:22:33:44:zz",
        14,
        "00:11:22:33:44:zz",
        false,
    );
    fails_at(
        "@/,@192.0.2.2/00-11-22-33-44-55",
        14,
        "00-11-22-33-44-55",
        false,
    );
    fails_at("@/,@192.0.2.2/\n", 14, "\n", false);
    let o = ok("@/,@192.0.2.2/ff:ff:ff:ff:ff:ff:trailing");
    assert_eq!(o.remote_mac, [0xff; 6]);
    let o = ok("@/,@192.0.2.2/AA:bb:CC:dd:EE:ff");
    assert_eq!(o.remote_mac, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
}

#[test]
fn ports() {
    fails_at("70000@/,@192.0.2.2/", 0, "70000", false);
    fails_at("-1@/,@192.0.2.2/", 0, "-1", false);
    fails_at("0x10@/,@192.0.2.2/", 0, "0x10", false);
    fails_at("@/,70000@192.0.2.2/", 3, "70000", false);
    fails_at("@/,-1@192.0.2.2/", 3, "-1", false);
    fails_at("@/,0x10@192.0.2.2/", 3, "0x10", false);
    fails_at(
        "@/,99999999999999999999999@192.0.2.2/",
        3,
        "99999999999999999999999",
        false,
    );
    assert_eq!(ok("@/,65535@192.0.2.2/").remote_port, 65535);
    assert_eq!(ok("0@/,0@192.0.2.2/").local_port, 0);
    assert_eq!(ok("+6@/,@192.0.2.2/").local_port, 6);
    assert_eq!(ok("6665\n@/,@192.0.2.2/").local_port, 6665);
    assert_eq!(ok("007@/,@192.0.2.2/").local_port, 7);
    // Empty ports are the defaults.
    let o = ok("@/eth0,@192.0.2.2/");
    assert_eq!((o.local_port, o.remote_port), (6665, 6666));
}

#[test]
fn whitespace_before_ports() {
    // C warns "whitespace is not allowed" for the remote port only; both fail.
    fails_at("@/, 6666@192.0.2.2/", 3, " 6666", true);
    fails_at("@/,\t6666@192.0.2.2/", 3, "\t6666", true);
    fails_at(" 6665@/,@192.0.2.2/", 0, " 6665", false);
    fails_at("@/,6666 @192.0.2.2/", 3, "6666 ", false);
    // Whitespace anywhere else is part of a field and fails there.
    fails_at("@ 192.0.2.1/,@192.0.2.2/", 1, " 192.0.2.1", false);
    fails_at("@/,@ 192.0.2.2/", 4, " 192.0.2.2", false);
}

#[test]
fn input_is_a_c_string() {
    let o = parse_target(b"@/,@192.0.2.2/\0garbage").unwrap();
    assert_eq!(o.remote_ip, v4("192.0.2.2"));
    let e = parse_target(b"@/,@192.0\0.2.2/").unwrap_err();
    assert_eq!(e, ParseError::At { offset: 4 });
    assert_eq!(e.rest(b"@/,@192.0\0.2.2/"), b"192.0");
}

#[test]
fn split_several_targets() {
    let p = b"@/,@192.0.2.2/;+@/eth1,@192.0.2.3/";
    let t: Vec<&[u8]> = split_targets(p).collect();
    assert_eq!(t, [&b"@/,@192.0.2.2/"[..], b"+@/eth1,@192.0.2.3/"]);

    // strsep keeps empty pieces: leading, doubled and trailing separators.
    let p = b";@/,@192.0.2.2/;;bad;+r@/,@::1/;";
    let t: Vec<&[u8]> = split_targets(p).collect();
    assert_eq!(
        t,
        [&b""[..], b"@/,@192.0.2.2/", b"", b"bad", b"+r@/,@::1/", b""]
    );

    // init_netconsole names targets cmdline0.. counting only those that parse.
    let mut names = Vec::new();
    let mut count = 0u32;
    for target in split_targets(p) {
        match parse_target(target) {
            Ok(_) => {
                let mut buf = [0u8; IFNAMSIZ];
                names.push(String::from_utf8(cmdline_name(count, &mut buf).to_vec()).unwrap());
                count += 1;
            }
            Err(e) => assert!(matches!(e, ParseError::At { offset: 0 })),
        }
    }
    assert_eq!(names, ["cmdline0", "cmdline1"]);

    // An empty parameter has no targets (init_netconsole checks strnlen first).
    assert_eq!(split_targets(b"").count(), 0);
    assert_eq!(split_targets(b"\0;;").count(), 0);
    assert_eq!(split_targets(b";").count(), 2);
    assert_eq!(split_targets(b"x").count(), 1);
}

#[test]
fn cmdline_names() {
    let mut buf = [0u8; IFNAMSIZ];
    assert_eq!(cmdline_name(0, &mut buf), b"cmdline0");
    assert_eq!(cmdline_name(42, &mut buf), b"cmdline42");
    // snprintf into char[16] keeps 15 characters.
    assert_eq!(cmdline_name(u32::MAX, &mut buf), b"cmdline42949672");
}

#[test]
fn parser_never_panics_on_noise() {
    let alphabet = b"0123456789abcdef:./ ,@;+-r\n\t\0\xff";
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..100_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 64) as usize;
        let mut s = Vec::with_capacity(len);
        let mut x = state;
        for _ in 0..len {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(alphabet[(x >> 33) as usize % alphabet.len()]);
        }
        match parse_target(&s) {
            Ok(o) => assert!(o.remote_ip.is_some()),
            Err(e @ ParseError::At { offset }) => {
                assert!(offset <= s.len());
                let rest = e.rest(&s);
                assert!(s[offset..].starts_with(rest));
            }
            Err(ParseError::ReleaseNeedsExtended) => assert_eq!(s.first(), Some(&b'r')),
        }
    }
}
