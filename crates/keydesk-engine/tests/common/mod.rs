//! Shared test fixtures: a simulated tenant over HTTP, a signed-in Graph client, simulated
//! keys, and a tripwire that stops the engine at a chosen side effect (a crash).

#![allow(dead_code)]

pub mod trip;

use std::sync::Arc;
use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_engine::keys::{ClaimedKey, KeySource, RackKeys};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Escrow, Journal, ProvisionError};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_graph::GraphClient;
use keydesk_sim::{Sim, SimConfig};
use keydesk_tests::faulty::{FaultyKey, KeyFaults};

/// Every async test runs under the shared deadline.
pub use keydesk_tests::within as limited;

/// A tenant of `users` users.
pub async fn sim(config: SimConfig) -> Sim {
    Sim::start(config).await.unwrap()
}

/// A tenant of `users` users, the simulator's defaults otherwise.
pub async fn tenant_of(users: usize) -> Sim {
    sim(SimConfig {
        users,
        ..SimConfig::default()
    })
    .await
}

/// The keys of `rack`; each key handed out (or set aside) is replaced by a blank one
/// named `prefix-2`, `prefix-3`…
pub fn refilling(rack: Arc<SoftRack>, prefix: &'static str) -> RackKeys {
    let next = std::sync::atomic::AtomicUsize::new(1);
    RackKeys::with_refill(
        rack,
        Box::new(move || {
            let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            blank_key(&format!("{prefix}-{n}"))
        }),
    )
}

/// The keys of a rack, each wrapped in a [`FaultyKey`] with the faults `faults` makes.
pub struct FaultyKeys<F> {
    /// The rack's keys.
    pub inner: RackKeys,
    /// Makes the faults of one claimed key.
    pub faults: F,
}

#[async_trait::async_trait]
impl<F> KeySource for FaultyKeys<F>
where
    F: Fn() -> Arc<dyn KeyFaults> + Send + Sync,
{
    fn try_claim(&self) -> Option<ClaimedKey> {
        let claimed = self.inner.try_claim()?;
        let key = FaultyKey::new(claimed.shared(), (self.faults)());
        Some(ClaimedKey::new(Arc::new(key), move || drop(claimed)))
    }
    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        Err(ProvisionError::NoKey)
    }
}

/// How long the tests' Graph client lets a new passkey take to be listed.
pub const LISTING_LAG: Duration = Duration::from_secs(2);

/// A Graph client signed in to `sim`.
pub async fn graph(sim: &Sim) -> GraphClient {
    let mut config = keydesk_tests::config_for(sim);
    // The simulator lists a new passkey at once unless a test makes it lag: a short
    // listing lag keeps the crash cases before a POST quick.
    config.listing_lag = LISTING_LAG;
    keydesk_tests::signed_in_with(sim, config).await
}

/// The provisioning group's users.
pub async fn users(graph: &GraphClient, sim: &Sim) -> Vec<DirectoryUser> {
    let group = graph.find_group(&sim.config().group).await.unwrap();
    graph.group_users(&group.id).await.unwrap()
}

/// What a test works with besides the tenant.
pub type Desk = (
    GraphClient,
    Vec<DirectoryUser>,
    Journal,
    Escrow,
    Arc<SoftRack>,
);

/// The rest of a desk over `sim`: a signed-in Graph client, the provisioning group's users,
/// an in-memory journal, an escrow and an empty rack.
pub async fn desk(sim: &Sim) -> Desk {
    let graph = graph(sim).await;
    let users = users(&graph, sim).await;
    let journal = Journal::in_memory().unwrap();
    (graph, users, journal, escrow(), Arc::new(SoftRack::new()))
}

/// A blank key that touches itself at once.
pub fn blank_key(serial: &str) -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial(serial);
    config.touch = TouchMode::Auto(Duration::from_millis(1));
    config
}

/// An escrow with a key in memory.
pub fn escrow() -> Escrow {
    Escrow::new(&MemoryStore::default()).unwrap()
}

/// Passkeys per UPN, as the simulated tenant holds them.
pub async fn passkeys_of(sim: &Sim, upn: &str) -> usize {
    let state = keydesk_tests::sim_state(sim).await;
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["upn"] == upn)
        .map_or(0, |u| u["passkeys"].as_array().map_or(0, Vec::len))
}

/// A request counter of the simulated tenant (`/_sim/state` `counters`).
pub async fn counter(sim: &Sim, name: &str) -> u64 {
    keydesk_tests::sim_counter(sim, name).await
}

/// Moves the simulated tenant's clock forward.
pub async fn advance_sim_clock(sim: &Sim, seconds: u64) {
    let status = reqwest::Client::new()
        .post(format!("{}/_sim/clock", sim.base_url()))
        .json(&serde_json::json!({ "advanceSeconds": seconds }))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
}
