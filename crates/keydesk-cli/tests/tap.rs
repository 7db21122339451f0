//! `keydesk-cli tap` against `keydesk-cli sim`: piped, it exits 2 before issuing anything;
//! on a terminal (a pseudo-terminal from util-linux `script`) it prints each pass, the one
//! the simulated tenant holds for that user, with its validity, and refuses a user who
//! holds one unless `--replace`.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{command, finish, get_json, sim, CLI, CLIENT_ID, SECRET};

/// The simulator's users (UPN → TAP held), from `/_sim/state`.
fn held_pass(url: &str, upn: &str) -> serde_json::Value {
    let state = get_json(url, "/_sim/state");
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["upn"] == upn)
        .unwrap()["temporaryAccessPass"]
        .clone()
}

fn upns(url: &str, n: usize) -> Vec<String> {
    let state = get_json(url, "/_sim/state");
    state["users"].as_array().unwrap()[..n]
        .iter()
        .map(|u| u["upn"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn piped_it_exits_2_before_issuing_anything() {
    let (_sim, url) = sim(&["--users", "2"]);
    let users = upns(&url, 1);
    let data = tempfile::tempdir().unwrap();
    let child = command(&url, &["tap", "--users", &users[0]])
        .arg("--data-dir")
        .arg(data.path())
        .spawn()
        .unwrap();
    let output = finish(child, Duration::from_secs(60), "tap");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a terminal"), "{stderr}");
    assert_eq!(held_pass(&url, &users[0]), serde_json::Value::Null);
}

/// Runs `keydesk-cli <args>` with stdout on a pseudo-terminal; returns (exit code, what it
/// printed there with CRs removed).
fn on_terminal(url: &str, args: &[&str]) -> (i32, String) {
    let mut words: Vec<String> = vec![CLI.to_owned()];
    words.extend(args.iter().map(|a| a.to_string()));
    words.extend(
        [
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            CLIENT_ID,
            "--login-url",
            url,
            "--graph-url",
            url,
        ]
        .map(str::to_owned),
    );
    let line = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("KEYDESK_CLIENT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux script runs");
    let output = finish(child, Duration::from_secs(60), "tap on a terminal");
    let text = String::from_utf8_lossy(&output.stdout).replace('\r', "");
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn on_a_terminal_each_pass_is_the_one_the_tenant_issued() {
    let (_sim, url) = sim(&["--users", "3"]);
    let users = upns(&url, 3);
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let list = format!("{},{}", users[0], users[1]);
    let args = [
        "tap",
        "--users",
        &list,
        "--lifetime-minutes",
        "90",
        "--one-time",
        "--data-dir",
        dir,
    ];
    let (code, text) = on_terminal(&url, &args);
    assert_eq!(code, 0, "{text}");
    for upn in &users[..2] {
        let tenant = held_pass(&url, upn);
        let expected = format!(
            "{upn} {} valid {} to {} one-time",
            tenant["pass"].as_str().unwrap(),
            tenant["startDateTime"].as_str().unwrap(),
            tenant["endDateTime"].as_str().unwrap()
        );
        assert!(text.lines().any(|l| l == expected), "{expected}\n{text}");
        assert_eq!(tenant["lifetimeInMinutes"], 90);
    }
    // users[0] holds a pass now: a second run refuses them, unless --replace.
    let first = held_pass(&url, &users[0])["pass"].clone();
    let again = ["tap", "--users", users[0].as_str(), "--data-dir", dir];
    let (code, text) = on_terminal(&url, &again);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("already holds"), "{text}");
    assert_eq!(held_pass(&url, &users[0])["pass"], first);
    let replace = [
        "tap",
        "--users",
        users[0].as_str(),
        "--replace",
        "--data-dir",
        dir,
    ];
    let (code, text) = on_terminal(&url, &replace);
    assert_eq!(code, 0, "{text}");
    assert_ne!(held_pass(&url, &users[0])["pass"], first);
    // A lifetime outside the policy (60..=480 minutes by default) issues nothing.
    let too_long = [
        "tap",
        "--users",
        users[2].as_str(),
        "--lifetime-minutes",
        "600",
        "--data-dir",
        dir,
    ];
    let (code, text) = on_terminal(&url, &too_long);
    assert_eq!(code, 2, "{text}");
    assert_eq!(held_pass(&url, &users[2]), serde_json::Value::Null);
}

#[test]
fn with_out_the_passes_go_to_letters_and_nowhere_else() {
    let (_sim, url) = sim(&["--users", "3"]);
    let users = upns(&url, 2);
    let data = tempfile::tempdir().unwrap();
    let letters = tempfile::tempdir().unwrap();
    let pdf = letters.path().join("tap.pdf");
    let pdf_arg = pdf.to_str().unwrap().to_owned();
    let joined = users.join(",");
    let child = command(
        &url,
        &["tap", "--users", &joined, "--one-time", "--out", &pdf_arg],
    )
    .arg("--data-dir")
    .arg(data.path())
    .spawn()
    .unwrap();
    // Piped, as a script runs it: allowed, because the passes go only to the file.
    let output = finish(child, Duration::from_secs(60), "tap --out");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stdout} {stderr}");
    let pages = keydesk_tests::pdf::pages_of(&pdf);
    assert_eq!(pages.len(), 2);
    for (upn, page) in users.iter().zip(&pages) {
        let held = held_pass(&url, upn);
        let code = held["pass"].as_str().expect("the simulator holds a pass");
        let page = keydesk_tests::pdf::flat(page);
        assert!(page.contains(code), "{upn}'s pass is not on its letter");
        assert!(page.contains(upn.as_str()));
        assert!(!stdout.contains(code), "a pass reached stdout");
        assert!(!String::from_utf8_lossy(&output.stderr).contains(code));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pdf).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
