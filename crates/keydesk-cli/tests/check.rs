//! `keydesk-cli check` against `keydesk-cli sim`, as real processes: green on a correctly
//! configured tenant, and a named, actionable red line for each way a tenant is commonly
//! set up wrong. Every run has a deadline ([`common::finish`]).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{finish, sim, CLI};

const LIMIT: Duration = Duration::from_secs(60);
const GROUP: &str = "FIDO Provisioning";
/// Everything provisioning needs, least privilege, as `--app-permissions` takes it.
const NEEDED: [&str; 4] = [
    "GroupMember.Read.All",
    "User.ReadBasic.All",
    "Policy.Read.AuthenticationMethod",
    "UserAuthMethod-Passkey.ReadWrite.All",
];

/// Runs `cmd` to its end under the deadline; returns the exit code and stdout.
fn run(mut cmd: Command) -> (i32, String, Output) {
    let output = finish(cmd.spawn().unwrap(), LIMIT, "keydesk-cli check");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), stdout, output)
}

/// Checks the simulator started with `sim_flags`, for `group`.
fn check(sim_flags: &[&str], group: &str) -> (i32, String) {
    let (_sim, url) = sim(sim_flags);
    let (code, stdout, _) = run(common::check(&url, group));
    (code, stdout)
}

/// The one FAIL line containing `needle`; fails the test, showing everything, otherwise.
fn fail_line<'a>(stdout: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("FAIL") && l.contains(needle))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one FAIL line with {needle:?} in:\n{stdout}"
    );
    lines[0]
}

fn fails(stdout: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with("FAIL")).count()
}

/// Checks the simulator whose app has every needed permission but `missing`.
fn check_without(missing: &str) -> (i32, String) {
    let granted: Vec<&str> = NEEDED.into_iter().filter(|p| *p != missing).collect();
    check(&["--app-permissions", &granted.join(",")], GROUP)
}

#[test]
fn a_correctly_configured_tenant_is_green() {
    let (_sim, url) = sim(&["--users", "6", "--nested", "3", "--guests", "1"]);
    let (code, stdout, output) = run(common::check(&url, GROUP));
    assert_eq!(
        code,
        0,
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(fails(&stdout), 0, "{stdout}");
    for expected in [
        "info network: no proxy",
        // The simulator's tokens are shaped like Entra's: the hint reads their roles.
        "ok   token obtained (app-only; roles claimed: ",
        "UserAuthMethod-Passkey.ReadWrite.All",
        &format!("ok   group \"{GROUP}\" found"),
        "ok   members readable with UPNs: 10 users (nested included), 9 eligible, 1 guests",
        "ok   FIDO2 policy readable",
        "ok   FIDO2 (passkey) method enabled",
        "ok   self-service setup allowed",
        "ok   key restrictions: none",
        "ok   attestation not enforced",
        "ok   passkey profiles:",
        "ok   passkeys of ",
        "ok   creation options obtainable for ",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing in:\n{stdout}"
        );
    }
    // Read calls only: nothing was registered.
    let state = common::get_json(&url, "/_sim/state");
    let counts = state["passkeyCounts"].as_object().unwrap();
    assert!(counts.values().all(|n| n == 0), "{state}");
}

#[test]
fn least_privilege_application_permissions_are_enough() {
    let (code, stdout) = check(&["--app-permissions", &NEEDED.join(",")], GROUP);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn without_a_user_read_permission_the_members_line_names_it() {
    let (code, stdout) = check_without("User.ReadBasic.All");
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "members of");
    assert!(line.contains("without user principal names"), "{line}");
    assert!(
        line.contains("add User.ReadBasic.All (Application)"),
        "{line}"
    );
    assert!(line.contains("App registrations"), "{line}");
    assert!(line.contains("Grant admin consent"), "{line}");
    assert!(
        stdout.contains("ok   group \""),
        "the group itself was found:\n{stdout}"
    );
}

#[test]
fn without_the_policy_permission_the_policy_line_names_it() {
    let (code, stdout) = check_without("Policy.Read.AuthenticationMethod");
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "FIDO2 policy cannot be read");
    assert!(
        line.contains("add Policy.Read.AuthenticationMethod (Application)"),
        "{line}"
    );
    assert!(line.contains("API permissions"), "{line}");
    assert_eq!(fails(&stdout), 1, "only the policy is red:\n{stdout}");
    assert!(
        stdout.contains("ok   creation options obtainable"),
        "{stdout}"
    );
}

#[test]
fn without_the_passkey_permission_creation_options_name_it() {
    let (code, stdout) = check_without("UserAuthMethod-Passkey.ReadWrite.All");
    assert_eq!(code, 1, "{stdout}");
    for what in ["passkeys of", "creation options refused"] {
        let line = fail_line(&stdout, what);
        assert!(
            line.contains("add UserAuthMethod-Passkey.ReadWrite.All (Application)"),
            "{line}"
        );
    }
}

