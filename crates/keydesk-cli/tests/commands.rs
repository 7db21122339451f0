//! The contract of the commands that select users (`users`, `provision`, `prefetch`) and
//! of `secret`, `login`, `completions`, `man`, `--help`. Each runs the real binary
//! against `keydesk-cli sim`, with a deadline. Keys and the audit log: `keys.rs`.

mod common;

use std::process::{Command, Stdio};

use common::{
    at, code, command, json_lines, ok, passkey_counts, run, sim, statuses, stderr, stdout_lines,
    upns, CLI,
};

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
            "--within-group",
            "FIDO Provisioning",
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
            "--within-group",
            "FIDO Provisioning",
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
        "audit",
        "secret",
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

#[test]
fn named_users_outside_the_group_are_refused_unless_allowed_and_audited() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    let member = upns(&url).remove(0);
    let helpdesk = run(command(&url, &["users", "--group", "Helpdesk", "--json"]));
    ok(&helpdesk);
    let outsider = json_lines(&helpdesk)[0]["upn"].as_str().unwrap().to_owned();
    let list = format!("{member},{outsider}");
    let provision = |extra: &[&str]| {
        let mut args = vec!["provision", "--users", &list, "--soft-keys", "1"];
        args.extend_from_slice(extra);
        run(at(&url, data.path(), &args))
    };

    // A list of names without a group to check is refused before anything is opened.
    let bare = provision(&[]);
    assert_eq!(code(&bare), Some(2));
    assert!(
        stderr(&bare).contains("--within-group"),
        "{}",
        stderr(&bare)
    );
    let count = |upn: &str| {
        passkey_counts(&url)
            .into_iter()
            .find(|(u, _)| u == upn)
            .map_or(0, |(_, n)| n)
    };
    assert_eq!(count(&member) + count(&outsider), 0);

    let kept = provision(&["--within-group", "FIDO Provisioning"]);
    assert_eq!(code(&kept), Some(1), "{}", stderr(&kept));
    let lines = stdout_lines(&kept);
    let refused: Vec<_> = lines.iter().filter(|l| l.starts_with(&outsider)).collect();
    assert_eq!(refused.len(), 1, "{lines:?}");
    assert!(
        refused[0].contains("not a member of FIDO Provisioning"),
        "{lines:?}"
    );
    assert_eq!((count(&member), count(&outsider)), (1, 0));

    let allowed = provision(&[
        "--within-group",
        "FIDO Provisioning",
        "--allow-outside-group",
    ]);
    ok(&allowed);
    assert_eq!((count(&member), count(&outsider)), (1, 1));
    let text = std::fs::read_to_string(data.path().join("audit.log")).unwrap();
    assert!(text.contains("outside group refused"), "{text}");
    assert!(text.contains("outside group allowed"), "{text}");
}
