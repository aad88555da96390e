// SPDX-License-Identifier: GPL-2.0

//! Differential tests: `netconsole-pure`'s parsers against the kernel's own C functions
//! (copied from the Linux 6.12 sources by `build.rs`), on edge cases and many generated inputs.
//! Compared: results, parsed values, C's `end` offsets, the parse error's position, the text C
//! prints with it and the whitespace warning.

/// Fails, with the reason and what to do, when the C sources were not available at build time.
#[test]
fn c_sources_present() {
    if let Some(why) = netconsole_cdiff::MISSING {
        panic!("the C side of the differential tests could not be built: {why}");
    }
}

#[cfg(not(cdiff_no_source))]
mod diff {
    use netconsole_cdiff::c;
    use netconsole_cdiff::compare::{self, TargetOutcome};
    use netconsole_pure::addr::IpAddr;

    use netconsole_testkit::Rng;

    /// Deterministic inputs: `CDIFF_SEED` picks another stream and `CDIFF_ROUNDS` scales the
    /// counts (for long runs by hand).
    fn rng(salt: u64) -> Rng {
        let seed = std::env::var("CDIFF_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x6e63_6469_6666u64);
        Rng::new((seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
    }

    /// Input shapes on top of the shared generator.
    trait Inputs {
        /// Up to `max` bytes from `alphabet`.
        fn text_upto(&mut self, alphabet: &[u8], max: usize) -> Vec<u8>;
        /// A few random edits: replace, insert, delete, duplicate a span.
        fn mutate(&mut self, s: &mut Vec<u8>, alphabet: &[u8]);
    }

    impl Inputs for Rng {
        fn text_upto(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
            let n = self.below(max + 1);
            self.text(alphabet, n)
        }
        fn mutate(&mut self, s: &mut Vec<u8>, alphabet: &[u8]) {
            for _ in 0..=self.below(3) {
                let at = self.below(s.len() + 1);
                match self.below(5) {
                    0 if at < s.len() => s[at] = *self.pick(alphabet),
                    1 => s.insert(at, *self.pick(alphabet)),
                    2 if at < s.len() => {
                        s.remove(at);
                    }
                    3 if at < s.len() => {
                        let end = (at + 1 + self.below(6)).min(s.len());
                        let span = s[at..end].to_vec();
                        s.splice(at..at, span);
                    }
                    _ => s.insert(at, self.below(256) as u8),
                }
            }
        }
    }

    fn rounds(n: usize) -> usize {
        let scale = std::env::var("CDIFF_ROUNDS")
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(1);
        n * scale
    }

    const IP_ALPHABET: &[u8] = b"0123456789abcdefABCDEF:.:.::..xg /\n\0\xff";

    fn hex_word(r: &mut Rng) -> String {
        let w = match r.below(4) {
            0 => 0,
            1 => r.below(16),
            2 => 0xffff,
            _ => r.below(0x10000),
        };
        match r.below(4) {
            0 => format!("{w:04x}"),
            1 => format!("{w:X}"),
            2 => format!("{w:0width$x}", width = 1 + r.below(7)),
            _ => format!("{w:x}"),
        }
    }

    fn octet(r: &mut Rng) -> String {
        let v = match r.below(12) {
            0 => 0,
            1 => 255,
            2 => 256,
            3 => r.below(1000),
            _ => r.below(256),
        };
        match r.below(5) {
            0 => format!("{v:03}"),
            1 => format!("{v:0width$}", width = 1 + r.below(8)),
            _ => v.to_string(),
        }
    }

    /// Mostly valid dotted quads, sometimes with a part too few or too many.
    fn ipv4_text(r: &mut Rng) -> Vec<u8> {
        let parts: usize = match r.below(12) {
            0 => 3,
            1 => 5,
            _ => 4,
        };
        (0..parts)
            .map(|_| octet(r))
            .collect::<Vec<_>>()
            .join(".")
            .into_bytes()
    }

    /// Mostly valid IPv6 text: 8 groups (or 6 and a dotted quad), often with a run of them
    /// compressed to `::`, sometimes a group too few or too many.
    fn ipv6_text(r: &mut Rng) -> Vec<u8> {
        let words: usize = match r.below(12) {
            0 => 7,
            1 => 9,
            _ => 8,
        };
        let mut parts: Vec<String> = (0..words).map(|_| hex_word(r)).collect();
        if r.chance(30) {
            // Dotted-quad tail in place of the last two groups.
            parts.truncate(words - 2);
            parts.push(String::from_utf8(ipv4_text(r)).expect("ascii"));
        }
        if r.chance(70) {
            // Compress a run (usually not empty) into `::`.
            let from = r.below(parts.len() + 1);
            let len = if r.chance(90) {
                1 + r.below(parts.len() - from + 1)
            } else {
                0
            };
            let to = (from + len).min(parts.len());
            let head = parts[..from].join(":");
            let tail = parts[to..].join(":");
            return format!("{head}::{tail}").into_bytes();
        }
        parts.join(":").into_bytes()
    }

    fn ip_text(r: &mut Rng) -> Vec<u8> {
        let mut s = match r.below(5) {
            0 => ipv4_text(r),
            1 => r.text_upto(IP_ALPHABET, 20),
            _ => ipv6_text(r),
        };
        if r.chance(40) {
            r.mutate(&mut s, IP_ALPHABET);
        }
        s
    }

    const IP_EDGES: &[&str] = &[
        "",
        "0",
        ".",
        ":",
        "::",
        ":::",
        "::1",
        "1::",
        "1::2::3",
        "1.2.3.4",
        "1.2.3.4.",
        ".1.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "255.255.255.255",
        "256.0.0.0",
        "1.2.3.256",
        "01.02.03.04",
        "0000000000001.2.3.4",
        "1..2.3",
        "1.2.3.4:",
        "1.2.3.4 ",
        "1.2.3.4a",
        "1.2.3.a",
        "::ffff:1.2.3.4",
        "::1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:2:3:4:5:1.2.3.4",
        "::1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7::",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "12345::",
        "00001::",
        "fe80::1%eth0",
        "FE80::ABCD",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "1:2:3:4:5:6::",
        "1::1.2.3.4",
        "1:2::3:4:5:6:7",
        ":1::",
        "1:::2",
        "::.1.2.3",
        "::1.2.3",
        "::1.2.3.4.5",
        "1:2:3:4:5:6:7:8 ",
        "1:2:3:4:5:6:1.2.3.4:",
        "::ffff:256.1.1.1",
        "1.2.3.4\n",
    ];

    fn ip_inputs(salt: u64, n: usize) -> impl Iterator<Item = Vec<u8>> {
        let mut r = rng(salt);
        IP_EDGES
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .chain((0..rounds(n)).map(move |_| ip_text(&mut r)))
    }

    #[test]
    fn in4_pton() {
        let ok = ip_inputs(1, 100_000)
            .filter(|s| compare::in4_pton(s))
            .count();
        assert!(ok > 1000, "only {ok} inputs parsed: the generator is off");
    }

    #[test]
    fn in6_pton() {
        let ok = ip_inputs(2, 200_000)
            .filter(|s| compare::in6_pton(s))
            .count();
        assert!(ok > 10_000, "only {ok} inputs parsed: the generator is off");
    }

    #[test]
    fn netpoll_parse_ip_addr() {
        let (mut v4, mut v6) = (0, 0);
        for s in ip_inputs(3, 200_000) {
            match compare::parse_ip(&s) {
                Some(IpAddr::V4(_)) => v4 += 1,
                Some(IpAddr::V6(_)) => v6 += 1,
                None => {}
            }
        }
        assert!(
            v4 > 1000 && v6 > 10_000,
            "{v4} IPv4 and {v6} IPv6 parsed: the generator is off"
        );
    }

    const MAC_ALPHABET: &[u8] = b"0123456789abcdefABCDEF::::-g \0\xff";

    #[test]
    fn mac_pton() {
        let mut r = rng(4);
        let edges: &[&[u8]] = &[
            b"",
            b"00:11:22:33:44:55",
            b"00:11:22:33:44:5",
            b"00:11:22:33:44:55:66",
            b"AA:bb:CC:dd:EE:ff",
            b"ff:ff:ff:ff:ff:ff\n",
            b"00-11-22-33-44-55",
            b"0:11:22:33:44:555",
            b"g0:11:22:33:44:55",
            b"00:11:22:33:44:\xff5",
            b"00:11:22:33:44:55\0junk",
        ];
        let mut ok = 0;
        let inputs = edges
            .iter()
            .map(|s| s.to_vec())
            .chain((0..rounds(200_000)).map(|_| {
                let mut s = if r.chance(70) {
                    let m: Vec<String> = (0..6).map(|_| format!("{:02x}", r.below(256))).collect();
                    let mut s = m.join(":").into_bytes();
                    if r.chance(50) {
                        s.make_ascii_uppercase();
                    }
                    s
                } else {
                    r.text_upto(MAC_ALPHABET, 20)
                };
                if r.chance(50) {
                    r.mutate(&mut s, MAC_ALPHABET);
                }
                s
            }));
        for s in inputs {
            ok += usize::from(compare::mac_pton(&s));
        }
        assert!(ok > 10_000, "only {ok} MACs parsed: the generator is off");
    }

    #[test]
    fn kstrtou16() {
        let mut r = rng(5);
        let edges: &[&str] = &[
            "",
            "+",
            "-",
            "0",
            "+0",
            "-0",
            "00000",
            "65535",
            "65536",
            "+65535",
            "65535\n",
            "65535\n\n",
            "\n",
            "+\n",
            "1 ",
            " 1",
            "0x10",
            "1a",
            "++1",
            "18446744073709551615",
            "18446744073709551616",
            "18446744073709551616x",
            "99999999999999999999",
            "000000000000000000000000000000065535",
            "184467440737095516150",
        ];
        const ALPHABET: &[u8] = b"0123456789+-\n x\0";
        let mut ok = 0;
        let inputs = edges
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .chain((0..rounds(200_000)).map(|_| {
                let mut s = match r.below(4) {
                    0 => r.below(70_000).to_string().into_bytes(),
                    1 => {
                        let digits = 15 + r.below(10);
                        (0..digits).map(|_| b'0' + r.below(10) as u8).collect()
                    }
                    2 => format!("+{}\n", r.below(70_000)).into_bytes(),
                    _ => r.text_upto(ALPHABET, 8),
                };
                if r.chance(30) {
                    r.mutate(&mut s, ALPHABET);
                }
                s
            }));
        for s in inputs {
            ok += usize::from(compare::kstrtou16(&s));
        }
        assert!(
            ok > 10_000,
            "only {ok} numbers parsed: the generator is off"
        );
    }

    const TARGET_ALPHABET: &[u8] = b"@/,:.+r \t;0123456789abcdef\0\xff";

    fn target_text(r: &mut Rng) -> Vec<u8> {
        let mut s = Vec::new();
        if r.chance(30) {
            s.push(b'+');
        }
        if r.chance(15) {
            s.push(b'r');
        }
        // Mostly valid fields, so that many targets parse; the bad ones exercise each error.
        let port = |r: &mut Rng| -> Vec<u8> {
            match r.below(20) {
                0..=7 => Vec::new(),
                8 => b" 6666".to_vec(),
                9 => b"65536".to_vec(),
                10 => b"+514\n".to_vec(),
                11 => b"\t1".to_vec(),
                _ => r.below(65_536).to_string().into_bytes(),
            }
        };
        let maybe_ip = |r: &mut Rng, v6: bool| -> Vec<u8> {
            match r.below(10) {
                0 => Vec::new(),
                1 => ip_text(r),
                _ if v6 => ipv6_text(r),
                _ => ipv4_text(r),
            }
        };
        let v6 = r.chance(40);
        s.extend(port(r));
        s.push(b'@');
        s.extend(maybe_ip(r, v6));
        s.push(b'/');
        match r.below(6) {
            0 | 1 => {}
            2 => s.extend_from_slice(b"00:11:22:33:44:55"),
            3 => s.extend_from_slice(b"averyveryverylongdevicename"),
            4 => s.extend(r.text_upto(b"abc0:@/", 6)),
            _ => {
                let names: [&[u8]; 4] = [b"eth0", b"enp0s3", b"br-lan", b"lo"];
                let name = *r.pick(&names);
                s.extend_from_slice(name);
            }
        }
        s.push(b',');
        s.extend(port(r));
        s.push(b'@');
        let remote = maybe_ip(r, v6);
        s.extend(remote);
        s.push(b'/');
        match r.below(5) {
            0 | 1 => {}
            2 => s.extend_from_slice(b"ff:ff:ff:ff:ff:ff"),
            3 => s.extend(r.text_upto(MAC_ALPHABET, 19)),
            _ => s.extend_from_slice(b"00:1B:21:0a:bc:DE"),
        }
        if r.chance(30) {
            r.mutate(&mut s, TARGET_ALPHABET);
        }
        s
    }

    const TARGET_EDGES: &[&str] = &[
        "",
        "@/,@1.2.3.4/",
        "+@/,@1.2.3.4/",
        "r@/,@1.2.3.4/",
        "+r@/,@1.2.3.4/",
        "rr@/,@1.2.3.4/",
        "++@/,@1.2.3.4/",
        "6665@10.0.0.1/eth0,6666@10.0.0.2/00:11:22:33:44:55",
        "@fe80::1/eth0,@fe80::2/",
        "@1.2.3.4/,@::1/",
        "@::1/,@1.2.3.4/",
        "@/,@1.2.3.4",
        "@/,@1.2.3.4/00:11",
        "@/, 6666@1.2.3.4/",
        "@/,\t6666@1.2.3.4/",
        "@/,\t@1.2.3.4/",
        "@/00:11:22:33:44:55,@1.2.3.4/",
        "@/00:11:22:33:44,@1.2.3.4/",
        "@/averyveryverylongdevicename,@1.2.3.4/",
        "65536@/,@1.2.3.4/",
        "@/,65536@1.2.3.4/",
        "@/,@/",
        "@",
        "@/",
        "@/,",
        "@/,@",
        "1.2.3.4",
        ",@/@",
        "@/,@1.2.3.4//",
        "@/,@1.2.3.4/00:11:22:33:44:55:66:77",
    ];

    #[test]
    fn netpoll_parse_options() {
        let mut r = rng(6);
        let (mut ok, mut at, mut ws) = (0, 0, 0);
        let inputs = TARGET_EDGES
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .chain((0..rounds(100_000)).map(|_| target_text(&mut r)));
        for s in inputs {
            for extended_default in [false, true] {
                match compare::target(&s, extended_default) {
                    TargetOutcome::Parsed => ok += 1,
                    TargetOutcome::ReleaseError => {}
                    TargetOutcome::ParseError { whitespace } => {
                        at += 1;
                        ws += usize::from(whitespace);
                    }
                }
            }
        }
        assert!(
            ok > 10_000 && at > 10_000 && ws > 100,
            "{ok} parsed, {at} errors, {ws} whitespace warnings: the generator is off"
        );
    }

    /// The harness really runs the kernel's code: a few known answers.
    #[test]
    fn c_known_answers() {
        assert!(std::path::Path::new(c::SOURCE).is_dir(), "{}", c::SOURCE);
        assert_eq!(c::in4_pton(b"10.1.2.3", true), (true, [10, 1, 2, 3], 8));
        assert_eq!(c::kstrtou16(b"+6666\n"), Ok(6666));
        assert_eq!(c::kstrtou16(b"65536"), Err(-34));
        assert_eq!(c::kstrtou16(b"x"), Err(-22));
        assert_eq!(
            c::mac_pton(b"00:11:22:33:44:55"),
            Some([0, 0x11, 0x22, 0x33, 0x44, 0x55])
        );
        let t = c::parse_target(b"+r@/,@::1/", false).expect("parses");
        assert!(t.extended && t.release && t.ipv6);
        assert_eq!(t.dev_name, b"eth0");
        match c::parse_target(b"@/, 1@x/", false) {
            Err(c::TargetError::At {
                offset,
                text,
                whitespace,
            }) => {
                assert_eq!((offset, text.as_slice(), whitespace), (3, &b" 1"[..], true));
            }
            other => panic!("{other:?}"),
        }
    }
}
