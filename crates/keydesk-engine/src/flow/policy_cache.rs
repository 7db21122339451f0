//! The tenant's FIDO2 policy, read once per run and shared by a batch's workers.
//!
//! The policy changes rarely and is the same for every user, so reading it again for each
//! user only put a Graph round trip on every user's path. A read is kept for
//! [`POLICY_REFRESH_SECS`] (on the context's clock) and forgotten whenever the policy
//! refuses something (`PolicyCache::forget`): a refusal is always judged on a fresh read,
//! so an administrator's fix is seen at once. Only successful reads are kept: a 403 or an
//! unsupported read is asked again next time (the caller warns once per run).
//!
//! Not here: judging the policy ([`crate::preflight`]) or warning about it ([`crate::after`]).

use tokio::sync::Mutex;

use crate::directory::{Directory, Fido2Policy};
use crate::ProvisionError;

/// Seconds a policy read is reused before it is read again.
pub const POLICY_REFRESH_SECS: i64 = 300;

/// The last policy read and when (Unix seconds on the context's clock).
#[derive(Debug, Default)]
pub struct PolicyCache {
    cached: Mutex<Option<(i64, Fido2Policy)>>,
}

/// A policy and whether it came from the cache (so a refusal is worth a fresh read).
#[derive(Debug, Clone)]
pub(crate) struct ReadPolicy {
    /// The policy.
    pub policy: Fido2Policy,
    /// It was read earlier in this run, not just now.
    pub cached: bool,
}

impl PolicyCache {
    /// The policy: the cached read while younger than [`POLICY_REFRESH_SECS`], else a new
    /// read. The lock is held across the read so parallel workers read it once.
    pub(crate) async fn get(
        &self,
        directory: &dyn Directory,
        now: i64,
    ) -> Result<ReadPolicy, ProvisionError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, policy)) = cached.as_ref() {
            if (*at..*at + POLICY_REFRESH_SECS).contains(&now) {
                return Ok(ReadPolicy {
                    policy: policy.clone(),
                    cached: true,
                });
            }
        }
        let policy = directory.fido2_policy().await?;
        *cached = Some((now, policy.clone()));
        Ok(ReadPolicy {
            policy,
            cached: false,
        })
    }

    /// Drops the cached read: the next [`PolicyCache::get`] reads the policy again.
    pub(crate) async fn forget(&self) {
        *self.cached.lock().await = None;
    }
}
