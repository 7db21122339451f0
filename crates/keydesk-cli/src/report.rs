//! `keydesk-cli report --format csv|yubico [--out FILE] [--include-pins]`: the desk's
//! report from its data folder, offline (no sign-in).
//!
//! `csv`: every journaled user as provisioned, pending, failed or revoked with key model,
//! serial and method id, and every phone handed out. `yubico`: the Yubico sample's
//! `keysRegistered.csv` (header `#upn,entraIDAuthMethodObjectId,serialNumber,PIN`, byte for
//! byte); its PIN column is empty unless `--include-pins`, which fills it from the escrow
//! (PINs whose letters are out are gone) and warns on stderr. Without `--out` the report
//! goes to stdout; a file with PINs is created readable by this user only.

use keydesk_engine::report::{desk_report, yubico_report};
use keydesk_engine::station::Station;

use crate::args::Global;
use crate::exit;
use crate::report_args::{ReportArgs, ReportFormat};

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: ReportArgs) -> u8 {
    if args.include_pins && args.format != ReportFormat::Yubico {
        eprintln!("error: --include-pins goes with --format yubico (the only report with PINs)");
        return exit::USAGE;
    }
    let dir = match crate::connect::data_dir(global) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let station = match Station::open(&dir) {
        Ok(station) => station,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let text = match args.format {
        ReportFormat::Csv => desk_report(&station.journal, crate::mds::cached(&dir).as_deref()),
        ReportFormat::Yubico => {
            let pins = args.include_pins.then_some(&station.escrow);
            yubico_report(&station.journal, pins).map(|(text, count)| {
                if args.include_pins {
                    eprintln!(
                        "warning: the report holds {count} PIN(s) in clear, from the escrow: \
                         keep it away from shared folders and delete it once used"
                    );
                }
                text
            })
        }
    };
    let text = match text {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let written = match &args.out {
        Some(path) => keydesk_deliver::write_private(path, text.as_bytes()),
        None => crate::out::raw(text.as_bytes()),
    };
    match written {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            exit::USAGE
        }
    }
}
