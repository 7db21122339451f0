//! `keydesk-cli letters [--users UPN,...|--unprinted] --out FILE.pdf [--template FILE]`:
//! PIN letters for registered users whose PIN is still in escrow, one page each.
//!
//! The PDF is written straight to FILE (created 0600, no temporary file) and synced;
//! only then is each letter's PIN wiped from escrow, its key's inventory entry marked
//! "letter issued" and an audit line written. stdout: `<UPN> letter-issued <code>`, one
//! line per letter. Nothing to print: exit 0 with a sentence on stderr and no file. A
//! named user without a waiting PIN: a warning, the others are printed, exit 1.
//!
//! With `--store postgres://…` the letters are the shared store's (any desk's users,
//! PINs opened with the pool's escrow), and delivering one wipes its PIN there, marks
//! the key in the shared inventory and adds an entry to the shared audit chain.

use keydesk_deliver::{outside_data_dir, pin_letters_pdf, write_private, RenderError};
use keydesk_engine::escrow::Escrow;
use keydesk_engine::letters;
use keydesk_engine::port::{JobStore, LetterStore};
use keydesk_engine::station::{os_user, Station};
use keydesk_paper::{missing_glyphs, PinLetter};
use keydesk_store_pg::pool::PoolSecret;
use keydesk_store_pg::PgStore;

use super::shared;
use super::template;
use crate::args::Global;
use crate::paper_args::LettersArgs;
use crate::{exit, out};

/// Runs the command; returns the exit code.
pub fn run(global: &Global, args: &LettersArgs) -> u8 {
    let template = match template::load(args.template.as_deref()) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let (station, data_dir) = match shared::open_local(global) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    if let Err(message) = outside_data_dir(&args.out, &data_dir) {
        eprintln!("error: --out {message}");
        return exit::USAGE;
    }
    let shared = match shared_store(global) {
        Ok(shared) => shared,
        Err(code) => return code,
    };
    let (source, escrow): (&dyn LetterStore, &Escrow) = match &shared {
        Some((store, _, escrow)) => (store, escrow),
        None => (&station.journal, &station.escrow),
    };
    let rendered = match pin_letters_pdf(source, escrow, args.select.selection(), &template) {
        Ok(rendered) => rendered,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return match e {
                RenderError::Engine(_) => exit::FAILED,
                RenderError::Paper(_) => exit::USAGE,
            };
        }
    };
    let some_missing = shared::warn_unmatched(
        &rendered.without_pin,
        "no PIN waiting for a letter (not registered here, or its letter was already issued)",
    );
    if rendered.letters.is_empty() {
        eprintln!("nothing to print: no registered user has a PIN waiting for a letter");
        return if some_missing { exit::FAILED } else { exit::OK };
    }
    let (letters, pdf) = (rendered.letters, rendered.pdf);
    for letter in &letters {
        let who = &letter.recipient;
        let missing = missing_glyphs(&format!("{}{}", who.display_name, who.upn));
        if !missing.is_empty() {
            let chars: String = missing.iter().collect();
            eprintln!("warning: {}: the letter font has no glyphs for {chars:?}; they print as empty boxes", who.upn);
        }
    }
    if let Err(e) = write_private(&args.out, &pdf) {
        eprintln!(
            "error: cannot write {}: {e}\n  No PIN was wiped: fix the path or free space and run again.",
            args.out.display()
        );
        return exit::FAILED;
    }
    let issued = match &shared {
        Some((store, pool, _)) => deliver_shared(&station, store, pool, &letters),
        None => deliver(&station, &letters),
    };
    eprintln!(
        "{} holds {issued} PIN(s) in clear: print it, check every page, then delete it \
         (e.g. shred -u {}). The PINs are no longer kept by KeyDesk.",
        args.out.display(),
        args.out.display()
    );
    if some_missing || issued < letters.len() {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// The shared store (`--store`) with the pool secret and the pool's escrow; `None`
/// without `--store`.
fn shared_store(global: &Global) -> Result<Option<(PgStore, PoolSecret, Escrow)>, u8> {
    let Some((store, pool)) = shared::open_shared(global)? else {
        return Ok(None);
    };
    let escrow = store.pool_escrow(&pool).map_err(|e| {
        eprintln!("error: {e}\n  {}", e.remediation());
        exit::FAILED
    })?;
    Ok(Some((store, pool, escrow)))
}

/// Wipes each written letter's PIN in the shared store (and any copy in this desk's
/// journal), marks the key's letter in the shared inventory and audits it in the shared
/// chain; returns how many were.
fn deliver_shared(
    station: &Station,
    store: &PgStore,
    pool: &PoolSecret,
    letters: &[PinLetter],
) -> usize {
    let operator = os_user();
    let mut issued = 0;
    for letter in letters {
        let upn = &letter.recipient.upn;
        let user = &letter.user_id;
        let done = store.wipe_pin(user).and_then(|wiped| {
            if wiped {
                store.record_letter_issued(user, keydesk_engine::system_now())?;
            }
            Ok(wiped)
        });
        match done {
            Ok(_) => {
                // This desk's own copy, if it sealed the PIN (sealed under the same
                // batch key, so it opens no more once that batch is destroyed).
                let _ = station.journal.wipe_pin(user);
                let line = format!("letter issued {upn} ({user}) by {operator}");
                if let Err(e) = store.audit_append(pool, &line) {
                    eprintln!("warning: shared audit: {e}");
                }
                issued += 1;
                out::line(&format!("{upn} letter-issued {}", letter.code()));
            }
            Err(e) => eprintln!(
                "error: {upn}: the PIN could not be wiped: {e}\n  {}",
                e.remediation()
            ),
        }
    }
    issued
}

/// Wipes each written letter's PIN and records the letter; returns how many were.
fn deliver(station: &Station, letters: &[PinLetter]) -> usize {
    let operator = os_user();
    let mut issued = 0;
    for letter in letters {
        let upn = &letter.recipient.upn;
        match letters::confirm_delivered(
            &station.journal,
            Some(&station.audit),
            &operator,
            &letter.user_id,
            "letter issued",
        ) {
            Ok(_) => {
                issued += 1;
                out::line(&format!("{upn} letter-issued {}", letter.code()));
            }
            Err(e) => eprintln!(
                "error: {upn}: the PIN could not be wiped: {e}\n  {}",
                e.remediation()
            ),
        }
    }
    issued
}
