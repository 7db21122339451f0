//! `keydesk-cli provision`: every user of a group, one line each on stdout.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::{DirectoryUser, PinPolicy};
use keydesk_engine::audit::AuditLog;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::hid_keys::HidKeys;
use keydesk_engine::keys::{KeySource, RackKeys};
use keydesk_engine::prefetch::Prefetch;
use keydesk_engine::{secrets, Context, Escrow, Journal};
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
    // The escrow and audit keys: the OS keyring, or a 0600 file in the data folder.
    let store = secrets::open_default(&data_dir);
    let escrow = match Escrow::new(store.as_ref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let audit = match AuditLog::open(&data_dir.join("audit.log"), store.as_ref(), &journal) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n  the audit log does not verify: keep it for investigation and use another --data-dir");
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
    let (keys, workers) = key_source(args.soft_keys).await;
    let keys = keys.as_ref();
    let prefetch = Prefetch::new(4);
    let mut ctx = Context::new(&graph, &journal, &escrow);
    ctx.audit = Some(&audit);
    ctx.prefetch = Some(&prefetch);
    ctx.operator = operator_name(&graph).await;
    ctx.pin_policy = PinPolicy::default();
    let tally = Tally::default();
    let show_pins = std::io::stdout().is_terminal();
    let report = |user: &DirectoryUser, outcome: &Outcome| {
        tally.report(user, outcome, show_pins);
        // A PIN shown on the terminal is delivered: its escrowed copy goes. Piped output
        // never carries PINs, so then the sealed copy is the only one and stays.
        if show_pins && matches!(outcome, Outcome::Registered(_)) {
            let _ = keydesk_engine::letter_printed(&journal, Some(&audit), &ctx.operator, &user.id);
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

/// Who is at the desk, for inventory and audit: the OS user, and the signed-in identity.
async fn operator_name(graph: &GraphClient) -> String {
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    match graph.operator().await {
        Ok(op) => format!("{os_user} as {}", op.upn.unwrap_or(op.id)),
        Err(_) => os_user,
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
