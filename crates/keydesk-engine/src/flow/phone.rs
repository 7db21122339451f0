//! A phone handed out with a passkey in Microsoft Authenticator.
//!
//! Microsoft offers no way to create a passkey in Authenticator on someone's behalf (the
//! attestation must come from the phone), so the desk issues the user a short Temporary
//! Access Pass ([`issue_phone_pass`]: TAP policy checked first, an active pass never
//! replaced unless asked), the caller shows it to the technician holding the phone, who
//! signs in to Authenticator with the UPN and the pass and creates the passkey; meanwhile
//! [`watch_for_phone`] polls the user's passkeys until a new one with an Authenticator
//! AAGUID (iOS or Android) appears. Whatever ends the watch (the passkey, a cancel, the
//! timeout, an error) deletes the pass; a detected phone is recorded in the inventory
//! (user, platform, date) and in the audit log. Progress is a stream of [`PhoneEvent`]s.
//!
//! Time is tokio's, so tests may pause it. The pass is never journaled, logged or put in
//! an event: it lives in the [`PhoneSession`] until the caller drops it.
//!
//! Known issues: a crash between issuing the pass and the end of the watch leaves the pass
//! to expire on its own (its issue is in the audit log); a passkey added from another
//! device with an Authenticator AAGUID during the watch counts as the phone's.

use std::future::Future;

use keydesk_core::DirectoryUser;
use keydesk_graph::{may_register, GraphError, GraphErrorKind, TapRequest};

use crate::after::add_phone_inventory;
use crate::inventory::PhonePlatform;
use crate::passes::TemporaryAccessPasses;
pub use crate::phone_types::{PhoneEvent, PhoneOptions, PhoneOutcome, PhoneResult, PhoneSession};
use crate::preflight::Refusal;
use crate::{Context, ProvisionError};

