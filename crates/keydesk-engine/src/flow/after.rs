//! What surrounds the key work: the tenant's pre-flight before it, and after a
//! registration, on the key ([`on_key`]): inventory, audit, self-test, forced PIN change
//! (last: once set, the key refuses its PIN for anything but a change); then off the key
//! ([`off_key`]): the read-back, the user's former passkeys deleted (when chosen) and the
//! "provisioned" group. Inventory entries are made here and only here
//! (`add_inventory`, for a key in hand or the key a journaled job used: `UsedKey`).

use keydesk_core::{b64, CreationOptions, DirectoryUser, Pin};
use keydesk_fido::{GetAssertion, KeyInfo, SecurityKey};
use keydesk_graph::GraphErrorKind;
use rand::RngCore;
use std::sync::atomic::Ordering;

use crate::directory::Fido2Policy;
use crate::inventory::{InventoryEntry, KeyStatus, PhonePlatform};
use crate::journal::JobRecord;
use crate::preflight;
use crate::{group_move, Context, ProvisionError, Provisioned};

/// The warning given (once per run) when the FIDO2 policy may not be read.
pub const POLICY_UNREADABLE: &str =
    "The FIDO2 policy could not be read, so the key's model was not checked against it: pre-flight limited to the key's own checks";

/// Checks the tenant's FIDO2 policy (when asked and when the directory can read it); the
/// user's existing passkeys are deleted only after the new one registered
/// ([`off_key`]). Returns the
/// policy, for the key-model check once the key is known. The policy is the run's cached
/// read ([`crate::policy_cache`]); a refusal is judged again on a fresh read.
///
/// A 403 on the policy read (a delegated operator without Global Reader or Authentication
/// Policy Administrator) is a warning in `warnings`, given once per run (per
/// [`Context`]), unless `settings.strict_policy` makes it fail the user.
pub async fn tenant_preflight(
    ctx: &Context<'_>,
    warnings: &mut Vec<String>,
) -> Result<Option<Fido2Policy>, ProvisionError> {
    let mut policy = None;
    if ctx.settings.check_policy {
        match ctx.policy.get(ctx.directory, (ctx.now)()).await {
            Ok(read) => {
                let read = if preflight::check_tenant(&read.policy).is_err() && read.cached {
                    // A refusal is judged on a fresh read: the policy may have been fixed.
                    ctx.policy.forget().await;
                    ctx.policy.get(ctx.directory, (ctx.now)()).await?
                } else {
                    read
                };
                if let Err(refusal) = preflight::check_tenant(&read.policy) {
                    ctx.policy.forget().await;
                    return Err(ProvisionError::Policy(refusal));
                }
                policy = Some(read.policy);
            }
            Err(ProvisionError::Graph(e))
                if e.kind() == GraphErrorKind::Forbidden && !ctx.settings.strict_policy =>
            {
                if !ctx.policy_unreadable_told.swap(true, Ordering::SeqCst) {
                    tracing::warn!(error = %e, "{POLICY_UNREADABLE}");
                    warnings.push(format!("{POLICY_UNREADABLE} ({})", e.remediation()));
                }
            }
            Err(ProvisionError::Unsupported(what)) => {
                tracing::warn!(
                    what,
                    "FIDO2 policy not checked: the Graph client cannot read it"
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok(policy)
}

/// Refuses a user who holds a directory role the operator did not confirm by name
/// (`settings.confirmed_roles`); a confirmed role holder is audited before anything is
/// written. A role read that fails stops the user (fail closed).
pub async fn check_roles(ctx: &Context<'_>, user: &DirectoryUser) -> Result<(), ProvisionError> {
    let held = ctx.directory.directory_roles(&user.id).await?;
    if held.is_empty() {
        return Ok(());
    }
    let confirmed = |role: &String| {
        ctx.settings
            .confirmed_roles
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(role))
    };
    let unconfirmed: Vec<String> = held.iter().filter(|r| !confirmed(r)).cloned().collect();
    if !unconfirmed.is_empty() {
        ctx.audit("role holder refused", &user.id, &unconfirmed.join(", "));
        return Err(ProvisionError::RoleHolder { roles: unconfirmed });
    }
    ctx.audit("role holder confirmed", &user.id, &held.join(", "));
    ctx.audit_ok()
}

/// The key-model check of pre-flight ([`preflight::check_key_model`]) on `policy`, the
/// run's cached read; a refusal is judged again on a fresh read before it stands.
pub(crate) async fn check_key_model(
    ctx: &Context<'_>,
    policy: &Fido2Policy,
    aaguid: &[u8; 16],
    attests: bool,
    user: &DirectoryUser,
) -> Result<(), ProvisionError> {
    if preflight::check_key_model(policy, aaguid, attests, user).is_ok() {
        return Ok(());
    }
    ctx.policy.forget().await;
    let fresh = ctx.policy.get(ctx.directory, (ctx.now)()).await?;
    let verdict = preflight::check_key_model(&fresh.policy, aaguid, attests, user);
    if verdict.is_err() {
        ctx.policy.forget().await;
    }
    verdict.map_err(ProvisionError::Policy)
}

/// Microsoft credentials already on a used key (read with the operator's current PIN):
/// deleted when the operator chose so, else reported as a warning.
pub async fn microsoft_credentials(
    ctx: &Context<'_>,
    key: &dyn SecurityKey,
    info: &KeyInfo,
    pin: &Pin,
    warnings: &mut Vec<String>,
) -> Result<(), ProvisionError> {
    if !info.supports_cred_mgmt {
        return Ok(());
    }
    let found: Vec<_> = key
        .credentials(pin)
        .await?
        .into_iter()
        .filter(|c| c.rp_id == MICROSOFT_RP)
        .collect();
    for credential in found {
        if ctx.settings.delete_key_credentials {
            ctx.audit(
                "key credential deleted",
                &credential.user_name,
                MICROSOFT_RP,
            );
            key.delete_credential(pin, &credential.credential_id)
                .await?;
        } else {
            warnings.push(format!(
                "the key still holds a Microsoft passkey for {}",
                credential.user_name
            ));
        }
    }
    Ok(())
}

/// The RP id of Entra ID passkeys.
const MICROSOFT_RP: &str = "login.microsoft.com";

/// A credential made for a challenge that expired: deleted from the key when it can, else
/// recorded as an orphan in the inventory.
pub async fn discard_credential(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    key: &dyn SecurityKey,
    info: &KeyInfo,
    pin: &Pin,
    credential_id: &[u8],
) -> Result<(), ProvisionError> {
    if info.supports_cred_mgmt && key.delete_credential(pin, credential_id).await.is_ok() {
        return Ok(());
    }
    let used = UsedKey::in_hand(info);
    let credential = b64::encode(credential_id);
    add_inventory(ctx, user, used, "", &credential, KeyStatus::Orphan)
}

/// A key as the journal and the inventory record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsedKey {
    /// Its serial; empty when the key reports none (never the port it sits on: a key is
    /// known by what it proves, its serial or a credential made on it).
    pub serial: String,
    /// Its AAGUID as text.
    pub aaguid: String,
    /// Its model name.
    pub model: String,
}

impl UsedKey {
    /// The key in hand, as it reported itself.
    pub(crate) fn in_hand(info: &KeyInfo) -> Self {
        UsedKey {
            serial: info.serial.clone().unwrap_or_default(),
            aaguid: keydesk_fido::aaguid_text(&info.aaguid),
            model: info.model.clone(),
        }
    }

    /// The key a journaled job used (empty where the journal has nothing).
    pub(crate) fn of_job(job: &JobRecord) -> Self {
        UsedKey {
            serial: job.key_serial.clone().unwrap_or_default(),
            aaguid: job.key_aaguid.clone().unwrap_or_default(),
            model: job.key_model.clone().unwrap_or_default(),
        }
    }
}

/// Adds the inventory entry for `key` and `user` (by this operator, now): the one place
/// entries are made. `Issued` with the Entra method id, or `Orphan` with none.
pub(crate) fn add_inventory(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    key: UsedKey,
    method_id: &str,
    credential_id: &str,
    status: KeyStatus,
) -> Result<(), ProvisionError> {
    ctx.journal.add_inventory(&InventoryEntry {
        id: 0,
        key_serial: key.serial,
        key_aaguid: key.aaguid,
        key_model: key.model,
        user_id: user.id.clone(),
        upn: user.upn.clone(),
        method_id: method_id.to_owned(),
        credential_id: credential_id.to_owned(),
        operator: ctx.operator.clone(),
        at: (ctx.now)(),
        status,
    })?;
    Ok(())
}

/// Adds the inventory entry for a phone that now holds the user's passkey `method_id` in
/// Microsoft Authenticator (kept with the key entries, see [`crate::inventory`]).
pub(crate) fn add_phone_inventory(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    platform: PhonePlatform,
    method_id: &str,
) -> Result<i64, ProvisionError> {
    Ok(ctx.journal.add_inventory(&InventoryEntry {
        id: 0,
        key_serial: String::new(),
        key_aaguid: platform.aaguid().to_string(),
        key_model: platform.model().to_owned(),
        user_id: user.id.clone(),
        upn: user.upn.clone(),
        method_id: method_id.to_owned(),
        credential_id: String::new(),
        operator: ctx.operator.clone(),
        at: (ctx.now)(),
        status: KeyStatus::Issued,
    })?)
}

/// After Graph's 201, while the key is still in hand: the inventory entry and audit line
/// (local writes, so a crash right after the key leaves still has them), the self-test and
/// the forced PIN change (both need the key). Failures of the key steps are warnings: the
/// passkey is registered.
pub async fn on_key(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    key: &dyn SecurityKey,
    info: &KeyInfo,
    credential_id: &[u8],
    options: &CreationOptions,
    done: &mut Provisioned,
) -> Result<(), ProvisionError> {
    let used = UsedKey::in_hand(info);
    let serial = used.serial.clone();
    let credential = b64::encode(credential_id);
    add_inventory(
        ctx,
        user,
        used,
        &done.method_id,
        &credential,
        KeyStatus::Issued,
    )?;
    ctx.audit(
        "registered",
        &user.id,
        &format!("{} on key {serial}", done.method_id),
    );
    if ctx.settings.self_test {
        if let Err(e) = self_test(key, &done.pin, credential_id, &options.rp_id).await {
            done.warnings.push(format!("self-test failed: {e}"));
        }
    }
    if let Some(c21) = &ctx.settings.ctap21 {
        if c21.force_change && info.supports_config {
            match key.force_pin_change(&done.pin).await {
                Ok(()) => ctx.journal.record_pin_change_forced(&user.id)?,
                Err(e) => done
                    .warnings
                    .push(format!("could not force a PIN change: {e}")),
            }
        }
    }
    Ok(())
}

/// After the key is released: the passkey read back from Entra, the user's former
/// passkeys (`replaced`, listed before the POST) deleted when the operator chose so, and
/// the group move. All only add warnings.
pub async fn off_key(
    ctx: &Context<'_>,
    user: &DirectoryUser,
    done: &mut Provisioned,
    replaced: &[String],
) {
    match ctx.directory.passkeys(&user.id).await {
        Ok(methods) if methods.iter().any(|m| m.id == done.method_id) => {}
        Ok(_) => done
            .warnings
            .push("Entra does not list the new passkey yet".into()),
        Err(e) => done
            .warnings
            .push(format!("could not read the passkey back: {e}")),
    }
    for id in replaced.iter().filter(|id| **id != done.method_id) {
        if ctx.audit_ok().is_err() {
            break;
        }
        ctx.audit("passkey deleted", &user.id, id);
        if let Err(e) = ctx.directory.delete_passkey(&user.id, id).await {
            done.warnings
                .push(format!("could not delete the former passkey {id}: {e}"));
        }
    }
    group_move::move_user(ctx, user, &mut done.warnings).await;
}

/// getAssertion with the new PIN against the new credential.
async fn self_test(
    key: &dyn SecurityKey,
    pin: &Pin,
    credential_id: &[u8],
    rp_id: &str,
) -> Result<(), ProvisionError> {
    let mut challenge = [0u8; 32];
    rand::rng().fill_bytes(&mut challenge);
    let client_data_json = format!(
        r#"{{"type":"webauthn.get","challenge":"{}","origin":"https://{rp_id}","crossOrigin":false}}"#,
        b64::encode(&challenge)
    )
    .into_bytes();
    let request = GetAssertion {
        client_data_json,
        rp_id: rp_id.to_owned(),
        allow_list: vec![credential_id.to_vec()],
    };
    let assertion = key.get_assertion(&request, pin).await?;
    if assertion.credential_id != credential_id {
        return Err(ProvisionError::SelfTest);
    }
    Ok(())
}
