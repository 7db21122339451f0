//! A user's existing passkeys as the desk shows them before provisioning ([`existing`],
//! each with its model named from the AAGUID by [`model_of`]), and the operator's deletion
//! of one of them ([`delete_existing`]), confirmed in the window and audited like the
//! lost-key flow's revoke.
//!
//! Not here: deleting the former passkeys after a new one registered (the desk's setting
//! or the job's choice, `after::off_key`), nor anything in the key inventory (a passkey
//! deleted here may be one KeyDesk never issued).

use keydesk_fido::hid::models::UNKNOWN_MODEL;
use keydesk_mds::Mds;

use crate::directory::Method;
use crate::{metadata, Context, ProvisionError};

/// The user's passkeys as Graph lists them now.
pub async fn existing(ctx: &Context<'_>, user_id: &str) -> Result<Vec<Method>, ProvisionError> {
    ctx.directory.passkeys(user_id).await
}

/// Deletes the user's passkey `method_id` at the operator's request and audits it, naming
/// the passkey. The passkey is looked up first, so one already gone answers
/// [`ProvisionError::UnknownMethod`] (as does a 404 from the delete itself, when it went
/// in between); nothing is deleted once an audit line could not be written. Returns the
/// passkey deleted.
pub async fn delete_existing(
    ctx: &Context<'_>,
    user_id: &str,
    method_id: &str,
) -> Result<Method, ProvisionError> {
    ctx.audit_ok()?;
    let gone = || ProvisionError::UnknownMethod(method_id.to_owned());
    let passkey = existing(ctx, user_id)
        .await?
        .into_iter()
        .find(|p| p.id == method_id)
        .ok_or_else(gone)?;
    match ctx.directory.delete_passkey(user_id, method_id).await {
        Err(ProvisionError::Graph(e)) if e.kind() == keydesk_graph::GraphErrorKind::NotFound => {
            return Err(gone());
        }
        other => other?,
    }
    let name = passkey.display_name.as_deref().unwrap_or("unnamed passkey");
    let created = passkey.created.as_deref().unwrap_or("an unknown date");
    ctx.audit(
        "passkey deleted",
        user_id,
        &format!(
            "existing passkey “{name}” ({}, created {created}) deleted at the operator's request",
            passkey.aaguid.as_deref().unwrap_or("no AAGUID")
        ),
    );
    Ok(passkey)
}

/// The model of a listed passkey: the metadata's (or the built-in table's) name for its
/// AAGUID; Graph's own model name when the AAGUID is not known here; "unknown model" when
/// neither says.
pub fn model_of(mds: Option<&Mds>, passkey: &Method) -> String {
    let by_aaguid = passkey
        .aaguid
        .as_deref()
        .and_then(|a| uuid::Uuid::parse_str(a.trim()).ok())
        .map(|id| metadata::describe(mds, id.as_bytes()).name)
        .filter(|name| name != UNKNOWN_MODEL);
    let from_graph = passkey
        .model
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    by_aaguid
        .or(from_graph)
        .unwrap_or_else(|| UNKNOWN_MODEL.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passkey(aaguid: Option<&str>, model: Option<&str>) -> Method {
        Method {
            id: "m1".into(),
            display_name: Some("Old key".into()),
            created: Some("2026-01-02T03:04:05Z".into()),
            aaguid: aaguid.map(str::to_owned),
            model: model.map(str::to_owned),
        }
    }

    #[test]
    fn a_known_aaguid_names_the_model_over_graphs_name() {
        let soft = passkey(Some("aa62412e-2cce-4d8b-9c5a-0330bc24e541"), Some("Other"));
        assert_eq!(model_of(None, &soft), "KeyDesk Soft Key");
    }

    #[test]
    fn an_unknown_aaguid_falls_back_to_graphs_name_then_to_unknown() {
        let nil = "00000000-0000-0000-0000-000000000000";
        assert_eq!(
            model_of(None, &passkey(Some(nil), Some("Acme Key"))),
            "Acme Key"
        );
        assert_eq!(
            model_of(None, &passkey(Some(nil), Some(" "))),
            UNKNOWN_MODEL
        );
        assert_eq!(model_of(None, &passkey(None, None)), UNKNOWN_MODEL);
    }
}