/// Whether the FIDO2 policy lets the user hold a passkey in Microsoft Authenticator (on
/// either platform). A policy the caller may not read is a warning (logged), not a refusal,
/// as in the key flow's pre-flight, unless the settings are strict.
pub(crate) async fn fido2_allows_phones(
    ctx: &Context<'_>,
    user: &DirectoryUser,
) -> Result<(), ProvisionError> {
    let policy = match ctx.directory.fido2_policy().await {
        Ok(policy) => policy,
        Err(ProvisionError::Graph(e))
            if e.kind() == GraphErrorKind::Forbidden && !ctx.settings.strict_policy =>
        {
            tracing::warn!(error = %e, "FIDO2 policy not readable: Authenticator not checked");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let ios = may_register(&policy, PhonePlatform::Ios.aaguid(), user);
    match ios {
        Ok(()) => Ok(()),
        Err(refusal) => match may_register(&policy, PhonePlatform::Android.aaguid(), user) {
            Ok(()) => Ok(()),
            Err(_) => Err(ProvisionError::Policy(Refusal::Graph(refusal))),
        },
    }
}

/// Issues the user's pass for a phone: user eligible, FIDO2 policy allows Authenticator,
/// TAP policy allows the request, no active pass (unless `replace`), then the pass.
/// Nothing is issued when a check fails.
pub async fn issue_phone_pass(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    user: &str,
    options: &PhoneOptions,
) -> Result<PhoneSession, ProvisionError> {
    let user = ctx.directory.user(user).await?;
    if let Some(why) = user.ineligibility() {
        return Err(ProvisionError::NotEligible(why));
    }
    let request = TapRequest {
        lifetime_in_minutes: options.lifetime_minutes,
        is_usable_once: Some(options.one_time),
        ..TapRequest::default()
    };
    fido2_allows_phones(ctx, &user).await?;
    let policy = passes.tap_policy().await?;
    policy
        .check(&request)
        .map_err(|refusal| GraphError::InvalidInput(refusal.to_string()))?;
    if !options.replace && passes.has_active_pass(&user.id).await? {
        return Err(ProvisionError::PassActive(user.upn.clone()));
    }
    let before = ctx
        .directory
        .passkeys(&user.id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let tap = passes.issue_pass(&user.id, &request).await?;
    let lifetime_minutes = tap
        .lifetime_in_minutes
        .unwrap_or_else(|| policy.lifetime_for(&request));
    ctx.audit(
        "phone pass issued",
        &user.id,
        &format!(
            "Temporary Access Pass {} for {lifetime_minutes} min, one-time {}",
            tap.id, options.one_time
        ),
    );
    Ok(PhoneSession {
        user,
        tap,
        lifetime_minutes,
        before,
    })
}

/// What ended the watch, before the pass is deleted.
enum Ended {
    Found(PhonePlatform, String),
    Cancelled,
    TimedOut,
    Failed(ProvisionError),
}

/// Watches the user's passkeys until the phone's appears, `cancel` resolves or
/// `options.timeout` passes; then deletes the pass and, for a phone, records it.
pub async fn watch_for_phone(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    session: PhoneSession,
    options: &PhoneOptions,
    cancel: impl Future<Output = ()>,
    events: &(dyn Fn(PhoneEvent) + Send + Sync),
) -> Result<PhoneResult, ProvisionError> {
    let upn = session.user.upn.clone();
    let ended = tokio::select! {
        biased;
        () = cancel => Ended::Cancelled,
        () = tokio::time::sleep(options.timeout) => Ended::TimedOut,
        found = poll(ctx, &session, options, events) => match found {
            Ok((platform, method_id)) => Ended::Found(platform, method_id),
            Err(error) => Ended::Failed(error),
        },
    };
    let pass_deleted = delete_pass(ctx, passes, &session).await;
    if pass_deleted {
        events(PhoneEvent::PassDeleted { upn: upn.clone() });
    }
    let outcome = match ended {
        Ended::Failed(error) => return Err(error),
        Ended::Cancelled => {
            events(PhoneEvent::Cancelled { upn });
            ctx.audit("phone cancelled", &session.user.id, "pass withdrawn");
            PhoneOutcome::Cancelled
        }
        Ended::TimedOut => {
            events(PhoneEvent::TimedOut { upn });
            ctx.audit("phone timed out", &session.user.id, "pass withdrawn");
            PhoneOutcome::TimedOut
        }
        Ended::Found(platform, method_id) => {
            let inventory_id = add_phone_inventory(ctx, &session.user, platform, &method_id)?;
            ctx.audit(
                "phone registered",
                &session.user.id,
                &format!("{}, passkey {method_id}", platform.model()),
            );
            PhoneOutcome::Registered {
                platform,
                method_id,
                inventory_id,
            }
        }
    };
    Ok(PhoneResult {
        outcome,
        pass_deleted,
    })
}

/// Lists the user's passkeys every `poll_every` until a new Authenticator one is there.
async fn poll(
    ctx: &Context<'_>,
    session: &PhoneSession,
    options: &PhoneOptions,
    events: &(dyn Fn(PhoneEvent) + Send + Sync),
) -> Result<(PhonePlatform, String), ProvisionError> {
    let started = tokio::time::Instant::now();
    loop {
        let listed = ctx.directory.passkeys(&session.user.id).await?;
        let phone = listed.into_iter().find_map(|p| {
            let platform = PhonePlatform::from_aaguid(p.aaguid.as_deref()?)?;
            (!session.before.contains(&p.id)).then_some((platform, p.id))
        });
        if let Some((platform, method_id)) = phone {
            events(PhoneEvent::Detected {
                upn: session.user.upn.clone(),
                platform,
                method_id: method_id.clone(),
            });
            return Ok((platform, method_id));
        }
        events(PhoneEvent::Waiting {
            upn: session.user.upn.clone(),
            elapsed_secs: started.elapsed().as_secs(),
        });
        tokio::time::sleep(options.poll_every).await;
    }
}

/// Deletes the session's pass; one already gone counts as deleted. A failure is logged and
/// audited (the pass then expires on its own).
async fn delete_pass(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    session: &PhoneSession,
) -> bool {
    match passes.delete_pass(&session.user.id, &session.tap.id).await {
        Ok(()) => true,
        Err(ProvisionError::Graph(e)) if e.kind() == GraphErrorKind::NotFound => true,
        Err(error) => {
            tracing::warn!(%error, "the Temporary Access Pass could not be deleted");
            ctx.audit(
                "phone pass not deleted",
                &session.user.id,
                &format!("expires on its own: {error}"),
            );
            false
        }
    }
}
