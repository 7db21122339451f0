//! The command line's contract, run as a user would: `keydesk-cli sim` in the background,
//! `keydesk-cli provision` against it, exit codes and stdout lines checked.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{finish, sim, CLI, CLIENT_ID, SECRET};

/// Runs `keydesk-cli` with a deadline.
fn run(args: &[&str], secret: Option<&str>) -> Output {
    let mut cmd = Command::new(CLI);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    match secret {
        Some(s) => cmd.env("KEYDESK_CLIENT_SECRET", s),
        None => cmd.env_remove("KEYDESK_CLIENT_SECRET"),
    };
    finish(
        cmd.spawn().unwrap(),
        Duration::from_secs(60),
        &format!("keydesk-cli {args:?}"),
    )
}

fn provision_args<'a>(url: &'a str, data: &'a str) -> Vec<&'a str> {
    vec![
        "provision",
        "--group",
        "FIDO Provisioning",
        "--soft-keys",
        "2",
        // Global options after the command, as the contract allows.
        "--data-dir",
        data,
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        CLIENT_ID,
        "--login-url",
        url,
        "--graph-url",
        url,
    ]
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn provisions_a_group_and_a_second_run_registers_nobody_twice() {
    let (_sim, url) = sim(&["--users", "6", "--guests", "1"]);
    let data = tempfile::tempdir().unwrap();
    let data = data.path().to_str().unwrap().to_owned();

    let first = run(&provision_args(&url, &data), Some(SECRET));
    assert_eq!(
        first.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = lines(&first);
    assert_eq!(out.len(), 7, "{out:?}");
    assert_eq!(
        out.iter()
            .filter(|l| l.split(' ').nth(1) == Some("registered"))
            .count(),
        6
    );
    assert_eq!(
        out.iter().filter(|l| l.contains(" skipped guest")).count(),
        1
    );
    // stdout is a pipe here, not a terminal: no PIN may appear.
    assert!(out.iter().all(|l| !l.contains("PIN")), "{out:?}");
    assert!(String::from_utf8_lossy(&first.stderr).contains("6 registered"));

    let second = run(&provision_args(&url, &data), Some(SECRET));
    assert_eq!(second.status.code(), Some(0));
    let again = lines(&second);
    assert_eq!(
        again
            .iter()
            .filter(|l| l.contains("skipped already registered"))
            .count(),
        6,
        "{again:?}"
    );
}

#[test]
fn exit_codes_follow_the_contract() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    let data = data.path().to_str().unwrap().to_owned();
    let args = provision_args(&url, &data);

    let no_secret = run(&args, None);
    assert_eq!(no_secret.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_secret.stderr).contains("KEYDESK_CLIENT_SECRET"));

    let wrong_secret = run(&args, Some("not-the-secret"));
    assert_eq!(wrong_secret.status.code(), Some(3));

    let remote: Vec<&str> = args
        .iter()
        .map(|a| {
            if *a == url {
                "https://graph.microsoft.com"
            } else {
                a
            }
        })
        .collect();
    let refused = run(&remote, Some(SECRET));
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--soft-keys"));
    // Simulated keys with a real sign-in authority (a real tenant's tokens) are refused
    // too, even with Graph on this machine.
    let mut real_login: Vec<&str> = args.clone();
    let at = real_login.iter().position(|a| *a == "--login-url").unwrap();
    real_login[at + 1] = "https://login.microsoftonline.com";
    let refused = run(&real_login, Some(SECRET));
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--soft-keys"));

    assert_eq!(run(&["provision"], Some(SECRET)).status.code(), Some(2));
    let missing_group = run(
        &[&args[..2], &["Nobody Here"], &args[3..]].concat(),
        Some(SECRET),
    );
    assert_eq!(missing_group.status.code(), Some(2));
}
