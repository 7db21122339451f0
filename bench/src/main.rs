//! `keydesk-bench`: the measurements of `bench/run.py` that need KeyDesk's own Graph
//! client rather than the command line, each against a running simulated tenant, each
//! printing one JSON line.
//!
//! - `prefetch URL`: creation options for every member of the seeded group through the
//!   engine's [`Prefetch`] at its default concurrency (the group listing is not timed).
//! - `enumerate URL`: the seeded group's transitive users, timed.
//! - `progress [POSTGRES_URL]`: the delay from one desk's job change to another desk's
//!   LISTEN event over the shared store ([`progress`]); no simulated tenant.
//!
//! The secret comes from `KEYDESK_CLIENT_SECRET`, as for `keydesk-cli`. Not a test: it
//! judges nothing; `bench/run.py` compares the figures with the targets.

mod progress;

use std::time::Instant;

use keydesk_engine::prefetch::{Prefetch, DEFAULT_CONCURRENCY};
use keydesk_graph::{Credentials, GraphClient, GraphConfig, Secret};
use serde_json::json;

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "00000000-0000-4000-8000-00000000c11d";
const GROUP: &str = "FIDO Provisioning";

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("progress") {
        let line = progress::measure(args.get(1).map(String::as_str))?;
        println!("{line}");
        return Ok(());
    }
    let [command, url] = args.as_slice() else {
        return Err(
            "usage: keydesk-bench prefetch|enumerate SIM_URL, or progress [POSTGRES_URL]".into(),
        );
    };
    let graph = signed_in(url).await?;
    let group = graph.find_group(GROUP).await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let users = graph
        .group_users(&group.id)
        .await
        .map_err(|e| e.to_string())?;
    let listed = started.elapsed().as_secs_f64();
    let line = match command.as_str() {
        "enumerate" => json!({ "users": users.len(), "secs": listed }),
        "prefetch" => {
            let ids: Vec<String> = users.into_iter().map(|u| u.id).collect();
            let prefetch = Prefetch::new(DEFAULT_CONCURRENCY);
            let started = Instant::now();
            let now = keydesk_engine::system_now();
            let fetched = prefetch.warm(&graph, &ids, None, now).await;
            json!({
                "users": ids.len(),
                "fetched": fetched,
                "concurrency": DEFAULT_CONCURRENCY,
                "secs": started.elapsed().as_secs_f64(),
            })
        }
        other => return Err(format!("unknown command {other}")),
    };
    println!("{line}");
    Ok(())
}

async fn signed_in(url: &str) -> Result<GraphClient, String> {
    let secret = std::env::var("KEYDESK_CLIENT_SECRET")
        .map_err(|_| "set KEYDESK_CLIENT_SECRET to the simulator's secret")?;
    let mut config = GraphConfig::global(TENANT, CLIENT_ID);
    config.login_url = url.parse().map_err(|e| format!("{url}: {e}"))?;
    config.graph_url = config.login_url.clone();
    let graph = GraphClient::new(config, Credentials::ClientSecret(Secret::new(secret)))
        .map_err(|e| e.to_string())?;
    graph.sign_in().await.map_err(|e| e.to_string())?;
    Ok(graph)
}
