//! Issue 10: two processes on one data folder. The lock is taken by a child process (this
//! test binary run again, in [`child_holds_the_lock`]), and the parent must be refused
//! with the child's PID, then get the lock once the child is killed with SIGKILL.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use keydesk_engine::lock::{DataDirLock, LockError};

/// Set in the child: the data folder to lock.
const CHILD_DIR: &str = "KEYDESK_LOCK_TEST_CHILD_DIR";
/// What the child prints once it holds the lock.
const READY: &str = "LOCK HELD";
/// No test waits longer than this for anything.
const LIMIT: Duration = Duration::from_secs(30);

/// The child's side: a no-op in a normal run; with [`CHILD_DIR`] set, takes the lock,
/// says so, and holds it until killed (or [`LIMIT`] passes, so it can never linger).
#[test]
fn child_holds_the_lock() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let _lock = DataDirLock::acquire(Path::new(&dir)).expect("the child takes the lock");
    println!("{READY}");
    std::thread::sleep(LIMIT);
}

/// A child process, killed when dropped.
struct Holder(Child);

impl Holder {
    fn start(dir: &Path) -> Holder {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_holds_the_lock", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(CHILD_DIR, dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let holder = Holder(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains(READY) {
                    let _ = tx.send(());
                }
            }
        });
        rx.recv_timeout(LIMIT)
            .expect("the child did not take the lock in time");
        holder
    }

    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Tries to take the lock until it is free, or [`LIMIT`] passes.
fn acquire_within_limit(dir: &Path) -> Result<DataDirLock, LockError> {
    let deadline = Instant::now() + LIMIT;
    loop {
        match DataDirLock::acquire(dir) {
            Err(LockError::Held { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

#[test]
fn issue10_a_folder_held_by_another_process_is_refused_with_its_pid_and_freed_by_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut holder = Holder::start(dir.path());

    let err = DataDirLock::acquire(dir.path()).unwrap_err();
    match &err {
        LockError::Held { pid, path } => {
            assert_eq!(*pid, Some(holder.0.id()), "{err}");
            assert_eq!(path, dir.path());
        }
        other => panic!("expected Held, got {other}"),
    }
    let text = err.to_string();
    assert!(text.contains(&format!("(PID {})", holder.0.id())), "{text}");
    assert!(text.contains(&dir.path().display().to_string()), "{text}");
    assert!(err.remediation().contains("--data-dir"));

    // SIGKILL: no destructor runs in the child; the OS drops its lock.
    holder.kill();
    let lock = acquire_within_limit(dir.path()).expect("the lock is free after the kill");
    let written = std::fs::read_to_string(lock.path()).unwrap();
    assert!(
        written.starts_with(&format!("pid={}\n", std::process::id())),
        "{written}"
    );
}

#[test]
fn a_lock_dropped_in_this_process_is_free_again_and_a_held_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let first = DataDirLock::acquire(dir.path()).unwrap();
    assert!(matches!(
        DataDirLock::acquire(dir.path()),
        Err(LockError::Held { .. })
    ));
    drop(first);
    // Another test of this binary may be spawning a child at this instant: a fork holds a
    // copy of every descriptor until its exec, so the release can take a moment.
    let _again = acquire_within_limit(dir.path()).expect("free again once dropped");
}
