// SPDX-License-Identifier: GPL-2.0

//! Load generator for measuring the receiver: sends N extended records (in-order seq and
//! msgid) as fast as it can from one socket.
//!
//! `cargo run --release --example blast -- 127.0.0.1:6666 1000000 [text bytes]`

use std::net::UdpSocket;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let to = args.next().unwrap_or_else(|| "127.0.0.1:6666".into());
    let n: u64 = args.next().map_or(100_000, |s| s.parse().expect("count"));
    let size: usize = args.next().map_or(80, |s| s.parse().expect("text bytes"));
    let sock = UdpSocket::bind(if to.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    })
    .unwrap();
    let text = "x".repeat(size);
    let start = Instant::now();
    let mut buf = Vec::with_capacity(size + 100);
    for i in 0..n {
        buf.clear();
        use std::io::Write;
        write!(buf, "6,{i},{i},-;{text}\n cpu=0\n msgid={}\n", i + 1).unwrap();
        while let Err(e) = sock.send_to(&buf, &to) {
            // ENOBUFS/EAGAIN under load: try again.
            if e.raw_os_error() != Some(105) && e.kind() != std::io::ErrorKind::WouldBlock {
                panic!("{e}");
            }
        }
    }
    let t = start.elapsed();
    eprintln!(
        "sent {n} datagrams in {t:.2?} ({:.0}/s)",
        n as f64 / t.as_secs_f64()
    );
}
