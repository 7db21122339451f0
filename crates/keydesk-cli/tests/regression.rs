//! Regressions of the command line, each named after what it broke.

mod common;

use std::io::{BufRead, BufReader};
use std::time::Duration;

use common::{finish, provision, sim};

const LIMIT: Duration = Duration::from_secs(60);

/// Issue 12: `keydesk-cli provision | head -1` must end quietly, not panic on the closed
/// pipe, and still finish the batch.
#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    let (_sim, url) = sim(&["--users", "4"]);
    let data = tempfile::tempdir().unwrap();
    let mut child = provision(&url, data.path(), 1, &[]).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here, like `head -1` exiting.
    assert!(first.contains(" registered "), "{first}");
    let out = finish(child, LIMIT, "provision with a closed stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("4 users: 4 registered"), "{stderr}");
}

/// Issue 10: `reconcile` decides only a job that needs attention, and says so otherwise.
#[test]
fn reconcile_refuses_a_job_that_needs_no_decision() {
    let (_sim, url) = sim(&["--users", "1"]);
    let data = tempfile::tempdir().unwrap();
    let done = finish(
        provision(&url, data.path(), 1, &[]).spawn().unwrap(),
        LIMIT,
        "provision",
    );
    assert_eq!(done.status.code(), Some(0));
    let upn = String::from_utf8_lossy(&done.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let reconcile = |extra: &[&str]| {
        let mut cmd = common::command(&url, &["reconcile", "--user", &upn]);
        cmd.args(extra).arg("--data-dir").arg(data.path());
        finish(cmd.spawn().unwrap(), LIMIT, "reconcile")
    };
    let shown = reconcile(&[]);
    assert_eq!(shown.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(stdout.starts_with(&format!("{upn} registered")), "{stdout}");
    let refused = reconcile(&["--none"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("does not need attention"), "{stderr}");
}
