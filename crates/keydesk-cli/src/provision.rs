//! `keydesk-cli provision`: every user of a group, one line each on stdout.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::{DirectoryUser, PinPolicy};
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::provision::system_now;
use keydesk_engine::{Context, Journal};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_graph::{ApiVersion, Credentials, GraphClient, GraphConfig, Secret};
use url::Url;

use crate::args::{Auth, Global, ProvisionArgs};
use crate::exit;

/// Runs the command; returns the exit code.
pub async fn run(global: &Global, args: ProvisionArgs) -> u8 {
    match prepare(global, &args) {
        Ok((config, credentials, data_dir)) => {
            provision(config, credentials, data_dir, &args).await
        }
        Err(message) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
    }
}

type Prepared = (GraphConfig, Credentials, PathBuf);

fn prepare(global: &Global, args: &ProvisionArgs) -> Result<Prepared, String> {
    if global.auth != Auth::Secret {
        return Err(format!(
            "--auth {:?} is not available yet; use --auth secret with KEYDESK_CLIENT_SECRET",
            global.auth
        )
        .to_lowercase());
    }
    let tenant = global.tenant.clone().ok_or("--tenant is required")?;
    let client_id = global.client_id.clone().ok_or("--client-id is required")?;
    let secret = std::env::var("KEYDESK_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or("set the client secret in the KEYDESK_CLIENT_SECRET environment variable")?;
    let mut config = GraphConfig::global(tenant, client_id);
    if let Some(login) = &global.login_url {
        config.login_url = parse_url("--login-url", login)?;
    }
    if let Some(graph) = &global.graph_url {
        config.graph_url = parse_url("--graph-url", graph)?;
    }
    config.api = ApiVersion::V1;
    if let Some(n) = args.soft_keys {
        if n == 0 {
            return Err("--soft-keys needs at least 1 key".into());
        }
        if !is_loopback(&config.graph_url) {
            return Err("--soft-keys only works against a Graph on this machine (a simulated tenant): simulated keys must never be registered in a real tenant".into());
        }
    } else {
        return Err("this version drives simulated keys only: pass --soft-keys N against a simulated tenant (the hardware driver comes in a later release)".into());
    }
    let data_dir = match &global.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .ok_or("no data folder is known for this user: pass --data-dir")?
            .join("keydesk"),
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data_dir.display()))?;
    Ok((
        config,
        Credentials::ClientSecret(Secret::new(secret)),
        data_dir,
    ))
}

fn parse_url(flag: &str, text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| format!("{flag} {text:?} is not a URL: {e}"))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

async fn provision(
    config: GraphConfig,
    credentials: Credentials,
    data_dir: PathBuf,
    args: &ProvisionArgs,
) -> u8 {
    let journal = match Journal::open(&data_dir.join("journal.sqlite")) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let graph = match GraphClient::new(config, credentials) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    if let Err(e) = graph.sign_in().await {
        eprintln!("error: sign-in failed: {e}\n  {}", e.remediation());
        return exit::SIGN_IN;
    }
    let users = match load_users(&graph, &args.group).await {
        Ok(users) => users,
        Err(e) => {
            eprintln!("error: {e}\n  {}", e.remediation());
            return exit::USAGE;
        }
    };
    let rack = Arc::new(SoftRack::new());
    let soft_keys = args.soft_keys.unwrap_or(1);
    let serials = Arc::new(AtomicUsize::new(0));
    let blank_key = move || {
        let n = serials.fetch_add(1, Ordering::Relaxed) + 1;
        let mut key = SoftKeyConfig::with_serial(format!("SIM{n:05}"));
        key.touch = TouchMode::Auto(Duration::from_millis(20));
        key
    };
    for _ in 0..soft_keys {
        rack.plug_new(blank_key());
    }
    // Each registered key goes to its user; the next blank simulated key takes its place.
    let keys = RackKeys::with_refill(rack, Box::new(blank_key));
    let ctx = Context {
        graph: &graph,
        journal: &journal,
        pin_policy: PinPolicy::default(),
        challenge_timeout_minutes: None,
        now: system_now,
    };
    let tally = Tally::default();
    let show_pins = std::io::stdout().is_terminal();
    let report = |user: &DirectoryUser, outcome: &Outcome| tally.report(user, outcome, show_pins);
    let total = users.len();
    if let Err(e) = batch::run(&ctx, users, &keys, soft_keys, &report).await {
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
        println!("{} {line}", user.upn);
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
