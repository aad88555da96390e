// SPDX-License-Identifier: GPL-2.0

//! `netconsole-recv`: receive netconsole messages over UDP and print them.
//!
//! The sockets, the wait loop and the writing are here; everything else is the library.

mod sys;

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use netconsole_recv::args::{self, ColorChoice, Command, Config};
use netconsole_recv::output;
use netconsole_recv::{Event, Receiver};

const PROG: &str = "netconsole-recv";
/// Longest wait before time-driven work (timeouts) is looked at again.
const TICK: Duration = Duration::from_millis(100);
/// Reads from one socket before the others get their turn.
const MAX_READS_PER_WAKEUP: usize = 64;
/// Per-sender files kept open at once in `--output-dir`.
const MAX_OPEN_FILES: usize = 256;

/// Where rendered events go.
struct Output {
    json: bool,
    color: bool,
    stdout: BufWriter<io::Stdout>,
    dir: Option<PathBuf>,
    files: HashMap<SocketAddr, BufWriter<File>>,
    buf: String,
    /// Messages written so far.
    messages: u64,
    /// Stop writing messages after this many.
    count: Option<u64>,
}

impl Output {
    fn new(cfg: &Config) -> io::Result<Output> {
        if let Some(dir) = &cfg.output_dir {
            fs::create_dir_all(dir)?;
        }
        let color = match cfg.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(Output {
            json: cfg.json,
            color: color && cfg.output_dir.is_none(),
            stdout: BufWriter::with_capacity(1 << 16, io::stdout()),
            dir: cfg.output_dir.clone(),
            files: HashMap::new(),
            buf: String::new(),
            messages: 0,
            count: cfg.count,
        })
    }

    fn done(&self) -> bool {
        self.count.is_some_and(|n| self.messages >= n)
    }

    fn file(&mut self, sender: SocketAddr) -> io::Result<&mut BufWriter<File>> {
        if !self.files.contains_key(&sender) {
            if self.files.len() >= MAX_OPEN_FILES {
                for (_, mut f) in self.files.drain() {
                    f.flush()?;
                }
            }
            let dir = self.dir.as_ref().map_or_else(PathBuf::new, PathBuf::clone);
            let path = dir.join(output::sender_file_name(sender, self.json));
            let f = OpenOptions::new().create(true).append(true).open(&path)?;
            self.files.insert(sender, BufWriter::new(f));
        }
        Ok(self.files.get_mut(&sender).expect("inserted just above"))
    }

    /// Write one event; messages beyond `--count` are dropped.
    fn event(&mut self, ev: &Event, recv_usec: u64) -> io::Result<()> {
        self.buf.clear();
        match ev {
            Event::Message { sender, payload } => {
                if self.done() {
                    return Ok(());
                }
                self.messages += 1;
                if self.json {
                    output::json_event(&mut self.buf, ev, Some(recv_usec));
                } else {
                    output::human_message(&mut self.buf, *sender, payload, self.color);
                }
                let line = std::mem::take(&mut self.buf);
                let r = if self.dir.is_some() {
                    self.file(*sender)?.write_all(line.as_bytes())
                } else {
                    self.stdout.write_all(line.as_bytes())
                };
                self.buf = line;
                r
            }
            _ if self.json => {
                output::json_event(&mut self.buf, ev, None);
                self.stdout.write_all(self.buf.as_bytes())
            }
            _ => match output::human_notice(ev) {
                Some(line) => {
                    self.stdout.flush()?;
                    eprint!("{PROG}: {line}");
                    Ok(())
                }
                None => Ok(()),
            },
        }
    }

