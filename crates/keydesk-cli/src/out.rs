//! stdout, the contract's channel, written so that a reader going away is not a crash, and
//! kept for KeyDesk's own lines.
//!
//! `keydesk-cli provision | head -1` closes the pipe after one line. Rust ignores SIGPIPE,
//! so `println!` would panic on the next line; here the first failed write marks stdout
//! closed, later lines are dropped, and the run carries on (a key mid-operation is not
//! abandoned) and exits with its usual code.
//!
//! ctap-hid-fido2 prints to stdout unconditionally in places (an extension it does not
//! know, a CTAP 2.2 response member), which would put a stray line among the
//! `<UPN> <status>` lines a script reads. So on Unix [`guard`] moves the real stdout to a
//! private descriptor the contract's lines are written to, and points descriptor 1 at
//! stderr: whatever a library prints lands among the logs. (Chosen over a patched fork of
//! the crate, which would bring its code into this repository, and over redirecting around
//! each call, which would race with other keys' threads.)
//!
//! Every line is passed through [`keydesk_core::text::printable`]: a display name or key
//! model from outside cannot carry a terminal escape or a newline that forges a line.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// The real stdout once [`guard`] has moved it.
static CONTRACT: OnceLock<Mutex<File>> = OnceLock::new();

/// Keeps stdout for the contract's lines and sends descriptor 1 (a library's `println!`)
/// to stderr. Call once, after the arguments are parsed (`--help` prints to stdout).
/// Without it (or off Unix), lines go to the ordinary stdout.
pub fn guard() {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let kept = std::io::stdout().as_fd().try_clone_to_owned();
        let moved = kept.and_then(|kept| {
            rustix::stdio::dup2_stdout(std::io::stderr().as_fd())?;
            Ok(kept)
        });
        match moved {
            Ok(kept) => {
                let _ = CONTRACT.set(Mutex::new(File::from(kept)));
            }
            Err(e) => tracing::warn!(error = %e, "stdout not separated from library output"),
        }
    }
}

/// Whether the contract's stdout is a terminal (PINs are shown only then).
pub fn is_terminal() -> bool {
    match CONTRACT.get() {
        Some(file) => file.lock().map(|f| f.is_terminal()).unwrap_or(false),
        None => std::io::stdout().is_terminal(),
    }
}

/// Writes `bytes` as they are to the contract's stdout (a report, a completion script).
pub fn raw(bytes: &[u8]) -> std::io::Result<()> {
    match CONTRACT.get() {
        Some(file) => write_flushed(&mut *file.lock().unwrap_or_else(|p| p.into_inner()), bytes),
        None => write_flushed(&mut std::io::stdout().lock(), bytes),
    }
}

fn write_flushed(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(bytes).and_then(|()| out.flush())
}

/// Writes one line to stdout, unless stdout is gone.
pub fn line(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut text = keydesk_core::text::printable(text).into_owned();
    text.push('\n');
    let written = raw(text.as_bytes());
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
