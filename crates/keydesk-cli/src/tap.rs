//! `keydesk-cli tap --users UPN,UPN... [--lifetime-minutes M] [--one-time] [--replace]`:
//! a Temporary Access Pass per user, for onboarding a phone (a passkey in Microsoft
//! Authenticator) or a security key at the user's own desk.
//!
//! The passes are shown only on a terminal: with stdout piped or redirected the command
//! exits 2 before signing in or issuing anything, so a pass never lands in a file or a
//! log. The other way out is `--out FILE.pdf`: onboarding letters (keydesk-paper's
//! `tap_letters`), written 0600 and synced, and the pass exists nowhere else. The TAP
//! policy is checked once for the whole batch (a request it refuses issues nothing, exit
//! 2); a user holding an active pass keeps it unless `--replace` (Graph would replace it
//! silently). stdout, one line per pass: `<UPN> <pass> valid <start> to <end> [one-time]`;
//! refused users on stderr; exit 1 when some user got no pass.

use keydesk_engine::passes::TemporaryAccessPasses;
use keydesk_engine::tap_batch::{issue_passes, IssuedPass};
use keydesk_engine::{Context, ProvisionError};

use std::path::Path;

use keydesk_deliver::{tap_letters_pdf, write_private};
use keydesk_paper::LetterTemplate;

use crate::args::Global;
use crate::paper::template;
use crate::tap_args::TapArgs;
use crate::{connect, exit, out};

/// Issues the passes (for a terminal or a letter renderer): per user, in order, the pass
/// or why none was issued. `Err` when the TAP policy refuses the request as a whole.
pub async fn issue(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    args: &TapArgs,
) -> Result<Vec<Result<IssuedPass, (String, ProvisionError)>>, ProvisionError> {
    let users: Vec<String> = args
        .users
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    issue_passes(ctx, passes, &users, args.options()).await
}

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: TapArgs) -> u8 {
    let template = match args
        .out
        .as_deref()
        .map(|_| template::load(args.template.as_deref()))
    {
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
        Some(Ok(template)) => Some(template),
        None => None,
    };
    if args.out.is_none() && !out::is_terminal() {
        eprintln!(
            "error: stdout is not a terminal: Temporary Access Passes are shown only on a \
             terminal, never written to a pipe or a file; nothing was issued"
        );
        return exit::USAGE;
    }
    let prepared = match connect::prepare(global) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let (station, graph) = match connect::open(prepared).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let mut ctx = station.context(&graph);
    ctx.operator = connect::operator_name(&graph).await;
    let results = match issue(&ctx, &graph, &args).await {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    if let (Some(path), Some(template)) = (&args.out, &template) {
        return letters(path, template, results);
    }
    let mut failed = 0;
    for result in results {
        match result {
            Ok(pass) => out::line(&format!(
                "{} {} valid {} to {}{}",
                pass.upn,
                pass.pass.expose(),
                pass.start_text(),
                pass.end_text(),
                if pass.one_time { " one-time" } else { "" }
            )),
            Err((user, e)) => {
                failed += 1;
                eprintln!("{user} no-pass {e}\n  {}", e.remediation());
            }
        }
    }
    if failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// Renders the issued passes as letters into `path`; the refused users on stderr.
fn letters(
    path: &Path,
    template: &LetterTemplate,
    results: Vec<Result<IssuedPass, (String, ProvisionError)>>,
) -> u8 {
    let mut failed = 0;
    let mut passes = Vec::new();
    for result in results {
        match result {
            Ok(pass) => passes.push(pass),
            Err((user, e)) => {
                failed += 1;
                eprintln!("{user} no-pass {e}\n  {}", e.remediation());
            }
        }
    }
    if !passes.is_empty() {
        let written = tap_letters_pdf(template, &passes)
            .map_err(|e| e.to_string())
            .and_then(|pdf| write_private(path, &pdf).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!(
                "error: cannot write {}: {e}; the passes issued are in Entra only: \
                 delete them there or run again with --replace",
                path.display()
            );
            return exit::USAGE;
        }
        for pass in &passes {
            out::line(&format!("{} letter", pass.upn));
        }
        eprintln!(
            "{} holds {} Temporary Access Pass(es): print it, then delete it",
            path.display(),
            passes.len()
        );
    }
    if failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}