#[test]
fn a_disabled_fido2_method_is_red_with_where_to_enable_it() {
    let (_sim, url) = sim(&[]);
    post_json(&url, "/_sim/policy", r#"{"enabled":false}"#);
    let (code, stdout, _) = run(common::check(&url, GROUP));
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "method disabled");
    assert!(
        line.contains("Authentication methods > Policies > Passkey (FIDO2)"),
        "{line}"
    );
    assert!(line.contains("Enable"), "{line}");
    // Graph refuses the challenge too; that line points back at the policy.
    let options = fail_line(&stdout, "creation options refused");
    assert!(
        options.contains("fix the FIDO2 policy lines above first"),
        "{options}"
    );
}

#[test]
fn self_service_setup_off_is_red_with_where_to_turn_it_on() {
    let (code, stdout) = check(&["--self-service", "off"], GROUP);
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "self-service set up");
    assert!(line.contains("Passkey (FIDO2) > Configure"), "{line}");
    assert!(line.contains("Yes"), "{line}");
}

#[test]
fn a_missing_group_is_red_and_later_calls_are_not_guessed() {
    let (code, stdout) = check(&[], "No Such Group");
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "no group has this name");
    assert!(line.contains("Groups > All groups"), "{line}");
    assert!(line.contains("GroupMember.Read.All"), "{line}");
    assert!(stdout.contains("--   members: not checked"), "{stdout}");
    assert!(
        stdout.contains("--   creation options: not checked"),
        "{stdout}"
    );
    assert!(stdout.contains("ok   FIDO2 policy readable"), "{stdout}");
}

#[test]
fn an_ambiguous_group_name_lists_both_ids() {
    let (code, stdout) = check(&["--duplicate-group"], GROUP);
    assert_eq!(code, 1, "{stdout}");
    let line = fail_line(&stdout, "2 groups have this name");
    assert!(line.contains("object id"), "{line}");
    let ids = line
        .split("(ids ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    assert_eq!(ids.split(", ").count(), 2, "{line}");
}

#[test]
fn a_group_object_id_settles_an_ambiguous_name() {
    let (_sim, url) = sim(&["--duplicate-group"]);
    let (_, stdout, _) = run(common::check(&url, GROUP));
    let line = fail_line(&stdout, "2 groups have this name");
    let ids = line
        .split("(ids ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    // The provisioning group is the one with users; either id is a valid answer.
    let (code, stdout, _) = run(common::check(&url, ids.split(", ").next().unwrap()));
    assert!(code == 0 || code == 1, "{stdout}");
    assert!(!stdout.contains("groups have this name"), "{stdout}");
}

#[test]
fn a_wrong_secret_is_exit_3_and_bad_usage_exit_2() {
    let (_sim, url) = sim(&[]);
    let mut cmd = common::check(&url, GROUP);
    cmd.env("KEYDESK_CLIENT_SECRET", "wrong");
    let (code, stdout, _) = run(cmd);
    assert_eq!(code, 3, "{stdout}");
    assert!(stdout.contains("FAIL sign-in"), "{stdout}");

    let mut cmd = common::check(&url, GROUP);
    cmd.env_remove("KEYDESK_CLIENT_SECRET");
    let (code, _, output) = run(cmd);
    assert_eq!(code, 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("KEYDESK_CLIENT_SECRET"));

    let mut cmd = Command::new(CLI);
    cmd.args(["check"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (code, _, _) = run(cmd);
    assert_eq!(code, 2, "--group is required");
}

#[test]
fn check_does_not_touch_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("never-created");
    let (_sim, url) = sim(&[]);
    let mut cmd = common::check(&url, GROUP);
    cmd.arg("--data-dir").arg(&data);
    let (code, stdout, _) = run(cmd);
    assert_eq!(code, 0, "{stdout}");
    assert!(!data.exists(), "check opened the data folder");
}

#[test]
fn the_client_goes_through_the_proxy_the_environment_names_and_says_so() {
    let (_sim, url) = sim(&[]);
    let proxy = Proxy::start();
    let mut cmd = common::check(&url, GROUP);
    cmd.env("HTTP_PROXY", proxy.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    let (code, stdout, _) = run(cmd);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "info network: proxy {}/ (from HTTP_PROXY)",
            proxy.url()
        )),
        "{stdout}"
    );
    assert!(
        proxy.requests() >= 5,
        "every call went through the proxy: {}",
        proxy.requests()
    );

    // NO_PROXY covering the host: straight to the tenant, and the line says so.
    let before = proxy.requests();
    let mut cmd = common::check(&url, GROUP);
    cmd.env("HTTP_PROXY", proxy.url())
        .env("NO_PROXY", "127.0.0.1");
    let (code, stdout, _) = run(cmd);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("info network: no proxy"), "{stdout}");
    assert_eq!(proxy.requests(), before);
}

