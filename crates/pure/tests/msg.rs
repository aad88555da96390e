//! Tests of `msg`: basic chunks and extended messages (release prefix, userdata, sysdata,
//! `ncfrag` fragmentation), against a straightforward reference written from the spec.

use netconsole_pure::msg::{
    basic_chunks, extended_len, format_decimal, send_extended, MsgError, Sysdata, MAX_PRINT_CHUNK,
};

use netconsole_testkit::{oracle::sysdata_bytes, Rng};

/// Any bytes, including ';', NUL and non-UTF-8, may appear in the text.
const TEXT: &[u8] = b"abcdefghijklmnopqrstuvwxyz ,;=\n\0\xff";

/// The spec's section 5, written the obvious way with `Vec`s.
fn reference(
    record: &[u8],
    release: Option<&[u8]>,
    userdata: &[u8],
    sysdata: &Sysdata<'_>,
) -> Result<Vec<Vec<u8>>, MsgError> {
    let sys = sysdata_bytes(sysdata);
    let mut rel = Vec::new();
    if let Some(r) = release {
        rel.extend_from_slice(r);
        rel.push(b',');
    }
    let whole = [&rel[..], record, userdata, &sys].concat();
    if whole.len() <= MAX_PRINT_CHUNK {
        return Ok(vec![whole]);
    }
    let semi = record
        .iter()
        .position(|&b| b == b';')
        .ok_or(MsgError::NoHeader)?;
    let prefix = [&rel[..], &record[..semi]].concat();
    let payload = [&record[semi + 1..], userdata, &sys].concat();
    let total = payload.len();
    let mut out = Vec::new();
    let mut off = 0;
    while off < total {
        let mut d = prefix.clone();
        d.extend_from_slice(format!(",ncfrag={off}/{total};").as_bytes());
        if d.len() >= MAX_PRINT_CHUNK {
            return Err(MsgError::HeaderTooLong);
        }
        let n = (MAX_PRINT_CHUNK - d.len()).min(total - off);
        d.extend_from_slice(&payload[off..off + n]);
        out.push(d);
        off += n;
    }
    Ok(out)
}

fn run(
    record: &[u8],
    release: Option<&[u8]>,
    userdata: &[u8],
    sysdata: &Sysdata<'_>,
) -> (Result<usize, MsgError>, Vec<Vec<u8>>) {
    let mut scratch = [0u8; MAX_PRINT_CHUNK];
    let mut sent = Vec::new();
    let r = send_extended(&mut scratch, record, release, userdata, sysdata, |d| {
        sent.push(d.to_vec())
    });
    (r, sent)
}

/// Reassembles fragments by their `ncfrag` offsets; checks header, release and sizes.
fn reassemble(datagrams: &[Vec<u8>], prefix: &[u8]) -> Vec<u8> {
    let mut payload: Vec<Option<u8>> = Vec::new();
    let mut total_seen = None;
    for d in datagrams {
        assert!(d.len() <= MAX_PRINT_CHUNK);
        assert!(
            d.starts_with(prefix),
            "every fragment repeats release and header"
        );
        let rest = d[prefix.len()..].strip_prefix(b",ncfrag=").unwrap();
        let slash = rest.iter().position(|&b| b == b'/').unwrap();
        let semi = rest.iter().position(|&b| b == b';').unwrap();
        let off: usize = std::str::from_utf8(&rest[..slash])
            .unwrap()
            .parse()
            .unwrap();
        let total: usize = std::str::from_utf8(&rest[slash + 1..semi])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(*total_seen.get_or_insert(total), total);
        if payload.len() < total {
            payload.resize(total, None);
        }
        for (i, &b) in rest[semi + 1..].iter().enumerate() {
            assert!(payload[off + i].replace(b).is_none(), "fragments overlap");
        }
    }
    payload
        .into_iter()
        .map(|b| b.expect("hole in the reassembled payload"))
        .collect()
}

#[test]
fn basic_chunking() {
    for (len, want) in [
        (0usize, &[][..]),
        (1, &[1usize][..]),
        (999, &[999]),
        (1000, &[1000]),
        (1001, &[1000, 1]),
        (2000, &[1000, 1000]),
        (2001, &[1000, 1000, 1]),
    ] {
        let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let chunks: Vec<&[u8]> = basic_chunks(&msg).collect();
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, want, "len {len}");
        assert_eq!(chunks.concat(), msg);
    }
}

