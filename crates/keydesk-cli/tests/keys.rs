//! The contract of the commands about keys and the record: `inventory`, `lost`,
//! `returned`, `audit verify|export`, and simulated keys kept in `--soft-key-dir`. Each
//! runs the real binary against `keydesk-cli sim`, with a deadline.

mod common;

use common::{
    at, code, json_lines, ok, passkey_counts, provision, run, sim, statuses, stderr, stdout_lines,
};

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

    // Hand back a key whose serial no other issued key shares (the last run's second key:
    // which of its users finished last is up to the batch).
    let serial_of = |line: &String| line.split(' ').nth(2).unwrap().to_owned();
    let serial = lines
        .iter()
        .map(serial_of)
        .find(|s| lines.iter().filter(|l| serial_of(l) == *s).count() == 1)
        .expect("one serial used once");
    let serial = serial.as_str();
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
