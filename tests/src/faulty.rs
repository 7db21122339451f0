//! One fault-injecting [`SecurityKey`]: a real (usually simulated) key behind hooks that
//! run before and after each operation, to refuse it, stall it (a crash point) or make
//! the world move while it runs.

use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::{Attestation, Pin};
use keydesk_fido::port::{Assertion, CredentialRef, GetAssertion};
use keydesk_fido::{KeyError, KeyInfo, MakeCredential, SecurityKey};

/// The operations a fault can hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOp {
    /// setPIN.
    SetPin,
    /// changePIN.
    ChangePin,
    /// makeCredential.
    MakeCredential,
    /// authenticatorReset.
    Reset,
}

impl KeyOp {
    /// Whether the operation writes to the key (the side effects a crash test counts).
    pub fn writes(self) -> bool {
        matches!(
            self,
            KeyOp::SetPin | KeyOp::ChangePin | KeyOp::MakeCredential
        )
    }
}

/// What happens around each hooked operation. Both default to nothing.
#[async_trait]
pub trait KeyFaults: Send + Sync {
    /// Before `op` reaches the key: `Some(error)` refuses it. A future that never ends
    /// stalls the operation (a crash point).
    async fn before(&self, _op: KeyOp) -> Option<KeyError> {
        None
    }
    /// After `op` reached the key (whatever it answered).
    async fn after(&self, _op: KeyOp) {}
    /// What makeCredential answers, as the caller sees it (e.g. another attestation chain).
    fn attestation(&self, attestation: Attestation) -> Attestation {
        attestation
    }
}

/// A key behind [`KeyFaults`].
pub struct FaultyKey {
    inner: Arc<dyn SecurityKey>,
    faults: Arc<dyn KeyFaults>,
}

impl FaultyKey {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn SecurityKey>, faults: Arc<dyn KeyFaults>) -> FaultyKey {
        FaultyKey { inner, faults }
    }

    async fn hooked<T>(
        &self,
        op: KeyOp,
        call: impl std::future::Future<Output = Result<T, KeyError>>,
    ) -> Result<T, KeyError> {
        if let Some(error) = self.faults.before(op).await {
            return Err(error);
        }
        let out = call.await;
        self.faults.after(op).await;
        out
    }
}

#[async_trait]
impl SecurityKey for FaultyKey {
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
        self.hooked(KeyOp::SetPin, self.inner.set_pin(pin)).await
    }
    async fn make_credential(
        &self,
        r: &MakeCredential,
        pin: &Pin,
    ) -> Result<Attestation, KeyError> {
        self.hooked(KeyOp::MakeCredential, self.inner.make_credential(r, pin))
            .await
            .map(|a| self.faults.attestation(a))
    }
    async fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<(), KeyError> {
        self.hooked(KeyOp::ChangePin, self.inner.change_pin(current, new_pin))
            .await
    }
    async fn reset(&self) -> Result<(), KeyError> {
        self.hooked(KeyOp::Reset, self.inner.reset()).await
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