#[test]
fn decimal() {
    let mut buf = [0u8; 20];
    assert_eq!(format_decimal(0, &mut buf), b"0");
    assert_eq!(format_decimal(7, &mut buf), b"7");
    assert_eq!(format_decimal(1000, &mut buf), b"1000");
    assert_eq!(format_decimal(u64::MAX, &mut buf), b"18446744073709551615");
}

#[test]
fn sysdata_lines() {
    let s = Sysdata {
        cpu: Some(3),
        taskname: Some(b"kworker/u8:2"),
        release: Some(b"6.12.117-amd64"),
        msgid: Some(u32::MAX),
    };
    let want = b" cpu=3\n taskname=kworker/u8:2\n release=6.12.117-amd64\n msgid=4294967295\n";
    assert_eq!(s.len(), Some(want.len()));
    let mut out = [0u8; 200];
    assert_eq!(s.write(&mut out), Some(want.len()));
    assert_eq!(&out[..want.len()], want);
    assert_eq!(s.write(&mut out[..want.len() - 1]), None);
    assert!(!s.is_empty());

    let only_msgid = Sysdata {
        msgid: Some(1),
        ..Sysdata::default()
    };
    assert_eq!(only_msgid.write(&mut out), Some(9));
    assert_eq!(&out[..9], b" msgid=1\n");
    let only_cpu = Sysdata {
        cpu: Some(0),
        ..Sysdata::NONE
    };
    assert_eq!(only_cpu.write(&mut out), Some(7));
    assert_eq!(&out[..7], b" cpu=0\n");
    assert_eq!(Sysdata::NONE.len(), Some(0));
    assert!(Sysdata::NONE.is_empty());
    assert_eq!(Sysdata::NONE.write(&mut []), Some(0));
}

#[test]
fn small_message_is_one_datagram() {
    let record = b"6,42,1234567,-;hello\n";
    let (r, d) = run(record, None, b"", &Sysdata::NONE);
    assert_eq!(r, Ok(1));
    assert_eq!(d, [record.to_vec()]);

    let (r, d) = run(record, Some(b"6.12.0"), b" k=v\n", &Sysdata::NONE);
    assert_eq!(r, Ok(1));
    assert_eq!(d, [b"6.12.0,6,42,1234567,-;hello\n k=v\n".to_vec()]);

    let sys = Sysdata {
        cpu: Some(1),
        taskname: Some(b"sh"),
        release: None,
        msgid: Some(9),
    };
    let (r, d) = run(record, None, b" a=b\n", &sys);
    assert_eq!(r, Ok(1));
    assert_eq!(
        d,
        [b"6,42,1234567,-;hello\n a=b\n cpu=1\n taskname=sh\n msgid=9\n".to_vec()]
    );

    // Even an empty record is sent (C calls netpoll_send_udp with len 0).
    let (r, d) = run(b"", None, b"", &Sysdata::NONE);
    assert_eq!(r, Ok(1));
    assert_eq!(d, [Vec::<u8>::new()]);
}

#[test]
fn boundaries_without_release() {
    let header = b"6,42,1234567,-;";
    for total in [
        998usize, 999, 1000, 1001, 1002, 1999, 2000, 2001, 2002, 3000,
    ] {
        let mut record = header.to_vec();
        record.extend(std::iter::repeat_n(b'x', total - header.len()));
        let (r, d) = run(&record, None, b"", &Sysdata::NONE);
        assert_eq!(
            extended_len(&record, None, b"", &Sysdata::NONE),
            Some(total)
        );
        if total <= 1000 {
            // Exactly 1000 bytes is still one datagram, unfragmented.
            assert_eq!(r, Ok(1));
            assert_eq!(d, [record.clone()]);
        } else {
            let n = r.unwrap();
            assert_eq!(n, d.len());
            assert!(n >= 2);
            assert_eq!(reassemble(&d, b"6,42,1234567,-"), &record[header.len()..]);
            assert_eq!(d, reference(&record, None, b"", &Sysdata::NONE).unwrap());
            // All fragments but the last are full.
            for f in &d[..n - 1] {
                assert_eq!(f.len(), MAX_PRINT_CHUNK);
            }
        }
    }
}

#[test]
fn fragment_layout() {
    let mut record = b"4,7,99,c;".to_vec();
    record.extend(std::iter::repeat_n(b'a', 1000));
    let (r, d) = run(&record, Some(b"6.12.0"), b"", &Sysdata::NONE);
    assert_eq!(r, Ok(2));
    let first = b"6.12.0,4,7,99,c,ncfrag=0/1000;";
    assert!(d[0].starts_with(first));
    assert_eq!(d[0].len(), 1000);
    let second = format!("6.12.0,4,7,99,c,ncfrag={}/1000;", 1000 - first.len());
    assert_eq!(d[1], [second.as_bytes(), &[b'a'; 30][..]].concat());
}

