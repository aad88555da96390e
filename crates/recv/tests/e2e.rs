// SPDX-License-Identifier: GPL-2.0

//! End-to-end: the `netconsole-recv` binary on loopback with an ephemeral port, fed by
//! `std::net::UdpSocket`, checked through its JSON and human output and its exit status.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use netconsole_pure::msg::Sysdata;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_netconsole-recv");

struct Running {
    child: Child,
    listening: Vec<SocketAddr>,
    stderr: mpsc::Receiver<String>,
    stdout: thread::JoinHandle<String>,
}

/// Start the receiver and wait for its "listening on" lines.
fn start(args: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netconsole-recv");
    let mut out = child.stdout.take().unwrap();
    let stdout = thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let err = child.stderr.take().unwrap();
    let (tx, stderr) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let expected = args.iter().filter(|a| **a == "-l").count().max(1);
    let mut listening = Vec::new();
    while listening.len() < expected {
        let line = stderr
            .recv_timeout(Duration::from_secs(10))
            .expect("a 'listening on' line");
        if let Some(rest) = line.strip_prefix("netconsole-recv: listening on ") {
            listening.push(rest.split(' ').next().unwrap().parse().unwrap());
        }
    }
    Running {
        child,
        listening,
        stderr,
        stdout,
    }
}

impl Running {
    fn port(&self, i: usize) -> u16 {
        self.listening[i].port()
    }

    fn interrupt(&self) {
        let ok = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    /// Wait for the receiver to exit (at most 20 s); its status, stdout and stderr lines.
    fn wait(mut self) -> (ExitStatus, String, Vec<String>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("netconsole-recv did not exit");
            }
            thread::sleep(Duration::from_millis(10));
        };
        let stdout = self.stdout.join().unwrap();
        let stderr = self.stderr.iter().collect();
        (status, stdout, stderr)
    }
}

