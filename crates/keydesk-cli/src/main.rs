//! `keydesk-cli`: KeyDesk without a window.
//!
//! The contract scripts rely on (see README): global options before or after the command;
//! one line per user on stdout (`<UPN> <status> <detail>`), a summary and logs on stderr;
//! a PIN printed only when stdout is a terminal; exit 0 when every eligible user is
//! registered, 1 when some failed, 2 for usage or configuration errors, 3 when sign-in
//! failed.

mod args;
mod audit;
mod check;
mod completions;
mod connect;
mod import;
mod import_args;
mod inventory;
mod keys;
mod lost;
mod mds;
mod mds_args;
mod out;
mod paper;
mod paper_args;
mod prefetch;
mod progress;
mod provision;
mod reconcile;
mod report;
mod report_args;
mod secret;
mod selection;
mod sim;
mod sim_args;
mod tap;
mod tap_args;
mod users;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes of the contract.
pub mod exit {
    /// Every eligible user registered.
    pub const OK: u8 = 0;
    /// Some user failed.
    pub const FAILED: u8 = 1;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// Sign-in failed.
    pub const SIGN_IN: u8 = 3;
}

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    keydesk_engine::logging::init();
    out::guard();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            args::Command::Sim(opts) => sim::run(&cli.global, opts).await,
            args::Command::Provision(opts) => provision::run(&cli.global, opts).await,
            args::Command::Reconcile(opts) => reconcile::run(&cli.global, opts).await,
            args::Command::Check(opts) => check::run(&cli.global, opts).await,
            args::Command::Letters(opts) => paper::letters::run(&cli.global, &opts),
            args::Command::Labels(opts) => paper::labels::run(&cli.global, &opts),
            args::Command::Pins(opts) => paper::pins::run(&cli.global, &opts),
            args::Command::Users(opts) => users::run(&cli.global, opts).await,
            args::Command::Prefetch(opts) => prefetch::run(&cli.global, opts).await,
            args::Command::Inventory(opts) => inventory::run(&cli.global, opts),
            args::Command::Lost(opts) => lost::run_lost(&cli.global, opts).await,
            args::Command::Returned(opts) => lost::run_returned(&cli.global, opts).await,
            args::Command::Audit(command) => audit::run(&cli.global, command),
            args::Command::Secret(command) => secret::run(&cli.global, command),
            args::Command::Login => secret::login(&cli.global).await,
            args::Command::Logout => secret::logout(&cli.global),
            args::Command::Completions(opts) => completions::completions(&opts),
            args::Command::Man(opts) => completions::man(&opts),
            args::Command::Tap(opts) => tap::run(&cli.global, opts).await,
            args::Command::Report(opts) => report::run(&cli.global, opts).await,
            args::Command::Import(opts) => import::run(&cli.global, opts).await,
            args::Command::Mds(opts) => mds::run(&cli.global, opts).await,
        }
    });
    ExitCode::from(code)
}
