//! What a provisioning run needs ([`Context`]) and what a registered user gets
//! ([`Provisioned`]): the types every step of the flow shares, so the steps depend on this
//! module and not on each other.
//!
//! Besides the ports and the store, a context carries the operator's [`Settings`], the
//! clock ([`system_now`] unless a test injects one) and what a run resolves once and shares
//! between a batch's workers ([`GroupCache`], [`PolicyCache`]).

use std::collections::HashMap;

use keydesk_core::{Pin, PinPolicy};
use tokio::sync::Mutex;

use crate::audit::AuditLog;
use crate::directory::{Directory, GroupRef};
use crate::escrow::Escrow;
use crate::policy_cache::PolicyCache;
use crate::prefetch::Prefetch;
use crate::settings::Settings;
use crate::{Journal, ProvisionError};

/// Told the user and the id of the key their job took.
pub type KeyTaken = dyn Fn(&keydesk_core::DirectoryUser, &str) + Send + Sync;

/// What a provisioning run needs.
pub struct Context<'a> {
    /// Graph (or any directory), signed in.
    pub directory: &'a dyn Directory,
    /// The journal.
    pub journal: &'a Journal,
    /// Seals PINs for the journal.
    pub escrow: &'a Escrow,
    /// The audit log, when kept.
    pub audit: Option<&'a AuditLog>,
    /// Creation options fetched ahead, when a batch prefetches.
    pub prefetch: Option<&'a Prefetch>,
    /// Who is at the desk (for inventory and audit).
    pub operator: String,
    /// How PINs are made.
    pub pin_policy: PinPolicy,
    /// Beta challenge timeout in minutes, or None for v1.0's fixed 5 minutes.
    pub challenge_timeout_minutes: Option<u32>,
    /// The operator's choices.
    pub settings: Settings,
    /// Current time, seconds since the Unix epoch (injectable for tests).
    pub now: fn() -> i64,
    /// The verified FIDO metadata BLOB, when the desk has one: model facts, revoked models
    /// refused in pre-flight, attestation chains checked before the POST.
    pub metadata: Option<std::sync::Arc<keydesk_mds::Mds>>,
    /// Told which key a job took, as soon as it holds it (the window's key cards name
    /// the user a key serves).
    pub on_key: Option<&'a KeyTaken>,
    /// The provisioned and queue groups, resolved once per run.
    pub(crate) groups: GroupCache,
    /// The FIDO2 policy, read once per run (refreshed on a timer and after a refusal).
    pub(crate) policy: PolicyCache,
    /// Set once the "policy could not be read" warning was given in this run.
    pub(crate) policy_unreadable_told: std::sync::atomic::AtomicBool,
    /// Why an audit line could not be written in this run, once one could not.
    audit_failed: std::sync::Mutex<Option<String>>,
}

impl<'a> Context<'a> {
    /// A context with default settings, no audit log and no prefetch.
    pub fn new(directory: &'a dyn Directory, journal: &'a Journal, escrow: &'a Escrow) -> Self {
        Context {
            directory,
            journal,
            escrow,
            audit: None,
            prefetch: None,
            operator: "operator".to_owned(),
            pin_policy: PinPolicy::default(),
            challenge_timeout_minutes: None,
            settings: Settings::default(),
            now: system_now,
            metadata: None,
            on_key: None,
            groups: Default::default(),
            policy: Default::default(),
            policy_unreadable_told: Default::default(),
            audit_failed: Default::default(),
        }
    }

    /// Appends an audit line. A failure is sticky: it is logged here and every later
    /// [`Context::audit_ok`] refuses, so the flow stops before its next side effect.
    pub(crate) fn audit(&self, action: &str, subject: &str, detail: &str) {
        if let Some(log) = self.audit {
            let at = (self.now)();
            if let Err(e) = log.append(self.journal, at, &self.operator, action, subject, detail) {
                tracing::error!(error = %e, action, "audit log not written");
                let mut failed = self.audit_failed.lock().unwrap_or_else(|p| p.into_inner());
                failed.get_or_insert_with(|| e.to_string());
            }
        }
    }

    /// Refuses once an audit line could not be written in this run: nothing more is done
    /// that the log would not show.
    pub fn audit_ok(&self) -> Result<(), ProvisionError> {
        let failed = self.audit_failed.lock().unwrap_or_else(|p| p.into_inner());
        match failed.as_ref() {
            Some(why) => Err(ProvisionError::AuditFailed(why.clone())),
            None => Ok(()),
        }
    }
}

/// A registered user. Holds the PIN: show it once, print it, then call
/// [`crate::letter_printed`] so the escrowed copy is wiped.
#[derive(Debug)]
pub struct Provisioned {
    /// The new PIN.
    pub pin: Pin,
    /// Entra's id for the new passkey.
    pub method_id: String,
    /// The passkey's display name in Entra.
    pub method_name: String,
    /// Key model.
    pub key_model: String,
    /// Key serial, when known.
    pub key_serial: Option<String>,
    /// Which key (its id in the key source; empty when found by reconciliation).
    pub key_id: String,
    /// Things that did not stop the job but the operator should know.
    pub warnings: Vec<String>,
}

/// The current time from the system clock.
pub fn system_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Groups resolved in this run, by the name or id the settings give.
#[derive(Debug, Default)]
pub struct GroupCache {
    resolved: Mutex<HashMap<String, GroupRef>>,
}

impl GroupCache {
    /// The group `id_or_name` names, resolved through the directory at most once.
    pub(crate) async fn get(
        &self,
        directory: &dyn Directory,
        id_or_name: &str,
    ) -> Result<GroupRef, ProvisionError> {
        // Held across the lookup so that parallel workers resolve a group once.
        let mut resolved = self.resolved.lock().await;
        if let Some(group) = resolved.get(id_or_name) {
            return Ok(group.clone());
        }
        let group = directory.resolve_group(id_or_name).await?;
        resolved.insert(id_or_name.to_owned(), group.clone());
        Ok(group)
    }
}