#[test]
fn a_tenant_behind_a_private_ca_is_trusted_once_the_ca_is_added_and_refused_before() {
    let dir = tempfile::tempdir().unwrap();
    if !make_test_ca(dir.path()) {
        eprintln!("skipped: the openssl command is not available to make a test CA");
        return;
    }
    let (_sim, plain) = sim(&[]);
    let sim_port: u16 = plain.rsplit(':').next().unwrap().parse().unwrap();
    let url = format!("https://127.0.0.1:{}", tls_front(dir.path(), sim_port));

    // The CA is not in the trust store: TLS refuses, so sign-in fails.
    let mut cmd = common::check(&url, GROUP);
    cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
    let (code, stdout, output) = run(cmd);
    assert_eq!(
        code,
        3,
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("FAIL sign-in"), "{stdout}");

    // Added the documented way (SSL_CERT_FILE, read by the OS-store loader): green.
    let mut cmd = common::check(&url, GROUP);
    cmd.env("SSL_CERT_FILE", dir.path().join("ca.pem"))
        .env_remove("SSL_CERT_DIR");
    let (code, stdout, output) = run(cmd);
    assert_eq!(
        code,
        0,
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("TLS trust: built-in Mozilla roots + the OS certificate store"),
        "{stdout}"
    );

    // Through a CONNECT proxy named by HTTPS_PROXY, TLS still verified end to end.
    let proxy = Proxy::start();
    let mut cmd = common::check(&url, GROUP);
    cmd.env("SSL_CERT_FILE", dir.path().join("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .env("HTTPS_PROXY", proxy.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    let (code, stdout, _) = run(cmd);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(&format!("proxy {}/ (from HTTPS_PROXY)", proxy.url())),
        "{stdout}"
    );
    assert!(proxy.requests() >= 1, "the tunnel was used");
}

/// A test CA (`ca.pem`) and a certificate for 127.0.0.1 it issued (`leaf.pem`,
/// `leaf.key`), made with the openssl command; false when openssl is missing.
fn make_test_ca(dir: &std::path::Path) -> bool {
    let openssl = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !openssl(&["version"]) {
        return false;
    }
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    assert!(openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=KeyDesk Test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat()
    ));
    assert!(openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=127.0.0.1"
            ],
        ]
        .concat()
    ));
    assert!(openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.pem",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]));
    true
}

/// A TLS front on 127.0.0.1 with `leaf.pem`, relaying to the simulator's plain port (the
/// simulator speaks HTTP only). Returns its port; it runs until the test process ends.
fn tls_front(dir: &std::path::Path, upstream: u16) -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;

    let cert = CertificateDer::from_pem_file(dir.join("leaf.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    if let Ok(mut plain) =
                        tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    }
                });
            }
        });
    });
    port
}

/// `POST {url}{path}` with a JSON body, over a plain HTTP/1.0 connection; expects 2xx.
fn post_json(url: &str, path: &str, body: &str) {
    let host = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 2") || answer.starts_with("HTTP/1.0 2"),
        "{answer}"
    );
}

/// A forward proxy on 127.0.0.1: `CONNECT host:port` tunnels, and absolute-form requests
/// (`GET http://host/…`, what clients send a proxy for plain HTTP) are piped to their host.
/// Counts the requests that arrive at it.
struct Proxy {
    port: u16,
    count: Arc<AtomicUsize>,
}

impl Proxy {
    fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let _ = serve(client, &counter);
                });
            }
        });
        Proxy { port, count }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

/// One proxied connection: read the head, open the upstream, relay both ways. Each request
/// on a kept-alive connection is counted as its head passes through.
fn serve(client: TcpStream, count: &AtomicUsize) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let authority = if method == "CONNECT" {
        target.clone()
    } else {
        let rest = target.strip_prefix("http://").unwrap_or(&target);
        rest.split('/').next().unwrap_or_default().to_owned()
    };
    let mut upstream = TcpStream::connect(&authority)?;
    count.fetch_add(1, Ordering::SeqCst);
    let mut client_write = client.try_clone()?;
    if method == "CONNECT" {
        client_write.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    } else {
        // Origin-form for the server; later requests on this connection are relayed as they
        // come (the simulator accepts absolute-form too).
        let rewritten = head.replacen(&format!("http://{authority}"), "", 1);
        upstream.write_all(rewritten.as_bytes())?;
    }
    let mut upstream_read = upstream.try_clone()?;
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut upstream_read, &mut client_write);
    });
    let mut buffered = reader.buffer().to_vec();
    upstream.write_all(&buffered)?;
    buffered.clear();
    let mut client_read = reader.into_inner();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = match client_read.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if method != "CONNECT" && chunk[..n].windows(7).any(|w| w == b"http://") {
            count.fetch_add(1, Ordering::SeqCst);
        }
        if upstream.write_all(&chunk[..n]).is_err() {
            break;
        }
    }
    let _ = upstream.shutdown(std::net::Shutdown::Both);
    let _ = back.join();
    Ok(())
}
