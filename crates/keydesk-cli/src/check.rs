//! `keydesk-cli check --group NAME`: is this tenant ready for provisioning? Read calls only.
//!
//! One verdict per stdout line, `ok   …`, `FAIL …` or `info …`; every FAIL line ends with
//! `fix: …`, the permission or role to add and where in the Entra admin center. The check
//! itself is the engine's ([`keydesk_engine::tenant_check`], shared with the app's
//! connection screen); this module reads the options, prints each line as it comes and
//! picks the exit code. The data folder is not opened (no lock is taken), so a check can
//! run while a provisioning run is going on.
//!
//! Exit codes: 0 when provisioning can work, 1 when a line says FAIL, 2 for usage or
//! configuration errors, 3 when sign-in fails.

use keydesk_engine::tenant_check::{self, Outcome};

use crate::args::{CheckArgs, Global};
use crate::{connect, exit, out};

/// Runs the check.
pub async fn run(global: &Global, args: CheckArgs) -> u8 {
    let (config, credentials) = match connect::tenant(global) {
        Ok(prepared) => prepared,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if args.group.trim().is_empty() {
        eprintln!("error: --group is empty");
        return exit::USAGE;
    }
    let graph = match connect::client(config, credentials) {
        Ok(graph) => graph,
        Err(code) => return code,
    };
    let mut print = |line: tenant_check::Line| out::line(&line.render());
    match tenant_check::run(&graph, &args.group, &mut print).await {
        Outcome::SignInFailed => {
            eprintln!("check: sign-in failed, nothing else was checked");
            exit::SIGN_IN
        }
        Outcome::TokenFailed => exit::SIGN_IN,
        Outcome::Checked { failed: 0 } => {
            eprintln!("check: provisioning can work with these settings");
            exit::OK
        }
        Outcome::Checked { failed } => {
            eprintln!(
                "check: {failed} line(s) say FAIL: provisioning would not work until they are fixed"
            );
            exit::FAILED
        }
    }
}
