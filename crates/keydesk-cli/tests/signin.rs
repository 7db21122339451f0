//! The sign-in modes of `keydesk-cli` against `keydesk-cli sim`, as real processes:
//! certificate (PEM and PFX), device code (the test reads the code from stderr and approves
//! it on the simulator's `/devicelogin` page), browser sign-in (the test reads the URL from
//! stderr and plays the browser), `--cloud` and `--api`, and the refusals.
//! Every run has a deadline ([`common::finish`]).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{finish, sim};

const LIMIT: Duration = Duration::from_secs(60);
const GROUP: &str = "FIDO Provisioning";
/// The PFX fixtures' password.
const PFX_PASSWORD: &str = "keydesk-test";

/// The Graph client tests' certificate fixture `name` (see its README there).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keydesk-graph/tests/fixtures")
        .join(name)
}

/// `keydesk-cli check --group "FIDO Provisioning"` against the simulator at `url`, with
/// `extra` options and no secret in the environment.
fn check_command(url: &str, extra: &[&str]) -> Command {
    let mut cmd = common::check(url, GROUP);
    cmd.args(extra)
        .env_remove("KEYDESK_CLIENT_SECRET")
        .env_remove("KEYDESK_CERT_PASSWORD");
    cmd
}

/// Runs `cmd` to its end under the deadline: exit code, stdout, stderr.
fn run(mut cmd: Command) -> (i32, String, String) {
    let output: Output = finish(cmd.spawn().unwrap(), LIMIT, "keydesk-cli");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The simulator with the fixture certificate registered on its app.
fn sim_with_certificate() -> (common::Running, String) {
    let cert = fixture("app-cert.pem");
    sim(&["--client-cert", cert.to_str().unwrap()])
}

#[test]
fn a_registered_pem_certificate_signs_in_and_check_passes() {
    let (_sim, url) = sim_with_certificate();
    let pem = fixture("app.pem");
    let (code, stdout, stderr) = run(check_command(
        &url,
        &["--auth", "cert", "--cert", pem.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
}

#[test]
fn a_pfx_opens_with_the_password_from_the_environment_only() {
    let (_sim, url) = sim_with_certificate();
    let pfx = fixture("app.pfx");
    let flags = ["--auth", "cert", "--cert", pfx.to_str().unwrap()];
    let mut cmd = check_command(&url, &flags);
    cmd.env("KEYDESK_CERT_PASSWORD", PFX_PASSWORD);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");

    let mut cmd = check_command(&url, &flags);
    cmd.env("KEYDESK_CERT_PASSWORD", "wrong");
    let (code, _, stderr) = run(cmd);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("password"), "{stderr}");

    // There is no password flag.
    let mut with_flag = flags.to_vec();
    with_flag.extend(["--cert-password", PFX_PASSWORD]);
    let (code, _, stderr) = run(check_command(&url, &with_flag));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_certificate_the_app_does_not_know_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("other.pem");
    let key = dir.path().join("other-key.pem");
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=KeyDesk other test app", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&pem)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match made {
        Ok(status) if status.success() => {}
        other => {
            eprintln!("skipped: the openssl command cannot make a test certificate ({other:?})");
            return;
        }
    }
    let mut both = std::fs::read(&pem).unwrap();
    both.extend(std::fs::read(&key).unwrap());
    std::fs::write(&pem, both).unwrap();

    let (_sim, url) = sim_with_certificate();
    let (code, stdout, stderr) = run(check_command(
        &url,
        &["--auth", "cert", "--cert", pem.to_str().unwrap()],
    ));
    assert_eq!(code, 3, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("FAIL sign-in"), "{stdout}");
}

#[test]
fn cert_options_are_checked_before_anything_is_sent() {
    let (_sim, url) = sim_with_certificate();
    let (code, _, stderr) = run(check_command(&url, &["--auth", "cert"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--cert FILE"), "{stderr}");

    let missing = fixture("no-such-file.pem");
    let (code, _, stderr) = run(check_command(
        &url,
        &["--auth", "cert", "--cert", missing.to_str().unwrap()],
    ));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read --cert"), "{stderr}");

    let pem = fixture("app.pem");
    let mut cmd = check_command(&url, &["--cert", pem.to_str().unwrap()]);
    cmd.env("KEYDESK_CLIENT_SECRET", common::SECRET);
    let (code, _, stderr) = run(cmd);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--auth cert"), "{stderr}");
}

/// `POST {uri}` with the form `user_code=<code>` over plain HTTP/1.0; the status code.
fn approve(uri: &str, code: &str) -> u16 {
    let rest = uri
        .strip_prefix("http://")
        .expect("the simulator's http URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let body = format!("user_code={code}");
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A child's stderr, read line by line on a thread.
struct Stderr {
    lines: mpsc::Receiver<String>,
    reader: std::thread::JoinHandle<()>,
}

impl Stderr {
    /// Reads `child`'s stderr until `pick` finds what the test waits for in a line; kills
    /// the child and fails, showing the lines seen, if no line has it within the deadline.
    fn read_until<T>(
        child: &mut Child,
        what: &str,
        pick: impl Fn(&str) -> Option<T>,
    ) -> (Stderr, T) {
        let stderr = child.stderr.take().unwrap();
        let (lines_tx, lines) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        loop {
            let line = match lines.recv_timeout(LIMIT) {
                Ok(line) => line,
                Err(_) => {
                    let _ = child.kill();
                    panic!("no {what} on stderr within {LIMIT:?}: {seen:?}");
                }
            };
            if let Some(found) = pick(&line) {
                return (Stderr { lines, reader }, found);
            }
            seen.push(line);
        }
    }

    /// The lines after the one found, once the child has ended.
    fn rest(self) -> Vec<String> {
        self.reader.join().unwrap();
        self.lines.try_iter().collect()
    }
}

#[test]
fn device_code_prints_the_code_on_stderr_and_provisions_once_approved() {
    // The simulated operator is an Authentication Administrator: enough to provision (the
    // FIDO2 policy read `check` also makes needs another role).
    let (_sim, url) = sim(&["--users", "1"]);
    let data = tempfile::tempdir().unwrap();
    let mut cmd = common::provision(&url, data.path(), 1, &["--auth", "device-code"]);
    cmd.env_remove("KEYDESK_CLIENT_SECRET");
    let mut child = cmd.spawn().unwrap();
    let (stderr, (uri, code)) = Stderr::read_until(&mut child, "device code", |line| {
        let rest = line.strip_prefix("sign-in: open ")?;
        let (uri, rest) = rest.split_once(" and enter the code ").expect(line);
        let code = rest.split_whitespace().next().expect(line);
        Some((uri.to_owned(), code.to_owned()))
    });
    assert!(uri.starts_with(&url), "{uri}");
    assert!(
        (200..400).contains(&approve(&uri, &code)),
        "approving {code}"
    );

    let output = finish(child, LIMIT, "keydesk-cli provision --auth device-code");
    let rest = stderr.rest();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{rest:?}"
    );
    assert!(stdout.contains(" registered"), "{stdout}");
}

#[test]
fn provisioning_in_the_china_cloud_is_refused_before_anything_is_opened() {
    let (_sim, url) = sim(&[]);
    let data = tempfile::tempdir().unwrap();
    let cmd = common::provision(&url, data.path(), 1, &["--cloud", "china"]);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 2, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("is not available in Microsoft Azure operated by 21Vianet (China)"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        !data.path().join("keydesk.lock").exists(),
        "the data folder was not opened"
    );

    // `check` reads what it can and says so in its own verdict: a FAIL line, exit 1.
    let mut cmd = check_command(&url, &["--cloud", "china"]);
    cmd.env("KEYDESK_CLIENT_SECRET", common::SECRET);
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains("21Vianet")),
        "{stdout}"
    );
}

#[test]
fn the_beta_api_and_a_provisioning_cloud_still_provision() {
    let (_sim, url) = sim(&["--users", "1"]);
    let data = tempfile::tempdir().unwrap();
    let cmd = common::provision(
        &url,
        data.path(),
        1,
        &["--cloud", "global", "--api", "beta"],
    );
    let (code, stdout, stderr) = run(cmd);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(" registered"), "{stdout}");
}

/// One HTTP/1.0 exchange with `host` (`ip:port`): the whole answer, head and body.
fn exchange(host: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Plays the operator's browser on the simulated authorize page at `url`: shows the form,
/// submits "Sign in", and follows the redirect to KeyDesk's loopback listener.
fn sign_in_in_browser(url: &str) {
    let url = url::Url::parse(url).unwrap();
    let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let query = url.query().unwrap_or_default();
    let page = exchange(
        &host,
        &format!(
            "GET {}?{query} HTTP/1.0\r\nHost: {host}\r\n\r\n",
            url.path()
        ),
    );
    assert!(page.contains("id=\"signin\""), "{page}");
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(url.query_pairs());
    form.append_pair("action", "signin");
    let body = form.finish();
    let answer = exchange(
        &host,
        &format!(
            "POST {} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            url.path(),
            body.len()
        ),
    );
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_else(|| panic!("a redirect: {answer}"))
        .trim();
    let back = url::Url::parse(location).unwrap();
    assert_eq!(back.host_str(), Some("localhost"), "{back}");
    let port = back.port().unwrap();
    let path = &back[url::Position::BeforePath..];
    let landed = exchange(
        &format!("127.0.0.1:{port}"),
        &format!("GET {path} HTTP/1.0\r\nHost: localhost:{port}\r\n\r\n"),
    );
    assert!(landed.contains("Signed in to KeyDesk"), "{landed}");
}

#[test]
fn delegated_prints_the_sign_in_url_and_provisions_once_signed_in() {
    let (_sim, url) = sim(&["--users", "1"]);
    let data = tempfile::tempdir().unwrap();
    let mut cmd = common::provision(&url, data.path(), 1, &["--auth", "delegated"]);
    // `true` stands for the browser: it starts and shows nothing; the test is the browser.
    cmd.env_remove("KEYDESK_CLIENT_SECRET")
        .env("BROWSER", "true");
    let mut child = cmd.spawn().unwrap();
    let (stderr, page) = Stderr::read_until(&mut child, "sign-in URL", |line| {
        let rest = line.strip_prefix("sign-in: open ")?;
        Some(rest.strip_suffix(" in a browser")?.to_owned())
    });
    assert!(page.starts_with(&url), "{page}");
    sign_in_in_browser(&page);

    let output = finish(child, LIMIT, "keydesk-cli provision --auth delegated");
    let rest = stderr.rest();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{rest:?}"
    );
    assert!(stdout.contains(" registered"), "{stdout}");
}

#[test]
fn unknown_values_are_refused() {
    let (_sim, url) = sim(&[]);
    let (code, _, stderr) = run(check_command(&url, &["--auth", "browser"]));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(check_command(&url, &["--cloud", "mars"]));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(check_command(&url, &["--api", "v2"]));
    assert_eq!(code, 2, "{stderr}");
}