#[test]
fn boundaries_with_release() {
    let rel = b"6.12.117-amd64";
    let header = b"6,1,0,-;";
    for total in [998usize, 999, 1000, 1001, 1002, 2000, 2001] {
        let text_len = total - rel.len() - 1 - header.len();
        let mut record = header.to_vec();
        record.extend(std::iter::repeat_n(b'y', text_len));
        let (r, d) = run(&record, Some(rel), b"", &Sysdata::NONE);
        if total <= 1000 {
            assert_eq!(r, Ok(1));
            assert_eq!(d, [[&rel[..], b",", &record].concat()]);
        } else {
            assert!(r.unwrap() >= 2);
            assert_eq!(
                reassemble(&d, b"6.12.117-amd64,6,1,0,-"),
                &record[header.len()..]
            );
        }
        assert_eq!(Ok(d), reference(&record, Some(rel), b"", &Sysdata::NONE));
    }
}

#[test]
fn userdata_and_sysdata_cross_fragments() {
    // 256 keys with values close to 200 bytes: about 55 KB of userdata.
    let mut userdata = Vec::new();
    for i in 0..256 {
        userdata.extend_from_slice(format!(" key{i:03}=").as_bytes());
        userdata.extend(std::iter::repeat_n(b'0' + (i % 10) as u8, 199 - i % 3));
        userdata.push(b'\n');
    }
    let sys = Sysdata {
        cpu: Some(4095),
        taskname: Some(b"swapper/0"),
        release: Some(b"6.12.117-amd64"),
        msgid: Some(12345),
    };
    let sys_bytes = sysdata_bytes(&sys);
    for text_len in [0usize, 1, 500, 980, 1000, 2500] {
        let mut record = b"6,77,123456789,-;".to_vec();
        record.extend(std::iter::repeat_n(b't', text_len));
        for release in [None, Some(&b"6.12.117-amd64"[..])] {
            let (r, d) = run(&record, release, &userdata, &sys);
            let n = r.unwrap();
            assert_eq!(n, d.len());
            let mut prefix = Vec::new();
            if let Some(rel) = release {
                prefix.extend_from_slice(rel);
                prefix.push(b',');
            }
            prefix.extend_from_slice(b"6,77,123456789,-");
            let want = [&record[17..], &userdata, &sys_bytes].concat();
            assert_eq!(reassemble(&d, &prefix), want);
            assert_eq!(Ok(d), reference(&record, release, &userdata, &sys));
        }
    }
}

#[test]
fn userdata_alone_crosses_the_limit() {
    // The record fits, but record + userdata does not: the userdata is fragmented too.
    let record = b"6,1,0,-;short\n".to_vec();
    let mut userdata = Vec::new();
    for i in 0..6 {
        userdata.extend_from_slice(format!(" k{i}=").as_bytes());
        userdata.extend(std::iter::repeat_n(b'v', 199));
        userdata.push(b'\n');
    }
    let (r, d) = run(&record, None, &userdata, &Sysdata::NONE);
    assert_eq!(r, Ok(2));
    assert_eq!(
        reassemble(&d, b"6,1,0,-"),
        [&b"short\n"[..], &userdata].concat()
    );
}

#[test]
fn no_header_is_an_error() {
    let record = vec![b'z'; 1001];
    let (r, d) = run(&record, None, b"", &Sysdata::NONE);
    assert_eq!(r, Err(MsgError::NoHeader));
    assert!(d.is_empty());
    // Only fragmentation needs the header.
    let (r, d) = run(&record[..1000], None, b"", &Sysdata::NONE);
    assert_eq!(r, Ok(1));
    assert_eq!(d.len(), 1);
    // With the sysdata pushing it over the limit.
    let sys = Sysdata {
        msgid: Some(1),
        ..Sysdata::NONE
    };
    let (r, d) = run(&record[..995], None, b"", &sys);
    assert_eq!(r, Err(MsgError::NoHeader));
    assert!(d.is_empty());
}

