//! `keydesk-cli audit verify [--file EXPORT]` and `keydesk-cli audit export --out FILE`.
//!
//! The export's format is defined once, by the engine's `AuditLog::export` and checked by
//! its `verify_export` (docs/AUDIT-EXPORT.md): the log's JSON lines as they are, then
//! `{"head":{"entries":N,"last_mac":"…","mac":"…"}}` authenticated with the audit key.
//! Neither needs a tenant: the key is in the data folder's secret store.
//! `verify` prints `ok <N> entries, head <mac>` and exits 0, or says what does not verify
//! and exits 1; 2 when the folder or file cannot be read.

use std::io::Write;
use std::path::Path;

use keydesk_engine::audit::{self, AuditError};
use keydesk_engine::station::{Station, StationError, StationFiles};

use crate::args::{AuditCommand, AuditExportArgs, AuditVerifyArgs, Global};
use crate::{exit, out};

/// Runs the command; returns the exit code.
pub fn run(global: &Global, command: AuditCommand) -> u8 {
    match command {
        AuditCommand::Verify(args) => verify(global, &args),
        AuditCommand::Export(args) => export(global, &args),
    }
}

fn open(global: &Global) -> Result<(Station, std::path::PathBuf), u8> {
    let dir = global.create_data_dir().map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    match Station::open(&dir) {
        Ok(station) => Ok((station, dir)),
        Err(StationError::Audit(
            e @ (AuditError::Tampered { .. } | AuditError::Truncated { .. }),
        )) => {
            eprintln!("error: the audit log does not verify: {e}");
            out::line(&format!("FAIL {e}"));
            Err(exit::FAILED)
        }
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            Err(exit::USAGE)
        }
    }
}

fn verify(global: &Global, args: &AuditVerifyArgs) -> u8 {
    let (station, dir) = match open(global) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let key = match station.store.get_or_create("audit") {
        Ok(key) => key,
        Err(e) => {
            eprintln!("error: the audit key cannot be read: {e}");
            return exit::USAGE;
        }
    };
    let checked = match &args.file {
        Some(file) => match std::fs::read_to_string(file) {
            Ok(text) => audit::verify_export(&text, key.as_ref()),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return exit::USAGE;
            }
        },
        None => audit::verify(
            &dir.join(StationFiles::DESK.audit),
            key.as_ref(),
            &station.journal,
        ),
    };
    match checked {
        Ok((entries, mac)) => {
            out::line(&format!("ok {entries} entries, head {mac}"));
            exit::OK
        }
        Err(e) => {
            out::line(&format!("FAIL {e}"));
            eprintln!("error: the audit log does not verify: {e}");
            exit::FAILED
        }
    }
}

fn export(global: &Global, args: &AuditExportArgs) -> u8 {
    let (station, _) = match open(global) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let text = match station.audit.export() {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if let Err(e) = write_new(&args.out, text.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return exit::USAGE;
    }
    let (entries, _) = station.audit.head();
    eprintln!("{entries} audit entries written to {}", args.out.display());
    exit::OK
}

/// Writes `bytes` to `path` through a temporary file beside it, so a reader never sees
/// half a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
