// SPDX-License-Identifier: GPL-2.0

//! The command line of `netconsole-recv` (hand-rolled: no dependency, fast builds).

use std::ffi::OsString;
use std::net::{Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::Limits;

/// The port netconsole sends to by default.
pub const DEFAULT_PORT: u16 = 6666;
/// Receive buffer asked for by default.
pub const DEFAULT_RCVBUF: usize = 8 << 20;
/// Datagrams read per `recvmmsg` by default.
pub const DEFAULT_BATCH: usize = 32;
/// Most datagrams per `recvmmsg`.
pub const MAX_BATCH: usize = 1024;

/// The help text.
pub const USAGE: &str = "\
Usage: netconsole-recv [OPTIONS]

Receive Linux netconsole messages (basic and extended format) over UDP.

Options:
  -l, --listen [ADDR:]PORT  Listen here (repeatable). PORT alone is [::]:PORT, dual-stack
                            IPv4 and IPv6. Default: [::]:6666
  -j, --json                One JSON object per line: messages and loss events on stdout
      --color WHEN          Colour by level: auto (default: if stdout is a terminal and
                            NO_COLOR is unset), always, never
  -o, --output-dir DIR      Write each sender's messages to DIR/<ip>_<port>.log (.jsonl)
  -n, --count N             Exit after N messages
  -t, --timeout SECONDS     Exit after SECONDS (fractions allowed)
      --rcvbuf SIZE         Socket receive buffer to ask for (default 8M; K/M/G suffixes)
      --batch N             Datagrams per recvmmsg call, 1 = plain recvfrom (default 32)
      --frag-timeout SECONDS  Give up a fragmented message after this (default 5)
      --max-message SIZE    Largest reassembled message accepted (default 1M)
  -h, --help                Show this help
  -V, --version             Show the version

Loss (gaps in seq and msgid), restarts and incomplete messages are reported on stderr (as
JSON on stdout with --json) and summed up on exit, including on SIGINT and SIGTERM.
";

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// If stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Addresses to listen on.
    pub listen: Vec<SocketAddr>,
    /// JSON lines instead of human text.
    pub json: bool,
    /// Colouring.
    pub color: ColorChoice,
    /// Per-sender output files here instead of stdout.
    pub output_dir: Option<PathBuf>,
    /// Exit after this many messages.
    pub count: Option<u64>,
    /// Exit after this long.
    pub timeout: Option<Duration>,
    /// `SO_RCVBUF` to ask for.
    pub rcvbuf: usize,
    /// Datagrams per `recvmmsg`.
    pub batch: usize,
    /// Receiver bounds.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: Vec::new(),
            json: false,
            color: ColorChoice::Auto,
            output_dir: None,
            count: None,
            timeout: None,
            rcvbuf: DEFAULT_RCVBUF,
            batch: DEFAULT_BATCH,
            limits: Limits::default(),
        }
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Receive.
    Run(Config),
    /// Print [`USAGE`].
    Help,
    /// Print the version.
    Version,
}

/// `PORT`, `ADDR:PORT`, `[V6ADDR]:PORT` or `:PORT`; a bare port means `[::]:PORT`.
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    let port_only = s.strip_prefix(':').unwrap_or(s);
    if let Ok(port) = port_only.parse::<u16>() {
        return Ok(SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), port));
    }
    s.parse::<SocketAddr>().map_err(|_| {
        format!("invalid listen address '{s}': expected PORT, IPV4:PORT or [IPV6]:PORT")
    })
}

/// Seconds, possibly fractional, non-negative and finite.
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|f| Duration::try_from_secs_f64(f).ok())
        .ok_or_else(|| format!("invalid number of seconds '{s}'"))
}

/// A size in bytes with an optional `K`, `M` or `G` suffix (powers of 1024, `iB` allowed).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let err = || format!("invalid size '{s}'");
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 10),
        Some((i, 'm' | 'M')) => (&t[..i], 20),
        Some((i, 'g' | 'G')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: usize = digits.parse().map_err(|_| err())?;
    n.checked_mul(1usize << shift).ok_or_else(err)
}

fn number<T: std::str::FromStr>(opt: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("invalid value '{v}' for {opt}"))
}

