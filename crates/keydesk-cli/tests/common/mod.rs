//! What the CLI's process tests share: `keydesk-cli sim` in the background, `provision`
//! commands against it, deadlines, and reading the simulator's state over plain HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const CLI: &str = env!("CARGO_BIN_EXE_keydesk-cli");
pub const SECRET: &str = "keydesk-demo-secret";
pub const CLIENT_ID: &str = "00000000-0000-4000-8000-00000000c11d";

/// A child process, killed when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `keydesk-cli sim` on a free port, with `extra` flags; returns it and its base URL.
pub fn sim(extra: &[&str]) -> (Running, String) {
    let mut child = Command::new(CLI)
        .args(["sim", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port = line
        .strip_prefix("LISTENING ")
        .expect("first line is LISTENING <port>");
    (running, format!("http://127.0.0.1:{}", port.trim()))
}

/// `keydesk-cli <args>` against the simulator at `url`: tenant, client id and both URLs
/// given, the secret in the environment, stdout/stderr piped.
pub fn command(url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(CLI);
    cmd.args(args)
        .args([
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            CLIENT_ID,
        ])
        .args(["--login-url", url, "--graph-url", url])
        .env("KEYDESK_CLIENT_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `keydesk-cli provision` of the simulator's group on `soft_keys` simulated keys, with
/// the secret in the environment and stdout/stderr piped.
pub fn provision(url: &str, data: &Path, soft_keys: usize, extra: &[&str]) -> Command {
    let soft_keys = soft_keys.to_string();
    let mut cmd = command(
        url,
        &[
            "provision",
            "--group",
            "FIDO Provisioning",
            "--soft-keys",
            &soft_keys,
        ],
    );
    cmd.arg("--data-dir").arg(data).args(extra);
    cmd
}

/// `keydesk-cli check --group <group>` against the simulator at `url`, with the secret
/// and no proxy in the environment.
pub fn check(url: &str, group: &str) -> Command {
    let mut cmd = command(url, &["check", "--group", group]);
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(proxy);
    }
    cmd
}

/// Waits for `child` to end, killing it (and failing) after `limit`. Its stdout and
/// stderr are read while it runs, so a child writing more than a pipe holds never blocks.
pub fn finish(mut child: Child, limit: Duration, what: &str) -> Output {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut running = Running(child);
    let deadline = Instant::now() + limit;
    while running.0.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Output {
        status: running.0.wait().unwrap(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `GET {url}{path}` as JSON, over a plain HTTP/1.0 connection.
pub fn get_json(url: &str, path: &str) -> serde_json::Value {
    let host = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (_, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    serde_json::from_str(body).unwrap()
}

/// Runs `cmd` to its end within a minute (killed and failed after).
pub fn run(mut cmd: Command) -> Output {
    let what = format!("{cmd:?}");
    finish(cmd.spawn().unwrap(), Duration::from_secs(60), &what)
}

/// stdout's lines.
pub fn stdout_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Each simulated user's UPN and how many passkeys they hold (`/_sim/state`, hidden
/// ones counted).
pub fn passkey_counts(url: &str) -> Vec<(String, u64)> {
    let state = get_json(url, "/_sim/state");
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let upn = u["upn"].as_str().unwrap_or_default().to_owned();
            (upn, u["passkeyCount"].as_u64().unwrap_or_default())
        })
        .collect()
}

pub fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

pub fn ok(out: &Output) {
    assert_eq!(
        code(out),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// `keydesk-cli <args> --data-dir <data>` against the simulator.
pub fn at(url: &str, data: &Path, args: &[&str]) -> Command {
    let mut cmd = command(url, args);
    cmd.arg("--data-dir").arg(data);
    cmd
}

/// `<UPN> <status> …` lines: the status words.
pub fn statuses(lines: &[String]) -> Vec<&str> {
    lines.iter().filter_map(|l| l.split(' ').nth(1)).collect()
}

/// Every line parses as one JSON object with `upn` and `status`.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    stdout_lines(out)
        .iter()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"));
            assert!(v["upn"].is_string() && v["status"].is_string(), "{l}");
            v
        })
        .collect()
}

pub fn upns(url: &str) -> Vec<String> {
    let out = run(command(url, &["users", "--group", "FIDO Provisioning"]));
    ok(&out);
    stdout_lines(&out)
        .iter()
        .filter(|l| l.split(' ').nth(1) == Some("eligible"))
        .map(|l| l.split(' ').next().unwrap().to_owned())
        .collect()
}

/// Every user of the simulated group holds exactly one passkey (hidden ones counted).
pub fn assert_one_passkey_each(url: &str, users: usize, context: &str) {
    let counts = passkey_counts(url);
    let twice: Vec<_> = counts.iter().filter(|(_, n)| *n > 1).collect();
    assert!(twice.is_empty(), "{context}: users with several: {twice:?}");
    let once = counts.iter().filter(|(_, n)| *n == 1).count();
    assert_eq!(once, users, "{context}: {counts:?}");
}

/// Every job of the data folder is registered, and its PIN is still sealed in escrow and
/// opens (stdout was a pipe, so no PIN was shown: the escrow is the only copy).
pub fn assert_every_pin_escrowed(data: &Path, users: usize, context: &str) {
    let station =
        keydesk_engine::station::Station::open(data).unwrap_or_else(|e| panic!("{context}: {e}"));
    let jobs = station.journal.jobs().unwrap();
    assert_eq!(jobs.len(), users, "{context}");
    for job in jobs {
        assert_eq!(
            job.state,
            keydesk_core::job::JobState::Registered,
            "{context}: {}",
            job.upn
        );
        let sealed = job
            .pin_sealed
            .unwrap_or_else(|| panic!("{context}: no PIN for {}", job.upn));
        let pin = station.escrow.open(&job.user_id, &sealed).unwrap();
        assert!(pin.len() >= 4, "{context}: {}", job.upn);
    }
}

/// UPN → (user id, key serial, PIN) of every letter waiting in `data`'s escrow, read
/// through the engine while no command holds the folder.
pub fn escrowed(data: &Path) -> std::collections::HashMap<String, (String, String, String)> {
    let station = keydesk_engine::station::Station::open(data).unwrap();
    let pending = keydesk_engine::letters::pending(
        &station.journal,
        &station.escrow,
        keydesk_engine::letters::Selection::Unprinted,
    )
    .unwrap();
    pending
        .letters
        .into_iter()
        .map(|l| (l.upn, (l.user_id, l.key_serial, l.pin.expose().to_owned())))
        .collect()
}

/// Every file under `dir`, recursively.
pub fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// `keydesk-cli <args> --data-dir <data>` with no tenant, stdout and stderr piped.
pub fn offline(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(CLI);
    cmd.args(args)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}
