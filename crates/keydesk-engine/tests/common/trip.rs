//! A tripwire: counts the engine's side effects (creation options, PIN writes,
//! makeCredential, the register POST) and, at the chosen one, hangs forever just before
//! or just after it, so the test can drop the engine there as a crash would.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::{Attestation, CreationOptions, DirectoryUser, Pin};
use keydesk_engine::directory::{Directory, Fido2Policy, GroupRef, Method};
use keydesk_engine::keys::{ClaimedKey, KeySource, RackKeys};
use keydesk_engine::ProvisionError;
use keydesk_fido::port::{Assertion, CredentialRef, GetAssertion};
use keydesk_fido::{KeyError, KeyInfo, MakeCredential, SecurityKey};
use keydesk_graph::{Attempt, GraphClient, PasskeyListing, Registration, Verdict};
use tokio::sync::Notify;

/// Where to stop.
pub struct Trip {
    at: usize,
    after: bool,
    count: AtomicUsize,
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
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        if n == self.at && !self.after {
            self.tripped.notify_one();
            std::future::pending::<()>().await;
        }
        let out = effect.await;
        if n == self.at && self.after {
            self.tripped.notify_one();
            std::future::pending::<()>().await;
        }
        out
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

/// A key behind a tripwire.
pub struct TripKey {
    inner: Arc<dyn SecurityKey>,
    trip: Arc<Trip>,
}

#[async_trait]
impl SecurityKey for TripKey {
    fn id(&self) -> &str {
        self.inner.id()
    }
    async fn info(&self) -> Result<KeyInfo, KeyError> {
        self.inner.info().await
    }
    async fn pin_retries(&self) -> Result<u8, KeyError> {
        self.inner.pin_retries().await
    }
    async fn set_pin(&self, pin: &Pin) -> Result<(), KeyError> {
        self.trip.gate(self.inner.set_pin(pin)).await
    }
    async fn make_credential(
        &self,
        r: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        self.trip.gate(self.inner.make_credential(r, pin)).await
    }
    async fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError> {
        self.trip
            .gate(self.inner.change_pin(current, new_pin))
            .await
    }
    async fn reset(&self) -> Result<(), KeyError> {
        self.inner.reset().await
    }
    async fn set_min_pin_length(&self, pin: &Pin, n: u8, rp: &[String]) -> Result<(), KeyError> {
        self.inner.set_min_pin_length(pin, n, rp).await
    }
    async fn force_pin_change(&self, pin: &Pin) -> Result<(), KeyError> {
        self.inner.force_pin_change(pin).await
    }
    async fn get_assertion(&self, r: &GetAssertion, pin: &Pin) -> Result<Assertion, KeyError> {
        self.inner.get_assertion(r, pin).await
    }
    async fn credentials(&self, pin: &Pin) -> Result<Vec<CredentialRef>, KeyError> {
        self.inner.credentials(pin).await
    }
    async fn delete_credential(&self, pin: &Pin, id: &[u8]) -> Result<(), KeyError> {
        self.inner.delete_credential(pin, id).await
    }
    async fn cancel(&self) {
        self.inner.cancel().await
    }
    async fn wink(&self) -> Result<(), KeyError> {
        self.inner.wink().await
    }
}

/// The keys of a rack, each behind the tripwire.
pub struct TripKeys {
    pub inner: RackKeys,
    pub trip: Arc<Trip>,
}

impl TripKeys {
    fn wrap(&self, claimed: ClaimedKey) -> ClaimedKey {
        let key = TripKey {
            inner: claimed.shared(),
            trip: Arc::clone(&self.trip),
        };
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
