//! `keydesk-cli provision`: every selected user, one line each on stdout.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use keydesk_core::job::JobState;
use keydesk_core::{DirectoryUser, PinPolicy};
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::membership;
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::station::Station;
use keydesk_graph::GraphClient;
use serde_json::json;

use crate::args::{Global, ProvisionArgs};
use crate::progress::Progress;
use crate::selection::{self, Selected};
use crate::{connect, exit, keys, out};
use keydesk_store_pg::desk::Desk;

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: ProvisionArgs) -> u8 {
    let target = match global.store_target() {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let prepared = connect::prepare(global).and_then(|p| {
        connect::ensure_provisioning(&p.config)?;
        check_group(&args)?;
        keys::check(&args, &p.config.login_url, &p.config.graph_url)?;
        Ok(p)
    });
    // The desk's metadata BLOB, read offline (`keydesk-cli mds update|import` renew it).
    let metadata = prepared
        .as_ref()
        .ok()
        .and_then(|p| crate::mds::cached(&p.data_dir));
    let (station, graph) = match prepared {
        Ok(prepared) => match connect::open(prepared).await {
            Ok(opened) => opened,
            Err(code) => return code,
        },
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let desk = match &target {
        Some(target) => match Desk::join(
            &station,
            target,
            global.desk_name.as_deref(),
            std::time::Duration::from_secs(args.lease_secs.max(1)),
        ) {
            Ok(desk) => {
                eprintln!("desk {} on {target}", desk.store().desk());
                Some(desk)
            }
            Err(message) => {
                eprintln!("error: {message}");
                return exit::FAILED;
            }
        },
        None => None,
    };
    provision(&station, &graph, &args, metadata, desk.as_ref()).await
}

async fn provision(
    station: &Station,
    graph: &GraphClient,
    args: &ProvisionArgs,
    metadata: Option<std::sync::Arc<keydesk_mds::Mds>>,
    desk: Option<&Desk>,
) -> u8 {
    let started = Instant::now();
    let Selected { users, missing } = match selection::resolve(graph, &args.select).await {
        Ok(selected) => selected,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let tally = Tally {
        json: args.json,
        ..Tally::default()
    };
    for (name, e) in &missing {
        tally.failed.fetch_add(1, Ordering::Relaxed);
        out::user(args.json, name, "failed", &e.to_string(), json!({}));
    }
    let operator = connect::operator_name(graph).await;
    let users = match admitted(station, graph, args, &operator, users).await {
        Ok(admitted) => {
            for user in &admitted.refused {
                tally.failed.fetch_add(1, Ordering::Relaxed);
                let why = format!(
                    "not a member of {}: refused (--allow-outside-group provisions it anyway)",
                    args.within_group.as_deref().unwrap_or_default()
                );
                out::user(args.json, &user.upn, "failed", &why, json!({}));
            }
            admitted.users
        }
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::FAILED;
        }
    };
    let (users, later) = limit(station, users, args.limit);
    let (keys, workers) = match keys::source(args).await {
        Ok(source) => source,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::USAGE;
        }
    };
    let prefetch = Prefetch::new(4);
    let mut ctx = station.context(graph);
    if let Some(desk) = desk {
        ctx.escrow = desk.escrow();
    }
    ctx.prefetch = Some(&prefetch);
    ctx.operator = operator;
    ctx.pin_policy = PinPolicy::default();
    ctx.metadata = metadata;
    ctx.settings.confirmed_roles = args.allow_role_holders.clone();
    let show_pins = out::is_terminal();
    let total = users.len() + missing.len();
    let progress = Progress::new(users.len(), "provisioning");
    let report = |user: &DirectoryUser, outcome: &Outcome| {
        progress.suspend(|| tally.report(user, outcome, show_pins));
        progress.inc();
        if let Some(desk) = desk {
            desk.audit(user, outcome);
        }
        // A PIN shown on the terminal is delivered: its escrowed copy goes. Piped output
        // never carries PINs, so then the sealed copy is the only one and stays.
        if show_pins && matches!(outcome, Outcome::Registered(_)) {
            let _ = keydesk_engine::letter_printed(
                &station.journal,
                Some(&station.audit),
                &ctx.operator,
                &user.id,
            );
        }
    };
    let result = match desk {
        Some(desk) => desk.run(&ctx, users, keys.as_ref(), workers, &report).await,
        None => batch::run(&ctx, users, keys.as_ref(), workers, &report).await,
    };
    progress.finish();
    if let Err(e) = &result {
        eprintln!("error: stopped: {e}\n  {}", e.remediation());
    }
    tally.summary(total, later, started);
    if result.is_err() || tally.failed.load(Ordering::Relaxed) > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// `--limit N`: the users the journal does not show as registered count against N; the
/// registered ones are still listed (as skipped), the rest wait for a later run. Returns
/// the users to work and how many wait.
fn limit(
    station: &Station,
    users: Vec<DirectoryUser>,
    limit: Option<usize>,
) -> (Vec<DirectoryUser>, usize) {
    let Some(limit) = limit else {
        return (users, 0);
    };
    let mut taken = 0;
    let mut waiting = 0;
    let kept = users
        .into_iter()
        .filter(|user| {
            let done = matches!(
                station.journal.job(&user.id),
                Ok(Some(job)) if job.state == JobState::Registered
            );
            if done || user.ineligibility().is_some() {
                return true;
            }
            taken += 1;
            if taken > limit {
                waiting += 1;
                return false;
            }
            true
        })
        .collect();
    (kept, waiting)
}

#[derive(Default)]
struct Tally {
    json: bool,
    registered: AtomicUsize,
    earlier: AtomicUsize,
    skipped: AtomicUsize,
    failed: AtomicUsize,
}

impl Tally {
    fn report(&self, user: &DirectoryUser, outcome: &Outcome, show_pins: bool) {
        let (counter, status, detail, extra) = match outcome {
            Outcome::Registered(done) => {
                // The contract: the PIN goes to an interactive terminal's stdout (the
                // operator reads it off the screen), never to a pipe, a file or the log.
                let (pin, pin_json) = if show_pins {
                    let pin = done.pin.expose();
                    (format!(" PIN {pin}"), json!(pin))
                } else {
                    (String::new(), serde_json::Value::Null)
                };
                let mut extra = json!({
                    "methodId": done.method_id,
                    "methodName": done.method_name,
                    "keyModel": done.key_model,
                    "keySerial": done.key_serial,
                });
                if show_pins {
                    extra["pin"] = pin_json;
                }
                let detail = format!("{}{pin}", done.method_name);
                (&self.registered, "registered", detail, extra)
            }
            Outcome::AlreadyRegistered => (
                &self.earlier,
                "skipped",
                "already registered in an earlier run".to_owned(),
                json!({ "reason": "alreadyRegistered" }),
            ),
            Outcome::Skipped(why) => (
                &self.skipped,
                "skipped",
                why.clone(),
                json!({ "reason": "notEligible" }),
            ),
            Outcome::Failed(e) => (
                &self.failed,
                "failed",
                format!("{e} ({})", e.remediation()),
                json!({}),
            ),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let extra = match extra {
            serde_json::Value::Object(mut map) => {
                map.insert("id".into(), json!(user.id));
                serde_json::Value::Object(map)
            }
            other => other,
        };
        out::user(self.json, &user.upn, status, &detail, extra);
    }

    fn summary(&self, total: usize, later: usize, started: Instant) {
        let waiting = if later > 0 {
            format!(", {later} left for a later run (--limit)")
        } else {
            String::new()
        };
        eprintln!(
            "{total} users: {} registered, {} already registered, {} skipped, {} failed{waiting} in {:.1} s",
            self.registered.load(Ordering::Relaxed),
            self.earlier.load(Ordering::Relaxed),
            self.skipped.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64(),
        );
    }
}

/// A list of names needs a group to belong to, or the operator's word that it need not.
fn check_group(args: &ProvisionArgs) -> Result<(), String> {
    let names = args.select.group.is_none();
    if names && args.within_group.is_none() && !args.allow_outside_group {
        return Err(
            "--users and --users-csv need --within-group NAME (only its members are \
                    provisioned) or --allow-outside-group"
                .into(),
        );
    }
    Ok(())
}

/// The selected users KeyDesk may provision: a list of names is kept to --within-group
/// unless --allow-outside-group (see `keydesk_engine::membership`).
async fn admitted(
    station: &Station,
    graph: &GraphClient,
    args: &ProvisionArgs,
    operator: &str,
    users: Vec<DirectoryUser>,
) -> Result<membership::Admitted, keydesk_engine::ProvisionError> {
    if args.select.group.is_some() {
        return Ok(membership::Admitted {
            users,
            refused: Vec::new(),
        });
    }
    let mut ctx = station.context(graph);
    ctx.operator = operator.to_owned();
    let group = args.within_group.as_deref();
    membership::within_group(&ctx, users, group, args.allow_outside_group).await
}
