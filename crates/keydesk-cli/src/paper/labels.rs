//! `keydesk-cli labels [--users UPN,...|--unprinted] --out FILE.pdf`: a sheet of key
//! labels (3 × 8 per A4), each with the user's name and the matching code printed on
//! their PIN letter. `--unprinted` (the default) takes the keys whose letter is not
//! delivered yet, so print labels before letters; named users' labels print at any time.
//! No PIN is involved. stdout: `<UPN> label <code>`. Nothing to print: exit 0 with a
//! sentence on stderr; a named user with no registered key: a warning, exit 1. With
//! `--store postgres://…` the keys are the shared store's (any desk's).

use keydesk_deliver::{key_label, labels_pdf, write_private, RenderError};
use keydesk_engine::port::LetterStore;
use keydesk_paper::KeyLabel;

use super::shared;
use crate::args::Global;
use crate::paper_args::LabelsArgs;
use crate::{exit, out};

/// Runs the command; returns the exit code.
pub fn run(global: &Global, args: &LabelsArgs) -> u8 {
    let (station, _) = match shared::open_local(global) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let shared = match shared::open_shared(global) {
        Ok(shared) => shared,
        Err(code) => return code,
    };
    let source: &dyn LetterStore = match &shared {
        Some((store, _)) => store,
        None => &station.journal,
    };
    let rendered = match labels_pdf(source, args.select.selection()) {
        Ok(rendered) => rendered,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return match e {
                RenderError::Engine(_) => exit::FAILED,
                RenderError::Paper(_) => exit::USAGE,
            };
        }
    };
    let some_missing = shared::warn_unmatched(&rendered.unmatched, "no registered key here");
    if rendered.facts.is_empty() {
        eprintln!("nothing to print: no key waiting for its letter (name users with --users)");
        return if some_missing { exit::FAILED } else { exit::OK };
    }
    let (facts, pdf) = (rendered.facts, rendered.pdf);
    let labels: Vec<KeyLabel> = facts.iter().map(key_label).collect();
    if let Err(e) = write_private(&args.out, &pdf) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return exit::FAILED;
    }
    for (fact, label) in facts.iter().zip(&labels) {
        out::line(&format!("{} label {}", fact.upn, label.code));
    }
    eprintln!("{}: {} label(s)", args.out.display(), labels.len());
    if some_missing {
        exit::FAILED
    } else {
        exit::OK
    }
}
