//! A tripwire: counts the engine's side effects (creation options, PIN writes,
//! makeCredential, the register POST) and, at the chosen one, hangs forever just before
//! or just after it, so the test can drop the engine there as a crash would.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::{CreationOptions, DirectoryUser};
use keydesk_engine::directory::{Directory, Fido2Policy, GroupRef, Method};
use keydesk_engine::keys::{ClaimedKey, KeySource, RackKeys};
use keydesk_engine::ProvisionError;
use keydesk_fido::KeyError;
use keydesk_graph::{Attempt, GraphClient, PasskeyListing, Registration, Verdict};
use keydesk_tests::faulty::{FaultyKey, KeyFaults, KeyOp};
use tokio::sync::Notify;

/// Where to stop.
pub struct Trip {
    at: usize,
    after: bool,
    count: AtomicUsize,
    /// The side effect under way (one job at a time goes through a tripwire).
    current: AtomicUsize,
    /// Notified when the wire trips.
    pub tripped: Notify,
}

impl Trip {
    /// Stops at side effect number `at` (0-based), before it or after it.
    pub fn new(at: usize, after: bool) -> Arc<Trip> {
        Arc::new(Trip {
            at,
            after,
            count: AtomicUsize::new(0),
            current: AtomicUsize::new(usize::MAX),
            tripped: Notify::new(),
        })
    }

    /// Never trips.
    pub fn never() -> Arc<Trip> {
        Trip::new(usize::MAX, false)
    }

    /// Side effects seen so far.
    pub fn seen(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    async fn gate<T>(&self, effect: impl Future<Output = T>) -> T {
        self.enter().await;
        let out = effect.await;
        self.leave().await;
        out
    }

    /// A side effect starts: stalls for good if it is the chosen one, "before".
    async fn enter(&self) {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        self.current.store(n, Ordering::SeqCst);
        if n == self.at && !self.after {
            self.tripped.notify_one();
            std::future::pending::<()>().await;
        }
    }

    /// The side effect happened: stalls for good if it was the chosen one, "after".
    async fn leave(&self) {
        if self.current.load(Ordering::SeqCst) == self.at && self.after {
            self.tripped.notify_one();
            std::future::pending::<()>().await;
        }
    }
}

/// Graph behind a tripwire.
pub struct TripDirectory<'a> {
    pub graph: &'a GraphClient,
    pub trip: Arc<Trip>,
}

#[async_trait]
impl Directory for TripDirectory<'_> {
    async fn user(&self, id: &str) -> Result<DirectoryUser, ProvisionError> {
        Directory::user(self.graph, id).await
    }
    async fn group_users(&self, group: &str) -> Result<Vec<DirectoryUser>, ProvisionError> {
        Directory::group_users(self.graph, group).await
    }
    async fn creation_options(
        &self,
        user_id: &str,
        minutes: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError> {
        self.trip
            .gate(Directory::creation_options(self.graph, user_id, minutes))
            .await
    }
    async fn register(
        &self,
        user_id: &str,
        r: &Registration,
        a: &Attempt,
    ) -> Result<Method, ProvisionError> {
        self.trip
            .gate(Directory::register(self.graph, user_id, r, a))
            .await
    }
    async fn passkeys(&self, user_id: &str) -> Result<Vec<Method>, ProvisionError> {
        Directory::passkeys(self.graph, user_id).await
    }
    async fn passkey_listing(&self, user_id: &str) -> Result<PasskeyListing, ProvisionError> {
        Directory::passkey_listing(self.graph, user_id).await
    }
    async fn find_registration(
        &self,
        user_id: &str,
        a: &Attempt,
    ) -> Result<Verdict, ProvisionError> {
        Directory::find_registration(self.graph, user_id, a).await
    }
    async fn delete_passkey(&self, user_id: &str, id: &str) -> Result<(), ProvisionError> {
        Directory::delete_passkey(self.graph, user_id, id).await
    }
    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError> {
        Directory::fido2_policy(self.graph).await
    }
    async fn resolve_group(&self, group: &str) -> Result<GroupRef, ProvisionError> {
        Directory::resolve_group(self.graph, group).await
    }
    async fn add_group_member(&self, group: &str, user: &str) -> Result<(), ProvisionError> {
        Directory::add_group_member(self.graph, group, user).await
    }
    async fn remove_group_member(&self, group: &str, user: &str) -> Result<(), ProvisionError> {
        Directory::remove_group_member(self.graph, group, user).await
    }
}

/// The tripwire counts the key's writes (setPIN, changePIN, makeCredential).
#[async_trait]
impl KeyFaults for Trip {
    async fn before(&self, op: KeyOp) -> Option<KeyError> {
        if op.writes() {
            self.enter().await;
        }
        None
    }
    async fn after(&self, op: KeyOp) {
        if op.writes() {
            self.leave().await;
        }
    }
}

/// The keys of a rack, each behind the tripwire.
pub struct TripKeys {
    pub inner: RackKeys,
    pub trip: Arc<Trip>,
}

impl TripKeys {
    fn wrap(&self, claimed: ClaimedKey) -> ClaimedKey {
        let key = FaultyKey::new(claimed.shared(), self.trip.clone());
        ClaimedKey::new(Arc::new(key), move || drop(claimed))
    }
}

#[async_trait]
impl KeySource for TripKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        self.inner.try_claim().map(|c| self.wrap(c))
    }
    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        let claimed = self.inner.claim().await?;
        Ok(self.wrap(claimed))
    }
    fn handed_out(&self, key_id: &str) {
        self.inner.handed_out(key_id)
    }
    async fn replugged(
        &self,
        key_id: &str,
        ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        self.inner.replugged(key_id, ask).await
    }
}
