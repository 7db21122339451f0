//! The contract of the commands beyond `provision`: user selection, `users`, `prefetch`,
//! `inventory`, `lost`, `returned`, `audit`, `secret`, `login`, `completions`, `man`,
//! `--help`. Each runs the real binary against `keydesk-cli sim`, with a deadline.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{command, passkey_counts, provision, run, sim, stderr, stdout_lines, CLI};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn ok(out: &Output) {
    assert_eq!(
        code(out),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// `keydesk-cli <args> --data-dir <data>` against the simulator.
fn at(url: &str, data: &Path, args: &[&str]) -> Command {
    let mut cmd = command(url, args);
    cmd.arg("--data-dir").arg(data);
    cmd
}

/// `<UPN> <status> …` lines: the status words.
fn statuses(lines: &[String]) -> Vec<&str> {
    lines.iter().filter_map(|l| l.split(' ').nth(1)).collect()
}

/// Every line parses as one JSON object with `upn` and `status`.
fn json_lines(out: &Output) -> Vec<serde_json::Value> {
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

fn upns(url: &str) -> Vec<String> {
    let out = run(command(url, &["users", "--group", "FIDO Provisioning"]));
    ok(&out);
    stdout_lines(&out)
        .iter()
        .filter(|l| l.split(' ').nth(1) == Some("eligible"))
        .map(|l| l.split(' ').next().unwrap().to_owned())
        .collect()
}

#[test]
fn users_lists_the_group_with_eligibility_in_text_and_json() {
    let (_sim, url) = sim(&[
        "--users",
        "4",
        "--nested",
        "2",
        "--guests",
        "1",
        "--disabled",
        "1",
    ]);
    let out = run(command(&url, &["users", "--group", "FIDO Provisioning"]));
    ok(&out);
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 8, "{lines:?}");
    let words = statuses(&lines);
    assert_eq!(
        words.iter().filter(|w| **w == "eligible").count(),
        6,
        "{lines:?}"
    );
    assert_eq!(
        words.iter().filter(|w| **w == "ineligible").count(),
        2,
        "{lines:?}"
    );
    assert!(lines
        .iter()
        .all(|l| l.split(' ').next().unwrap().contains('@')));

    let json = run(command(
        &url,
        &["users", "--group", "FIDO Provisioning", "--json"],
    ));
    ok(&json);
    let objects = json_lines(&json);
    assert_eq!(objects.len(), 8);
    assert!(objects
        .iter()
        .all(|o| o["id"].is_string() && o["guest"].is_boolean()));

    // Named users: one unknown makes the run fail (exit 1) with its own line.
    let named = upns(&url);
    let list = format!("{},nobody@contoso.onmicrosoft.com", named[0]);
    let out = run(command(&url, &["users", "--users", &list]));
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let lines = stdout_lines(&out);
    assert_eq!(statuses(&lines), ["eligible", "failed"], "{lines:?}");
}

#[test]
fn a_selection_is_exactly_one_of_group_users_or_a_file_with_numbered_line_errors() {
    let (_sim, url) = sim(&["--users", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let both = run(command(
        &url,
        &["users", "--group", "G", "--users", "a@b.c"],
    ));
    assert_eq!(code(&both), Some(2));
    let none = run(command(&url, &["users"]));
    assert_eq!(code(&none), Some(2));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "upn\nkim@contoso.com\nnot a upn\n# note\nalso-bad,1\n",
    )
    .unwrap();
    let out = run(command(
        &url,
        &["users", "--users-csv", bad.to_str().unwrap()],
    ));
    assert_eq!(code(&out), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 3:") && err.contains("line 5:"), "{err}");
    assert!(
        !err.contains("line 1:") && !err.contains("line 2:"),
        "{err}"
    );
    assert!(stdout_lines(&out).is_empty());

    let missing = run(command(
        &url,
        &["users", "--users-csv", "/nonexistent/users.csv"],
    ));
    assert_eq!(code(&missing), Some(2));
}

#[test]
fn provision_takes_a_users_file_a_limit_and_json_and_never_prints_a_pin_to_a_pipe() {
    let (_sim, url) = sim(&["--users", "5"]);
    let data = tempfile::tempdir().unwrap();
    let named = upns(&url);
    // The Yubico sample's usersToRegister.csv shape: a `#` header, the UPN first.
    let file = data.path().join("usersToRegister.csv");
    let rows: String = named
        .iter()
        .map(|u| format!("{u},Someone,aWQ,c,t,login.microsoft.com\n"))
        .collect();
    std::fs::write(
        &file,
        format!("#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID\n{rows}"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let mut cmd = at(
        &url,
        data.path(),
        &[
            "provision",
            "--users-csv",
            file,
            "--soft-keys",
            "2",
            "--limit",
            "3",
            "--json",
        ],
    );
    cmd.env("NO_COLOR", "1");
    let first = run(cmd);
    ok(&first);
    let objects = json_lines(&first);
    assert_eq!(objects.len(), 3, "{objects:?}");
    assert!(objects
        .iter()
        .all(|o| o["status"] == "registered" && o["methodId"].is_string()));
    assert!(
        objects.iter().all(|o| o.get("pin").is_none()),
        "{objects:?}"
    );
    let err = stderr(&first);
    assert!(
        err.contains("3 registered") && err.contains("2 left for a later run"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "no colour on a pipe: {err}");

    let second = run(at(
        &url,
        data.path(),
        &[
            "provision",
            "--users-csv",
            file,
            "--soft-keys",
            "2",
            "--limit",
            "3",
        ],
    ));
    ok(&second);
    let lines = stdout_lines(&second);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(
        statuses(&lines)
            .iter()
            .filter(|s| **s == "registered")
            .count(),
        2
    );
    assert!(lines.iter().all(|l| !l.contains("PIN")), "{lines:?}");
    let counts = passkey_counts(&url);
    let once = counts
        .iter()
        .filter(|(u, n)| named.contains(u) && *n == 1)
        .count();
    assert_eq!(once, 5, "{counts:?}");
    assert!(counts.iter().all(|(_, n)| *n <= 1), "{counts:?}");
}

#[test]
fn prefetch_writes_the_yubico_columns_then_ours() {
    let (_sim, url) = sim(&["--users", "3", "--guests", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("usersToRegister.csv");
    let csv_arg = csv.to_str().unwrap();
    let out = run(command(
        &url,
        &[
            "prefetch",
            "--group",
            "FIDO Provisioning",
            "--out",
            csv_arg,
            "--timeout-minutes",
            "60",
        ],
    ));
    ok(&out);
    let lines = stdout_lines(&out);
    assert_eq!(
        statuses(&lines).iter().filter(|s| **s == "fetched").count(),
        3,
        "{lines:?}"
    );
    assert_eq!(
        statuses(&lines).iter().filter(|s| **s == "skipped").count(),
        1,
        "{lines:?}"
    );

    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(
        rows[0],
        "#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime,RP.ID,ObjectId,OptionsJson"
    );
    assert_eq!(rows.len(), 4, "{text}");
    let named = upns(&url);
    for row in &rows[1..] {
        let (plain, options) = row.split_once(",\"").expect("the JSON column is quoted");
        let fields: Vec<&str> = plain.split(',').collect();
        assert_eq!(fields.len(), 7, "{row}");
        assert!(named.contains(&fields[0].to_owned()), "{row}");
        assert!(!fields[2].contains('='), "user id is base64url: {row}");
        assert!(fields[4].ends_with('Z') || fields[4].contains('+'), "{row}");
        assert_eq!(fields[5], "login.microsoft.com");
        let options: serde_json::Value =
            serde_json::from_str(&options[..options.len() - 1].replace("\"\"", "\"")).unwrap();
        let key = options
            .get("publicKey")
            .or_else(|| options["value"].get("publicKey"))
            .unwrap();
        assert_eq!(key["challenge"].as_str(), Some(fields[3]));
    }
    // Nothing was registered.
    assert!(passkey_counts(&url).iter().all(|(_, n)| *n == 0));

    let bad = run(command(
        &url,
        &[
            "prefetch",
            "--group",
            "FIDO Provisioning",
            "--out",
            csv_arg,
            "--timeout-minutes",
            "3",
        ],
    ));
    assert_eq!(code(&bad), Some(2));
}

#[test]
fn inventory_lost_and_returned_follow_the_keys() {
    let (_sim, url) = sim(&["--users", "4"]);
    let data = tempfile::tempdir().unwrap();
    ok(&run(provision(&url, data.path(), 2, &["--limit", "1"])));
    // A second run without --soft-key-dir starts its simulated keys at SIM00001 again:
    // two issued keys with one serial, which `lost --serial` must refuse to guess.
    ok(&run(provision(&url, data.path(), 2, &["--limit", "1"])));
    ok(&run(provision(&url, data.path(), 2, &[])));

    let out = run(at(&url, data.path(), &["inventory"]));
    ok(&out);
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(statuses(&lines).iter().all(|s| *s == "issued"), "{lines:?}");
    let json = run(at(
        &url,
        data.path(),
        &["inventory", "--json", "--search", "SIM0000"],
    ));
    ok(&json);
    assert_eq!(json_lines(&json).len(), 4);

    let ambiguous = run(at(&url, data.path(), &["lost", "--serial", "SIM00001"]));
    assert_eq!(code(&ambiguous), Some(2), "{}", stderr(&ambiguous));
    let err = stderr(&ambiguous);
    assert!(
        err.contains("matches") && err.matches("SIM00001 ").count() >= 2,
        "{err}"
    );
    let nothing = run(at(&url, data.path(), &["lost", "--serial", "NOPE"]));
    assert_eq!(code(&nothing), Some(2));

    let first_user = lines[0].split(' ').next().unwrap().to_owned();
    let lost = run(at(&url, data.path(), &["lost", "--user", &first_user]));
    ok(&lost);
    assert_eq!(statuses(&stdout_lines(&lost)), ["revoked"]);
    let counts = passkey_counts(&url);
    assert!(
        counts.iter().any(|(u, n)| *u == first_user && *n == 0),
        "{counts:?}"
    );

    // The keys of the last run have their own serials: hand one back.
    let last = lines.last().unwrap();
    let serial = last.split(' ').nth(2).unwrap();
    let returned = run(at(&url, data.path(), &["returned", "--serial", serial]));
    ok(&returned);
    assert_eq!(statuses(&stdout_lines(&returned)), ["returned"]);
    let after = stdout_lines(&run(at(&url, data.path(), &["inventory"])));
    let words = statuses(&after);
    assert_eq!(
        words.iter().filter(|w| **w == "issued").count(),
        2,
        "{after:?}"
    );
    assert!(
        words.contains(&"revoked") && words.contains(&"returned"),
        "{after:?}"
    );

    // Both were audited, and the log still verifies.
    let verify = run(at(&url, data.path(), &["audit", "verify"]));
    ok(&verify);
}

#[test]
fn audit_verify_and_export_catch_an_edit() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    ok(&run(provision(&url, data.path(), 2, &[])));

    let verify = run(at(&url, data.path(), &["audit", "verify"]));
    ok(&verify);
    assert!(
        stdout_lines(&verify)[0].starts_with("ok "),
        "{:?}",
        stdout_lines(&verify)
    );

    let export = data.path().join("export.jsonl");
    let export_arg = export.to_str().unwrap();
    ok(&run(at(
        &url,
        data.path(),
        &["audit", "export", "--out", export_arg],
    )));
    let text = std::fs::read_to_string(&export).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let head: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        head["head"]["entries"].as_u64(),
        Some(lines.len() as u64 - 1)
    );
    assert!(head["head"]["mac"].is_string() && head["head"]["last_mac"].is_string());
    ok(&run(at(
        &url,
        data.path(),
        &["audit", "verify", "--file", export_arg],
    )));

    std::fs::write(&export, text.replacen("registered", "deleted", 1)).unwrap();
    let edited = run(at(
        &url,
        data.path(),
        &["audit", "verify", "--file", export_arg],
    ));
    assert_eq!(code(&edited), Some(1), "{}", stderr(&edited));
    assert!(stdout_lines(&edited)[0].starts_with("FAIL "));

    let log = data.path().join("audit.log");
    let original = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, original.replacen("registered", "deleted", 1)).unwrap();
    let tampered = run(at(&url, data.path(), &["audit", "verify"]));
    assert_eq!(code(&tampered), Some(1), "{}", stderr(&tampered));
}

#[test]
fn soft_keys_kept_in_a_folder_keep_their_numbers_and_private_state() {
    let (_sim, url) = sim(&["--users", "4"]);
    let data = tempfile::tempdir().unwrap();
    let keys = data.path().join("keys");
    let keys_arg = keys.to_str().unwrap();
    for _ in 0..2 {
        ok(&run(provision(
            &url,
            data.path(),
            2,
            &["--soft-key-dir", keys_arg, "--limit", "2"],
        )));
    }
    let inventory = stdout_lines(&run(at(&url, data.path(), &["inventory"])));
    let mut serials: Vec<&str> = inventory
        .iter()
        .map(|l| l.split(' ').nth(2).unwrap())
        .collect();
    assert_eq!(serials.len(), 4, "{inventory:?}");
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(
        serials.len(),
        4,
        "each kept key has its own serial: {inventory:?}"
    );
    for serial in serials {
        let state = keys.join(serial).join("state.json");
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
        assert_eq!(
            saved["credentials"].as_array().unwrap().len(),
            1,
            "{serial}"
        );
        assert!(saved["pin"]["hash"].is_string(), "{serial}: PIN state kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&state).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{serial}");
        }
    }
    let refused = run(provision(
        &url,
        data.path(),
        2,
        &["--soft-key-dir", keys_arg, "--soft-keys", "0"],
    ));
    assert_eq!(code(&refused), Some(2));
}

#[test]
fn secrets_come_from_stdin_and_login_needs_a_person() {
    let (_sim, url) = sim(&["--users", "1"]);
    let mut empty = command(&url, &["secret", "set"]);
    empty.stdin(Stdio::null());
    let out = run(empty);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("stdin"), "{}", stderr(&out));

    let out = run(command(&url, &["login"]));
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("--auth device-code"),
        "{}",
        stderr(&out)
    );

    // No flag takes a secret.
    let out = run(command(&url, &["secret", "set", "--secret", "x"]));
    assert_eq!(code(&out), Some(2));
}

#[test]
fn completions_man_pages_and_help_examples() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let mut cmd = Command::new(CLI);
        cmd.args(["completions", shell])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = run(cmd);
        ok(&out);
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("keydesk-cli") && script.contains("users-csv"),
            "{shell}"
        );
    }
    let mut man = Command::new(CLI);
    man.args(["man", "--out"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    ok(&run(man));
    for page in [
        "keydesk-cli.1",
        "keydesk-cli-provision.1",
        "keydesk-cli-prefetch.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    for sub in [
        "provision",
        "users",
        "prefetch",
        "inventory",
        "lost",
        "returned",
        "login",
        "logout",
        "completions",
        "check",
        "reconcile",
        "sim",
    ] {
        let mut cmd = Command::new(CLI);
        cmd.args([sub, "--help"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = run(cmd);
        ok(&out);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Example"),
            "{sub} --help"
        );
    }
    for sub in [
        &["audit", "verify"][..],
        &["audit", "export"],
        &["secret", "set"],
        &["secret", "clear"],
    ] {
        let mut cmd = Command::new(CLI);
        cmd.args(sub)
            .arg("--help")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = run(cmd);
        ok(&out);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Example"),
            "{sub:?} --help"
        );
    }
}
