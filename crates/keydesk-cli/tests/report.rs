//! `keydesk-cli report` after a provisioning run against `keydesk-cli sim`: the Yubico
//! variant starts with the sample's header byte for byte and has no PIN unless
//! `--include-pins` (then with a warning, from escrow); the desk CSV has every user.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{finish, provision, sim, CLI};

fn report(data: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let child = Command::new(CLI)
        .arg("report")
        .args(extra)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, Duration::from_secs(60), "report")
}

#[test]
fn reports_after_a_run_match_the_samples_header_and_hold_pins_only_when_asked() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    let child = provision(&url, data.path(), 1, &[]).spawn().unwrap();
    let run = finish(child, Duration::from_secs(120), "provision");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let plain = report(data.path(), &["--format", "yubico"]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(plain
        .stdout
        .starts_with(b"#upn,entraIDAuthMethodObjectId,serialNumber,PIN\r\n"));
    let text = String::from_utf8(plain.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in &rows {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 4, "{row}");
        assert!(fields[0].contains('@') && !fields[1].is_empty());
        assert_eq!(fields[3], "", "no PIN without --include-pins");
    }

    let out = data.path().join("keysRegistered.csv");
    let with_pins = report(
        data.path(),
        &[
            "--format",
            "yubico",
            "--include-pins",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(with_pins.status.code(), Some(0));
    assert!(with_pins.stdout.is_empty());
    let warning = String::from_utf8_lossy(&with_pins.stderr);
    assert!(warning.contains("2 PIN(s) in clear"), "{warning}");
    let file = std::fs::read_to_string(&out).unwrap();
    for row in file.lines().skip(1) {
        let pin = row.rsplit(',').next().unwrap();
        assert!(
            pin.len() >= 4 && pin.chars().all(|c| c.is_ascii_digit()),
            "{row}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let desk = report(data.path(), &["--format", "csv"]);
    let text = String::from_utf8(desk.stdout).unwrap();
    assert!(text.starts_with(
        "upn,displayName,status,keyModel,certification,serialNumber,methodId,updated,detail\r\n"
    ));
    assert_eq!(text.matches(",provisioned,").count(), 2, "{text}");

    let refused = report(data.path(), &["--format", "csv", "--include-pins"]);
    assert_eq!(refused.status.code(), Some(2));
}