/// Parse the arguments (without the program name).
pub fn parse_args<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, String> {
    let mut cfg = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument is not UTF-8: {}", a.to_string_lossy()))?;
        let (opt, inline) = match arg.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args
                    .next()
                    .and_then(|v| v.into_string().ok())
                    .ok_or_else(|| format!("{opt} needs a value")),
            }
        };
        match opt.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "-l" | "--listen" => cfg.listen.push(parse_listen(&value()?)?),
            "-j" | "--json" => cfg.json = true,
            "--color" | "--colour" => {
                cfg.color = match value()?.as_str() {
                    "auto" => ColorChoice::Auto,
                    "always" => ColorChoice::Always,
                    "never" => ColorChoice::Never,
                    v => {
                        return Err(format!(
                            "invalid value '{v}' for --color: auto, always or never"
                        ))
                    }
                }
            }
            "-o" | "--output-dir" => cfg.output_dir = Some(PathBuf::from(value()?)),
            "-n" | "--count" => cfg.count = Some(number(&opt, &value()?)?),
            "-t" | "--timeout" => cfg.timeout = Some(parse_seconds(&value()?)?),
            "--rcvbuf" => cfg.rcvbuf = parse_size(&value()?)?,
            "--batch" => {
                let n: usize = number(&opt, &value()?)?;
                if !(1..=MAX_BATCH).contains(&n) {
                    return Err(format!("--batch must be between 1 and {MAX_BATCH}"));
                }
                cfg.batch = n;
            }
            "--frag-timeout" => cfg.limits.reassembly.timeout = parse_seconds(&value()?)?,
            "--max-message" => cfg.limits.reassembly.max_message = parse_size(&value()?)? as u64,
            _ => return Err(format!("unknown argument '{arg}'")),
        }
    }
    if cfg.listen.is_empty() {
        cfg.listen
            .push(SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), DEFAULT_PORT));
    }
    Ok(Command::Run(cfg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(OsString::from))
    }

    fn run(args: &[&str]) -> Config {
        match parse(args) {
            Ok(Command::Run(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[]);
        assert_eq!(c.listen, vec!["[::]:6666".parse().unwrap()]);
        assert!(!c.json);
        assert_eq!(c.color, ColorChoice::Auto);
        assert_eq!((c.rcvbuf, c.batch), (8 << 20, 32));
    }

    #[test]
    fn listen_forms() {
        let c = run(&[
            "-l",
            "6666",
            "--listen",
            "127.0.0.1:7000",
            "--listen=[::1]:0",
            "-l",
            ":9",
        ]);
        let want: Vec<SocketAddr> = ["[::]:6666", "127.0.0.1:7000", "[::1]:0", "[::]:9"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        assert_eq!(c.listen, want);
        assert!(parse(&["-l", "localhost:6666"]).is_err());
        assert!(parse(&["-l", "70000"]).is_err());
        assert!(parse(&["-l"]).is_err());
    }

    #[test]
    fn options() {
        let c = run(&[
            "--json",
            "--color",
            "never",
            "-o",
            "/tmp/x",
            "-n",
            "5",
            "-t",
            "1.5",
            "--rcvbuf",
            "16M",
            "--batch=1",
            "--frag-timeout",
            "0.25",
            "--max-message",
            "64K",
        ]);
        assert!(c.json);
        assert_eq!(c.color, ColorChoice::Never);
        assert_eq!(c.output_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!(c.count, Some(5));
        assert_eq!(c.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(c.rcvbuf, 16 << 20);
        assert_eq!(c.batch, 1);
        assert_eq!(c.limits.reassembly.timeout, Duration::from_millis(250));
        assert_eq!(c.limits.reassembly.max_message, 64 << 10);
    }

    #[test]
    fn errors_and_help() {
        assert_eq!(parse(&["-h"]), Ok(Command::Help));
        assert_eq!(parse(&["--version"]), Ok(Command::Version));
        for bad in [
            &["--bogus"][..],
            &["--color", "blue"],
            &["-n", "x"],
            &["-t", "-1"],
            &["-t", "nan"],
            &["--batch", "0"],
            &["--batch", "5000"],
            &["--rcvbuf", "lots"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }
}
