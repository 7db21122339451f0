//! What KeyDesk's test suites share, so each helper exists once: a deadline for async
//! tests ([`within`]), a Graph client signed in to a simulated tenant ([`signed_in`]) and
//! its seeded group's members ([`group_members`]), the simulator's own view
//! ([`sim_state`], [`sim_counter`]), one fault-injecting key wrapper
//! ([`faulty::FaultyKey`]), a rendered PDF read back as text ([`pdf::pages`]), a
//! throwaway PostgreSQL cluster ([`pg::Cluster`]) and a journaled attempt
//! ([`sample_attempt`]).
//!
//! A dev-dependency of the crates' integration tests (and the home of the cross-crate
//! end-to-end tests in `tests/`); never a dependency of anything that ships.

pub mod faulty;
pub mod pdf;
pub mod pg;

use std::future::Future;
use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_graph::{Credentials, GraphClient, GraphConfig, Secret};
use keydesk_sim::Sim;

/// The longest any async test may take before it fails (a hung server or key must fail
/// the test, not stall CI).
pub const LIMIT: Duration = Duration::from_secs(120);

/// Runs `test` under [`LIMIT`]; panics when it takes longer.
pub async fn within<F: Future>(test: F) -> F::Output {
    match tokio::time::timeout(LIMIT, test).await {
        Ok(out) => out,
        Err(_) => panic!("test took longer than {LIMIT:?}"),
    }
}

/// Graph settings that point at `sim` (login and Graph on its base URL).
pub fn config_for(sim: &Sim) -> GraphConfig {
    let c = sim.config();
    let mut config = GraphConfig::global(c.tenant.clone(), c.client_id.clone());
    config.login_url = sim.base_url().parse().expect("the simulator's URL parses");
    config.graph_url = config.login_url.clone();
    config
}

/// A Graph client for `config`, signed in to `sim` with its client secret.
pub async fn signed_in_with(sim: &Sim, config: GraphConfig) -> GraphClient {
    let secret = Secret::new(sim.config().client_secret.clone());
    let graph = GraphClient::new(config, Credentials::ClientSecret(secret))
        .expect("the simulator's settings are valid");
    graph
        .sign_in()
        .await
        .expect("the simulator signs the app in");
    graph
}

/// A Graph client signed in to `sim` with default settings.
pub async fn signed_in(sim: &Sim) -> GraphClient {
    signed_in_with(sim, config_for(sim)).await
}

/// The members of `sim`'s seeded group (its configured `group`), as `graph` lists them.
pub async fn group_members(sim: &Sim, graph: &GraphClient) -> Vec<DirectoryUser> {
    let group = graph
        .find_group(&sim.config().group)
        .await
        .expect("the seeded group is found");
    graph
        .group_users(&group.id)
        .await
        .expect("the seeded group's members are listed")
}

/// `sim`'s `/_sim/state`: its users with their passkeys, and its request counters.
pub async fn sim_state(sim: &Sim) -> serde_json::Value {
    reqwest::get(format!("{}/_sim/state", sim.base_url()))
        .await
        .expect("the simulator answers /_sim/state")
        .json()
        .await
        .expect("/_sim/state is JSON")
}

/// One request counter of `sim` (`/_sim/state` `counters`).
pub async fn sim_counter(sim: &Sim, name: &str) -> u64 {
    sim_state(sim).await["counters"][name]
        .as_u64()
        .expect("the counter exists")
}

/// An [`keydesk_graph::Attempt`] as a journal test writes one before a register POST.
pub fn sample_attempt() -> keydesk_graph::Attempt {
    keydesk_graph::Attempt {
        before: vec!["m-0".into()],
        display_name: Some("Soft Key 1".into()),
        aaguid: None,
        credential_id: "Y3JlZA".into(),
        graph_time: Some(1_795_942_800),
        local_time: 1_795_942_801,
    }
}
