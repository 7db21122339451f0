//! `keydesk-cli pins [--users UPN,...]`: the escrowed PINs shown on the terminal, one
//! user at a time; each is wiped once the operator answers `y` to "delivered?" (on
//! stderr, read from stdin). Only when stdout is a terminal: piped or redirected, it
//! exits 2 and points at `letters`, so a PIN never lands in a file or a pipe.

use std::io::{BufRead, Write};

use keydesk_engine::letters;
use keydesk_engine::station::os_user;

use super::shared;
use crate::args::Global;
use crate::paper_args::PinsArgs;
use crate::{exit, out};

/// Runs the command; returns the exit code.
pub fn run(global: &Global, args: &PinsArgs) -> u8 {
    if !out::is_terminal() {
        eprintln!(
            "error: pins shows PINs only on a terminal, and stdout is not one. To deliver \
             PINs in bulk, print letters: keydesk-cli letters --unprinted --out FILE.pdf"
        );
        return exit::USAGE;
    }
    let (station, _) = match shared::open_local(global) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let pending = match letters::pending(&station.journal, &station.escrow, args.select.selection())
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::FAILED;
        }
    };
    let some_missing = shared::warn_unmatched(&pending.without_pin, "no PIN waiting");
    if pending.letters.is_empty() {
        eprintln!("nothing to show: no registered user has a PIN waiting");
        return if some_missing { exit::FAILED } else { exit::OK };
    }
    let operator = os_user();
    let mut answers = std::io::stdin().lock();
    for letter in &pending.letters {
        out::line(&format!(
            "{} {} ({} {}) PIN {}",
            letter.upn,
            letter.display_name,
            letter.key_model,
            letter.key_serial,
            letter.pin.expose()
        ));
        eprint!(
            "Delivered to {}? The PIN is then wiped. [y/N] ",
            letter.display_name
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if answers.read_line(&mut answer).unwrap_or(0) == 0 {
            eprintln!();
            break;
        }
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            match letters::confirm_delivered(
                &station.journal,
                Some(&station.audit),
                &operator,
                &letter.user_id,
                "PIN shown",
            ) {
                Ok(_) => eprintln!("{}: PIN wiped", letter.upn),
                Err(e) => eprintln!("error: {}: {e}\n  {}", letter.upn, e.remediation()),
            }
        } else {
            eprintln!("{}: kept in escrow", letter.upn);
        }
    }
    if some_missing {
        exit::FAILED
    } else {
        exit::OK
    }
}
