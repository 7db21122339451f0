//! stdout, the contract's channel, written so that a reader going away is not a crash.
//!
//! `keydesk-cli provision | head -1` closes the pipe after one line. Rust ignores SIGPIPE,
//! so `println!` would panic on the next line; here the first failed write marks stdout
//! closed, later lines are dropped, and the run carries on (a key mid-operation is not
//! abandoned) and exits with its usual code.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes one line to stdout, unless stdout is gone.
pub fn line(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let written = writeln!(out, "{text}").and_then(|()| out.flush());
    if let Err(e) = written {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("warning: stdout cannot be written ({e}); the run goes on without it");
        }
    }
}

/// One line about one user: `<UPN> <status> <detail>` as text, or with `json` one JSON
/// object `{"upn","status","detail",…extra}` on one line.
pub fn user(json: bool, upn: &str, status: &str, detail: &str, extra: serde_json::Value) {
    if json {
        let mut object = serde_json::json!({ "upn": upn, "status": status, "detail": detail });
        if let (Some(map), serde_json::Value::Object(more)) = (object.as_object_mut(), extra) {
            map.extend(more);
        }
        line(&object.to_string());
    } else if detail.is_empty() {
        line(&format!("{upn} {status}"));
    } else {
        line(&format!("{upn} {status} {detail}"));
    }
}
