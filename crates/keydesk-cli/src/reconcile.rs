//! `keydesk-cli reconcile --user UPN [--method ID | --none]`: the operator's decision on a
//! job whose registration could not be confirmed (`needs_attention`).
//!
//! Without a decision it prints the job and the user's passkeys, marking those new since
//! the attempt (the candidates). `--method ID` records that passkey as the job's (it must
//! be listed for the user); `--none` says none is, and the next `provision` run starts the
//! job again with a fresh challenge. stdout: `<UPN> <state> <detail>` lines.

use keydesk_core::job::JobState;
use keydesk_engine::resume;
use keydesk_engine::station::Station;
use keydesk_graph::GraphClient;

use crate::args::{Global, ReconcileArgs};
use crate::{connect, exit, out};

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: ReconcileArgs) -> u8 {
    let prepared = match connect::prepare(global) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    match connect::open(prepared).await {
        Ok((station, graph)) => reconcile(&station, &graph, &args).await,
        Err(code) => code,
    }
}

async fn reconcile(station: &Station, graph: &GraphClient, args: &ReconcileArgs) -> u8 {
    let user = match graph.user(&args.user).await {
        Ok(user) => user,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let mut ctx = station.context(graph);
    ctx.operator = connect::operator_name(graph).await;
    if args.method.is_none() && !args.none {
        return show(station, graph, &user).await;
    }
    let decision = args.method.as_deref();
    match resume::resolve(&ctx, &user, decision).await {
        Ok(state) => {
            let detail = match (state, decision) {
                (JobState::Registered, Some(id)) => format!("passkey {id} is this job's"),
                _ => "no passkey is this job's: the next provision run starts it again".into(),
            };
            out::line(&format!("{} {} {detail}", user.upn, state.as_str()));
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            exit::USAGE
        }
    }
}

/// Prints the job and the user's passkeys (`*` marks one new since the attempt).
async fn show(station: &Station, graph: &GraphClient, user: &keydesk_core::DirectoryUser) -> u8 {
    let job = match station.journal.job(&user.id) {
        Ok(Some(job)) => job,
        Ok(None) => {
            out::line(&format!(
                "{} none the journal has no job for this user",
                user.upn
            ));
            return exit::OK;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    out::line(&format!(
        "{} {} {}",
        user.upn,
        job.state.as_str(),
        job.detail.as_deref().unwrap_or("")
    ));
    let passkeys = match graph.passkeys(&user.id).await {
        Ok(passkeys) => passkeys,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::FAILED;
        }
    };
    let before = job.attempt.map(|a| a.before).unwrap_or_default();
    for p in passkeys {
        let mark = if before.contains(&p.id) { " " } else { "*" };
        eprintln!(
            "{mark} {}  {:?}  created {}  aaguid {}",
            p.id,
            p.display_name.unwrap_or_default(),
            p.created.unwrap_or_default(),
            p.aaguid.unwrap_or_default()
        );
    }
    if job.state == JobState::NeedsAttention {
        eprintln!(
            "Decide with: keydesk-cli reconcile --user {} --method ID   (or --none)",
            user.upn
        );
    }
    exit::OK
}