    fn events(&mut self, events: &mut Vec<Event>) -> io::Result<()> {
        let recv_usec = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        for ev in events.drain(..) {
            self.event(&ev, recv_usec)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        for f in self.files.values_mut() {
            f.flush()?;
        }
        self.stdout.flush()
    }

    fn summary(&mut self, s: &netconsole_recv::Summary) -> io::Result<()> {
        if self.json {
            self.stdout.write_all(output::json_summary(s).as_bytes())?;
        } else {
            self.stdout.flush()?;
            for line in output::human_summary(s).lines() {
                eprintln!("{PROG}: {line}");
            }
        }
        self.flush()
    }
}

fn bind_all(cfg: &Config) -> io::Result<Vec<UdpSocket>> {
    let mut socks = Vec::new();
    for &addr in &cfg.listen {
        let sock = sys::bind_udp(addr)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
        let got = sys::set_rcvbuf(&sock, cfg.rcvbuf)?;
        // The kernel reports twice the usable size.
        let usable = got / 2;
        eprintln!(
            "{PROG}: listening on {} (receive buffer {usable} bytes)",
            sock.local_addr()?
        );
        if usable < cfg.rcvbuf {
            eprintln!(
                "{PROG}: warning: receive buffer clamped to {usable} of {} bytes requested: raise net.core.rmem_max or run with CAP_NET_ADMIN",
                cfg.rcvbuf
            );
        }
        socks.push(sock);
    }
    Ok(socks)
}

/// Reads datagrams from the sockets into the receiver.
struct Reader {
    batch: Option<sys::RecvBatch>,
    single: Vec<u8>,
    truncated_warned: bool,
}

impl Reader {
    fn new(batch: usize) -> Reader {
        Reader {
            batch: (batch > 1).then(|| sys::RecvBatch::new(batch)),
            single: vec![0u8; sys::MAX_DATAGRAM],
            truncated_warned: false,
        }
    }

    /// One `recvmmsg` (or `recvfrom` with `--batch 1`); returns how many datagrams it got.
    fn read_once(
        &mut self,
        sock: &UdpSocket,
        receiver: &mut Receiver,
        events: &mut Vec<Event>,
    ) -> io::Result<usize> {
        let now = Instant::now();
        let Some(b) = &mut self.batch else {
            return match sock.recv_from(&mut self.single) {
                Ok((n, from)) => {
                    receiver.datagram(from, &self.single[..n], now, events);
                    Ok(1)
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) =>
                {
                    Ok(0)
                }
                Err(e) => Err(e),
            };
        };
        let n = b.recv(sock)?;
        for i in 0..n {
            if let Some((from, data, truncated)) = b.get(i) {
                if truncated && !self.truncated_warned {
                    eprintln!("{PROG}: warning: datagram from {from} truncated");
                    self.truncated_warned = true;
                }
                receiver.datagram(from, data, now, events);
            }
        }
        Ok(n)
    }

    /// Read what is waiting on `sock`, a bounded number of calls, writing the events.
    fn drain(
        &mut self,
        sock: &UdpSocket,
        receiver: &mut Receiver,
        out: &mut Output,
        events: &mut Vec<Event>,
    ) -> io::Result<()> {
        for _ in 0..MAX_READS_PER_WAKEUP {
            let n = self.read_once(sock, receiver, events)?;
            out.events(events)?;
            if n == 0 || out.done() {
                break;
            }
        }
        Ok(())
    }
}

fn run(cfg: &Config) -> io::Result<()> {
    // Before binding: from the "listening" line on, SIGINT means "stop and sum up".
    sys::install_stop_handlers()?;
    let socks = bind_all(cfg)?;
    let mut out = Output::new(cfg)?;
    let deadline = cfg.timeout.map(|t| Instant::now() + t);
    let mut receiver = Receiver::new(cfg.limits.clone());
    let mut reader = Reader::new(cfg.batch);
    let mut ready = vec![false; socks.len()];
    let mut events = Vec::new();

    while !out.done() && !sys::stop_requested() {
        let now = Instant::now();
        let mut wait = TICK;
        if let Some(d) = deadline {
            if now >= d {
                break;
            }
            wait = wait.min(d - now);
        }
        if let Some(d) = receiver.next_deadline() {
            wait = wait.min(d.saturating_duration_since(now));
        }
        sys::poll_readable(&socks, wait, &mut ready)?;
        for (sock, _) in socks.iter().zip(&ready).filter(|(_, r)| **r) {
            if !out.done() {
                reader.drain(sock, &mut receiver, &mut out, &mut events)?;
            }
        }
        receiver.tick(Instant::now(), &mut events);
        out.events(&mut events)?;
        out.flush()?;
    }

    // Stopped by signal or timeout: what already arrived is still shown.
    for sock in &socks {
        if !out.done() {
            reader.drain(sock, &mut receiver, &mut out, &mut events)?;
        }
    }
    receiver.finish(Instant::now(), &mut events);
    out.events(&mut events)?;
    out.summary(&receiver.summary())
}

fn main() -> ExitCode {
    let cfg = match args::parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(cfg)) => cfg,
        Ok(Command::Help) => {
            print!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("{PROG} {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{PROG}: {e}\nTry '{PROG} --help'.");
            return ExitCode::from(2);
        }
    };
    match run(&cfg) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is a normal way to stop.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{PROG}: {e}");
            ExitCode::FAILURE
        }
    }
}