#[test]
fn header_too_long_is_an_error() {
    // release + header + ",ncfrag=0/N;" leave no room for the payload.
    for header_len in [980usize, 985, 988, 990, 999, 1000, 1500] {
        let mut record = vec![b'h'; header_len];
        record.push(b';');
        record.extend(std::iter::repeat_n(b'b', 100));
        let (r, d) = run(&record, None, b"", &Sysdata::NONE);
        // ",ncfrag=" + 3 digits + "/" + 3 digits + ";" = 16 bytes at most for N = 100.
        if header_len + 16 < MAX_PRINT_CHUNK {
            assert!(r.is_ok(), "{header_len}");
            assert_eq!(reassemble(&d, &record[..header_len]), vec![b'b'; 100]);
        } else {
            assert_eq!(r, Err(MsgError::HeaderTooLong), "{header_len}");
            assert!(d.is_empty());
        }
    }
    let record = [&[b'h'; 900][..], b";", &[b'b'; 200]].concat();
    let (r, d) = run(&record, Some(&[b'r'; 100]), b"", &Sysdata::NONE);
    assert_eq!(r, Err(MsgError::HeaderTooLong));
    assert!(d.is_empty());
}

#[test]
fn message_bytes_are_copied_verbatim() {
    // NULs and invalid UTF-8 in the record are data, not terminators.
    let record = b"6,1,0,-;a\0b\xff\xfec\n";
    let (r, d) = run(record, Some(b"rel"), b"", &Sysdata::NONE);
    assert_eq!(r, Ok(1));
    assert_eq!(d, [[&b"rel,"[..], record].concat()]);
}

#[test]
fn random_sizes_match_reference() {
    let mut rng = Rng::new(0xdead_beef_cafe_f00d);
    let mut fragmented = 0;
    for _ in 0..4000 {
        let header: Vec<u8> = match rng.below(4) {
            0 => b"6,123,4567890,-".to_vec(),
            1 => b"4,1,0,c".to_vec(),
            2 => Vec::new(),
            _ => {
                let n = rng.below(60);
                rng.text(TEXT, n)
                    .into_iter()
                    .filter(|&b| b != b';')
                    .collect()
            }
        };
        let release: Option<Vec<u8>> = match rng.below(3) {
            0 => None,
            1 => Some(b"6.12.117-amd64".to_vec()),
            _ => {
                let n = rng.below(65);
                Some(rng.text(TEXT, n))
            }
        };
        let mut userdata = Vec::new();
        for k in 0..[0, 0, 1, 3, 16, 40][rng.below(6)] {
            userdata.extend_from_slice(format!(" k{k}=").as_bytes());
            let vlen = [1, 199, rng.below(200) + 1][rng.below(3)];
            userdata.extend(rng.text(TEXT, vlen).into_iter().map(|b| {
                if b == b'\n' {
                    b'.'
                } else {
                    b
                }
            }));
            userdata.push(b'\n');
        }
        let task_len = rng.below(16);
        let task = rng.text(TEXT, task_len);
        let srel = b"6.12.117-amd64".to_vec();
        let sys = Sysdata {
            cpu: (rng.below(2) == 0).then(|| rng.next_u64() as u32),
            taskname: (rng.below(2) == 0).then_some(&task[..]),
            release: (rng.below(2) == 0).then_some(&srel[..]),
            msgid: (rng.below(2) == 0).then(|| rng.next_u64() as u32),
        };
        let fixed = header.len()
            + 1
            + release.as_ref().map_or(0, |r| r.len() + 1)
            + userdata.len()
            + sysdata_bytes(&sys).len();
        let target = [
            0,
            998,
            999,
            1000,
            1001,
            1002,
            1999,
            2000,
            2001,
            rng.below(6000),
        ][rng.below(10)];
        let text_len = target.saturating_sub(fixed) + rng.below(5);
        let mut record = header.clone();
        if rng.below(30) != 0 {
            record.push(b';');
        }
        record.extend(rng.text(TEXT, text_len));

        let (r, d) = run(&record, release.as_deref(), &userdata, &sys);
        let want = reference(&record, release.as_deref(), &userdata, &sys);
        match (&r, &want) {
            (Ok(n), Ok(w)) => {
                assert_eq!(*n, w.len());
                assert_eq!(&d, w);
                assert!(d.iter().all(|x| x.len() <= MAX_PRINT_CHUNK));
                if d.len() > 1 {
                    fragmented += 1;
                }
            }
            (Err(e), Err(w)) => {
                assert_eq!(e, w);
                assert!(d.is_empty());
            }
            _ => panic!("{r:?} vs {want:?}"),
        }
    }
    assert!(fragmented > 1000, "only {fragmented} fragmented cases");
}
