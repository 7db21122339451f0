//! `keydesk-cli provision`: every user of a group, one line each on stdout.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::{DirectoryUser, PinPolicy};
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::hid_keys::HidKeys;
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::station::Station;
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_graph::GraphClient;

use crate::args::{Global, ProvisionArgs};
use crate::{connect, exit, out};

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: ProvisionArgs) -> u8 {
    let prepared = connect::prepare(global).and_then(|p| {
        connect::ensure_provisioning(&p.config)?;
        if args.soft_keys == Some(0) {
            return Err("--soft-keys needs at least 1 key".into());
        }
        if args.soft_keys.is_some() && !connect::is_loopback(&p.config.graph_url) {
            return Err("--soft-keys only works against a Graph on this machine (a simulated tenant): simulated keys must never be registered in a real tenant".into());
        }
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
    provision(&station, &graph, &args, metadata).await
}

async fn provision(
    station: &Station,
    graph: &GraphClient,
    args: &ProvisionArgs,
    metadata: Option<Arc<keydesk_mds::Mds>>,
) -> u8 {
    let users = match load_users(graph, &args.group).await {
        Ok(users) => users,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let (keys, workers) = key_source(args.soft_keys).await;
    let keys = keys.as_ref();
    let prefetch = Prefetch::new(4);
    let mut ctx = station.context(graph);
    ctx.prefetch = Some(&prefetch);
    ctx.operator = connect::operator_name(graph).await;
    ctx.pin_policy = PinPolicy::default();
    ctx.metadata = metadata;
    let tally = Tally::default();
    let show_pins = std::io::stdout().is_terminal();
    let report = |user: &DirectoryUser, outcome: &Outcome| {
        tally.report(user, outcome, show_pins);
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
    let total = users.len();
    if let Err(e) = batch::run(&ctx, users, keys, workers, &report).await {
        eprintln!("error: stopped: {e}\n  {}", e.remediation());
        tally.summary(total);
        return exit::FAILED;
    }
    tally.summary(total);
    if tally.failed.load(Ordering::Relaxed) > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// Simulated keys (`--soft-keys N`) or the keys plugged into this machine; and how many
/// users are worked at once (one per key).
async fn key_source(soft_keys: Option<usize>) -> (Box<dyn KeySource>, usize) {
    if let Some(n) = soft_keys {
        let rack = Arc::new(SoftRack::new());
        let serials = Arc::new(AtomicUsize::new(0));
        let blank_key = move || {
            let n = serials.fetch_add(1, Ordering::Relaxed) + 1;
            let mut key = SoftKeyConfig::with_serial(format!("SIM{n:05}"));
            key.touch = TouchMode::Auto(Duration::from_millis(20));
            key
        };
        for _ in 0..n {
            rack.plug_new(blank_key());
        }
        // Each registered key goes to its user; the next blank simulated key takes its place.
        return (
            Box::new(RackKeys::with_refill(rack, Box::new(blank_key))),
            n,
        );
    }
    let keys = HidKeys::start();
    let present = keys.present().await;
    if present == 0 {
        eprintln!("Insert a security key (waiting).");
    } else {
        eprintln!("{present} security key(s) found: touch each key when it blinks; swap in a new key after each user.");
    }
    (Box::new(keys), present.max(1))
}

async fn load_users(
    graph: &GraphClient,
    group: &str,
) -> Result<Vec<DirectoryUser>, keydesk_graph::GraphError> {
    let group = graph.find_group(group).await?;
    graph.group_users(&group.id).await
}

#[derive(Default)]
struct Tally {
    registered: AtomicUsize,
    earlier: AtomicUsize,
    skipped: AtomicUsize,
    failed: AtomicUsize,
}

impl Tally {
    fn report(&self, user: &DirectoryUser, outcome: &Outcome, show_pins: bool) {
        let line = match outcome {
            Outcome::Registered(done) => {
                self.registered.fetch_add(1, Ordering::Relaxed);
                // The contract: the PIN goes to an interactive terminal's stdout (the operator
                // reads it off the screen), never to a pipe, a file or the log.
                let pin = if show_pins {
                    format!(" PIN {}", done.pin.expose())
                } else {
                    String::new()
                };
                format!("registered {}{pin}", done.method_name)
            }
            Outcome::AlreadyRegistered => {
                self.earlier.fetch_add(1, Ordering::Relaxed);
                "skipped already registered in an earlier run".to_owned()
            }
            Outcome::Skipped(why) => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
                format!("skipped {why}")
            }
            Outcome::Failed(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                format!("failed {e} ({})", e.remediation())
            }
        };
        out::line(&format!("{} {line}", user.upn));
    }

    fn summary(&self, total: usize) {
        eprintln!(
            "{total} users: {} registered, {} already registered, {} skipped, {} failed",
            self.registered.load(Ordering::Relaxed),
            self.earlier.load(Ordering::Relaxed),
            self.skipped.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        );
    }
}
