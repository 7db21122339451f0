//! `keydesk-cli sim`: the simulated tenant in the foreground until Ctrl-C.

use keydesk_sim::{Sim, SimConfig};

use crate::args::{Global, SimArgs};
use crate::exit;

/// Starts the simulator and prints `LISTENING <port>` as the only stdout line.
pub async fn run(global: &Global, args: SimArgs) -> u8 {
    let defaults = SimConfig::default();
    let config = SimConfig {
        port: args.port,
        tenant: global.tenant.clone().unwrap_or(defaults.tenant),
        client_id: global.client_id.clone().unwrap_or(defaults.client_id),
        client_secret: args.client_secret.unwrap_or(defaults.client_secret),
        group: args.group.unwrap_or(defaults.group),
        users: args.users.unwrap_or(defaults.users),
        guests: args.guests,
        disabled: args.disabled,
        seed: args.seed.unwrap_or(defaults.seed),
        page_size: args.page_size.unwrap_or(defaults.page_size),
        token_ttl: args
            .token_ttl
            .map(std::time::Duration::from_secs)
            .unwrap_or(defaults.token_ttl),
        latency: std::time::Duration::from_millis(args.latency_ms),
    };
    let sim = match Sim::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("error: cannot start the simulated tenant: {e}");
            return exit::USAGE;
        }
    };
    println!("LISTENING {}", sim.port());
    let c = sim.config();
    eprintln!(
        "simulated tenant at {url}\n  tenant:        {}\n  client id:     {}\n  client secret: {}\n  group:         {} ({} users)\n  e.g. KEYDESK_CLIENT_SECRET='{}' keydesk-cli provision --tenant {} --client-id {} --login-url {url} --graph-url {url} --group '{}' --soft-keys 2",
        c.tenant, c.client_id, c.client_secret, c.group, c.users + c.guests + c.disabled,
        c.client_secret, c.tenant, c.client_id, c.group,
        url = sim.base_url(),
    );
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    exit::OK
}
