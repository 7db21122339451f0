//! The selected user's existing passkeys: list them (name, model, created) and delete one
//! the operator confirmed. The engine's `passkeys` flow looks the passkey up, deletes it
//! and audits; these commands only map its results.

use keydesk_engine::ProvisionError;
use keydesk_ipc::{ErrorKind, ExistingPasskey, IpcError};
use tauri::State;

use super::signed_in;
use crate::convert;
use crate::state::Started;

/// The user's passkeys in Entra now.
#[tauri::command]
pub async fn passkeys_list(
    state: State<'_, Started>,
    user_id: String,
) -> Result<Vec<ExistingPasskey>, IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    let listed = keydesk_engine::passkeys::existing(&ctx, &user_id)
        .await
        .map_err(|e| convert::provision_error(&e))?;
    let mds = state.metadata.current();
    Ok(listed.iter().map(|p| view(mds.as_deref(), p)).collect())
}

/// Deletes one of the user's passkeys (confirmed in the window); audited.
#[tauri::command]
pub async fn passkey_delete(
    state: State<'_, Started>,
    user_id: String,
    method_id: String,
) -> Result<(), IpcError> {
    let state = state.get()?;
    let graph = signed_in(state)?;
    let ctx = state.context(&graph);
    match keydesk_engine::passkeys::delete_existing(&ctx, &user_id, &method_id).await {
        Ok(_) => Ok(()),
        Err(ProvisionError::UnknownMethod(_)) => Err(convert::plain(
            ErrorKind::UnknownMethod,
            "This passkey is already gone: it was deleted in Entra since the list was read.",
            "Nothing to do; the list now shows the user's passkeys as they are.",
        )),
        Err(e) => Err(convert::provision_error(&e)),
    }
}

fn view(
    mds: Option<&keydesk_mds::Mds>,
    passkey: &keydesk_engine::directory::Method,
) -> ExistingPasskey {
    ExistingPasskey {
        method_id: passkey.id.clone(),
        name: passkey.display_name.clone().unwrap_or_default(),
        model: keydesk_engine::passkeys::model_of(mds, passkey),
        created: passkey.created.clone(),
    }
}