fn sender(ip: &str) -> UdpSocket {
    UdpSocket::bind((ip, 0)).unwrap()
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn fragments(record: &[u8], release: Option<&[u8]>, userdata: &[u8], msgid: u32) -> Vec<Vec<u8>> {
    let sys = Sysdata {
        cpu: Some(1),
        taskname: Some(b"kworker/1:2"),
        release: None,
        msgid: Some(msgid),
    };
    netconsole_testkit::oracle::extended_datagrams(record, release, userdata, &sys)
}

#[test]
fn json_messages_loss_and_summary() {
    let r = start(&[
        "-l",
        "127.0.0.1:0",
        "--json",
        "--count",
        "6",
        "--timeout",
        "20",
    ]);
    let to = ("127.0.0.1", r.port(0));
    let s = sender("127.0.0.1");
    let me = s.local_addr().unwrap().to_string();
    s.send_to(
        b"6,1,100,-;first\n cpu=0\n taskname=swapper/0\n msgid=1\n",
        to,
    )
    .unwrap();
    s.send_to(b"6,2,200,-;second\n msgid=2\n", to).unwrap();
    s.send_to(b"6,5,500,-;after a gap\n msgid=5\n", to).unwrap();
    let text = "long ".repeat(500);
    let record = format!("6,6,600,-;{text}\n");
    let mut frags = fragments(record.as_bytes(), Some(b"6.12.117"), b" host=test\n", 6);
    assert_eq!(frags.len(), 3);
    frags.reverse();
    for f in &frags {
        s.send_to(f, to).unwrap();
    }
    s.send_to(b"plain basic line\n", to).unwrap();
    s.send_to(b"6.12.117,4,7,700,-;with release\n msgid=7\n", to)
        .unwrap();

    let (status, stdout, _) = r.wait();
    assert!(status.success(), "{status:?}");
    let v = json_lines(&stdout);
    let types: Vec<&str> = v.iter().map(|o| o["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "message", "message", "loss", "loss", "message", "message", "message", "message",
            "summary"
        ]
    );
    for o in &v[..8] {
        assert_eq!(o["sender"], me.as_str());
    }
    assert_eq!(v[0]["text"], "first");
    assert_eq!(
        v[0]["sysdata"],
        serde_json::json!({"cpu": 0, "taskname": "swapper/0", "msgid": 1})
    );
    assert_eq!(
        (v[0]["level"].as_u64(), v[0]["seq"].as_u64()),
        (Some(6), Some(1))
    );
    assert_eq!(v[0]["ts_usec"], 100);
    assert!(v[0]["recv_usec"].as_u64().unwrap() > 1_600_000_000_000_000);
    assert_eq!(
        (
            &v[2]["counter"],
            &v[2]["first"],
            &v[2]["last"],
            &v[2]["missing"]
        ),
        (
            &Value::from("seq"),
            &Value::from(3),
            &Value::from(4),
            &Value::from(2)
        )
    );
    assert_eq!(
        (&v[3]["counter"], &v[3]["missing"]),
        (&Value::from("msgid"), &Value::from(2))
    );
    assert_eq!(v[4]["text"], "after a gap");
    assert_eq!(v[5]["text"], text.as_str());
    assert_eq!(v[5]["fragments"], 3);
    assert_eq!(v[5]["release"], "6.12.117");
    assert_eq!(v[5]["userdata"], serde_json::json!({"host": "test"}));
    assert_eq!(v[5]["sysdata"]["msgid"], 6);
    assert_eq!(
        (&v[6]["format"], &v[6]["text"]),
        (&Value::from("basic"), &Value::from("plain basic line"))
    );
    assert!(v[6]["seq"].is_null());
    assert_eq!(
        (&v[7]["release"], &v[7]["level"]),
        (&Value::from("6.12.117"), &Value::from(4))
    );

    let sum = &v[8];
    assert_eq!(sum["totals"]["messages"], 5);
    assert_eq!(sum["totals"]["lines"], 1);
    assert_eq!(sum["totals"]["fragments"], 3);
    assert_eq!(sum["totals"]["seq"]["missing"], 2);
    assert_eq!(sum["totals"]["msgid"]["missing"], 2);
    assert_eq!(sum["totals"]["msgid"]["gaps"], 1);
    assert_eq!(sum["senders"][0]["sender"], me.as_str());
}

#[test]
fn human_output_and_summary_on_sigint() {
    let r = start(&["-l", "127.0.0.1:0", "--color", "never"]);
    let to = ("127.0.0.1", r.port(0));
    let s = sender("127.0.0.1");
    let me = s.local_addr().unwrap();
    s.send_to(b"6,10,5678901,-;hello\n msgid=1\n", to).unwrap();
    s.send_to(b"3,11,5679000,-;trouble\n msgid=3\n", to)
        .unwrap();
    s.send_to(b"[    5.700000] basic text", to).unwrap();
    thread::sleep(Duration::from_millis(300));
    r.interrupt();
    let (status, stdout, stderr) = r.wait();
    assert!(status.success(), "{status:?}");
    let want = format!(
        "{me} <6>[    5.678901] hello {{msgid=1}}\n{me} <3>[    5.679000] trouble {{msgid=3}}\n{me} [    5.700000] basic text\n"
    );
    assert_eq!(stdout, want);
    let err = stderr.join("\n");
    assert!(
        err.contains(&format!(
            "netconsole-recv: {me}: lost 1 message(s) (msgid 2)"
        )),
        "{err}"
    );
    assert!(
        err.contains("netconsole-recv: summary: 2 messages, 1 lines"),
        "{err}"
    );
    assert!(err.contains("lost: 1 msgid (1 gaps)"), "{err}");
}

#[test]
fn output_dir_has_a_file_per_sender() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("netconsole-recv-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let r = start(&[
        "-l",
        "127.0.0.1:0",
        "-o",
        dir.to_str().unwrap(),
        "-n",
        "4",
        "-t",
        "20",
    ]);
    let to = ("127.0.0.1", r.port(0));
    let (a, b) = (sender("127.0.0.1"), sender("127.0.0.1"));
    a.send_to(b"6,1,1,-;from a\n", to).unwrap();
    b.send_to(b"6,1,1,-;from b\n", to).unwrap();
    a.send_to(b"6,2,2,-;again a\n", to).unwrap();
    b.send_to(b"6,2,2,-;again b\n", to).unwrap();
    let (status, stdout, _) = r.wait();
    assert!(status.success());
    assert_eq!(stdout, "");
    for (s, name) in [(&a, "a"), (&b, "b")] {
        let addr = s.local_addr().unwrap();
        let path = dir.join(format!("127.0.0.1_{}.log", addr.port()));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!(
                "{addr} <6>[    0.000001] from {name}\n{addr} <6>[    0.000002] again {name}\n"
            )
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dual_stack_and_ipv6() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let r = start(&["-l", "[::]:0", "--json", "-n", "2", "-t", "20"]);
    let port = r.port(0);
    let v4 = sender("127.0.0.1");
    let v6 = sender("::1");
    v4.send_to(b"6,1,1,-;over ipv4\n", ("127.0.0.1", port))
        .unwrap();
    v6.send_to(b"6,1,1,-;over ipv6\n", ("::1", port)).unwrap();
    let (status, stdout, _) = r.wait();
    assert!(status.success());
    let v = json_lines(&stdout);
    let mut got: Vec<(String, String)> = v[..2]
        .iter()
        .map(|o| {
            (
                o["sender"].as_str().unwrap().to_string(),
                o["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (
            v4.local_addr().unwrap().to_string(),
            "over ipv4".to_string(),
        ),
        (
            v6.local_addr().unwrap().to_string(),
            "over ipv6".to_string(),
        ),
    ];
    want.sort();
    // The IPv4 sender shows as 127.0.0.1, not as ::ffff:127.0.0.1.
    assert_eq!(got, want);
}

#[test]
fn timeout_without_traffic_exits_zero() {
    let started = Instant::now();
    let r = start(&["-l", "127.0.0.1:0", "--json", "-t", "0.3"]);
    let (status, stdout, _) = r.wait();
    assert!(status.success());
    assert!(started.elapsed() < Duration::from_secs(5));
    let v = json_lines(&stdout);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["type"], "summary");
    assert_eq!(v[0]["totals"]["datagrams"], 0);
}

#[test]
fn several_ports_and_plain_recvfrom() {
    let r = start(&[
        "-l",
        "127.0.0.1:0",
        "-l",
        "127.0.0.1:0",
        "--batch",
        "1",
        "--json",
        "-n",
        "200",
        "-t",
        "20",
    ]);
    // One target per port, as a machine with two targets would send.
    let targets = [
        (sender("127.0.0.1"), r.port(0)),
        (sender("127.0.0.1"), r.port(1)),
    ];
    for i in 0..100u32 {
        for (s, p) in &targets {
            s.send_to(format!("6,{i},{i},-;n{i}\n").as_bytes(), ("127.0.0.1", *p))
                .unwrap();
        }
    }
    let (status, stdout, _) = r.wait();
    assert!(status.success());
    let v = json_lines(&stdout);
    assert_eq!(v.iter().filter(|o| o["type"] == "message").count(), 200);
    let sum = v.last().unwrap();
    assert_eq!(sum["senders"].as_array().unwrap().len(), 2);
    assert_eq!(sum["totals"]["seq"]["missing"], 0);
}

#[test]
fn usage_errors() {
    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument '--bogus'"));
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--listen"));
    let taken = sender("127.0.0.1");
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(BIN)
        .args(["-l", &addr, "-t", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("cannot listen on {addr}")));
}
