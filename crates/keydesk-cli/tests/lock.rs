//! Issue 10: one `keydesk-cli provision` per data folder. A second run on a folder in use
//! exits 2 naming the holder's PID and touches nothing there.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{finish as wait_for, sim, Running};
use keydesk_engine::lock::DataDirLock;

/// No test waits longer than this for anything.
const LIMIT: Duration = Duration::from_secs(60);

fn provision(url: &str, data: &Path) -> Command {
    common::provision(url, data, 1, &[])
}

/// Runs to the end, within [`LIMIT`].
fn finish(cmd: &mut Command) -> Output {
    wait_for(cmd.spawn().unwrap(), LIMIT, "keydesk-cli")
}

/// Every file under `dir` (by path) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(folder) = todo.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.display().to_string(), bytes);
            }
        }
    }
    files
}

#[test]
fn issue10_a_run_on_a_folder_in_use_exits_2_naming_the_holder_and_changes_nothing() {
    let (_sim, url) = sim(&["--users", "2"]);
    let data = tempfile::tempdir().unwrap();
    let first = finish(&mut provision(&url, data.path()));
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let held = DataDirLock::acquire(data.path()).unwrap();
    let before = snapshot(data.path());
    for name in ["journal.sqlite", "audit.log"] {
        let path = data.path().join(name).display().to_string();
        assert!(before.contains_key(&path), "{:?}", before.keys());
    }

    let second = finish(&mut provision(&url, data.path()));
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: another KeyDesk (PID {}) is using the data folder {}",
            std::process::id(),
            data.path().display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--data-dir"), "{stderr}");
    assert!(second.stdout.is_empty());
    assert_eq!(
        snapshot(data.path()),
        before,
        "the refused run changed the folder"
    );

    // Released: the next run goes ahead (and finds everyone registered).
    drop(held);
    let third = finish(&mut provision(&url, data.path()));
    assert_eq!(
        third.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
}

#[test]
fn issue10_two_provision_runs_at_once_the_second_names_the_first() {
    // A slow tenant keeps the first run busy while the second starts.
    let (_sim, url) = sim(&["--users", "3", "--latency-ms", "300"]);
    let data = tempfile::tempdir().unwrap();
    let first = Running(provision(&url, data.path()).spawn().unwrap());
    let lock_file = data.path().join("keydesk.lock");
    let expected = format!("pid={}\n", first.0.id());
    let deadline = Instant::now() + LIMIT;
    while !std::fs::read_to_string(&lock_file).is_ok_and(|t| t.starts_with(&expected)) {
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let second = finish(&mut provision(&url, data.path()));
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("another KeyDesk (PID {})", first.0.id())),
        "{stderr}"
    );
    drop(first);
}
