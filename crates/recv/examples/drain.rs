// SPDX-License-Identifier: GPL-2.0

//! Measures the cost of reading a full socket buffer with `recvmmsg` (batches of 8..64) against
//! a non-blocking `recvfrom` loop, with the receiver's own code (`src/sys.rs`).
//!
//! `cargo run --release --example drain -- [rounds]`

#[path = "../src/sys.rs"]
#[allow(dead_code)]
mod sys;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn fill(tx: &UdpSocket, to: std::net::SocketAddr, n: usize) -> usize {
    let mut sent = 0;
    for i in 0..n {
        let d = format!("6,{i},{i},-;{}\n cpu=0\n msgid={}\n", "x".repeat(80), i + 1);
        if tx.send_to(d.as_bytes(), to).is_err() {
            break;
        }
        sent += 1;
    }
    sent
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(50, |s| s.parse().unwrap());
    let rx = sys::bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
    let got = sys::set_rcvbuf(&rx, 8 << 20).unwrap();
    let to = rx.local_addr().unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    tx.set_nonblocking(true).unwrap();
    let per_round = 5_000;
    println!(
        "receive buffer {} bytes, {per_round} datagrams per round, {rounds} rounds",
        got / 2
    );
    for batch in [1usize, 8, 32, 64] {
        let mut b = sys::RecvBatch::new(batch);
        let mut buf = vec![0u8; sys::MAX_DATAGRAM];
        let mut total = Duration::ZERO;
        let mut count = 0usize;
        for _ in 0..rounds {
            let sent = fill(&tx, to, per_round);
            let start = Instant::now();
            let mut n = 0;
            while n < sent {
                if batch == 1 {
                    match rx.recv_from(&mut buf) {
                        Ok(_) => n += 1,
                        Err(_) => break,
                    }
                } else {
                    let k = b.recv(&rx).unwrap();
                    if k == 0 {
                        break;
                    }
                    n += k;
                }
            }
            total += start.elapsed();
            count += n;
        }
        println!(
            "{:>9}: {:6.0} ns per datagram ({:.2} M datagrams/s)",
            if batch == 1 {
                "recvfrom".to_string()
            } else {
                format!("mmsg x{batch}")
            },
            total.as_nanos() as f64 / count as f64,
            count as f64 / total.as_secs_f64() / 1e6
        );
    }
}
