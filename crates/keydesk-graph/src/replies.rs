//! The parsers of what Entra and Graph send back, as pure functions of the body bytes.
//!
//! Each function here is the same code the client runs on a live answer, minus the
//! network: no client, no token, no headers. They exist so the fuzz targets (`fuzz/`) and
//! their corpus replay (`tests/tests/fuzz_corpus.rs`) can feed arbitrary bytes to every
//! parser that reads untrusted input. They are not a second way to call Graph.

use std::time::Duration;

use keydesk_core::{CreationOptions, DirectoryUser};
use reqwest::header::HeaderMap;

use crate::api::fido2::to_passkey;
use crate::api::groups::{is_limited, limited_information};
use crate::api::policy::parse_policy;
use crate::api::users::to_directory_user;
use crate::api_error::api_error;
use crate::signin::token_endpoint::{parse_aad_error, parse_token};
use crate::wire::{Fido2MethodDto, Page, UserDto};
use crate::{Fido2Policy, GraphError, Operation, Passkey};

/// A creationOptions document (`GET .../fido2Methods/creationOptions`), as the client
/// reads it before a registration.
pub fn creation_options(body: &[u8]) -> Result<CreationOptions, GraphError> {
    crate::api::creation_options::parse(body, None)
}

/// One page of a group's transitive user members, mapped user by user as the queue
/// loader does (a member listed by id only is refused as "limited information").
/// Returns the users and the page's `@odata.nextLink`, unchecked.
pub fn members_page(body: &[u8]) -> Result<(Vec<DirectoryUser>, Option<String>), GraphError> {
    let page: Page<UserDto> = page(body, "page of members")?;
    let mut users = Vec::with_capacity(page.value.len());
    for member in page.value {
        if is_limited(&member) {
            return Err(limited_information());
        }
        users.push(to_directory_user(member)?);
    }
    Ok((users, page.next_link))
}

/// One page of a user's passkeys (`fido2Methods`), and its `@odata.nextLink`, unchecked.
pub fn passkeys_page(body: &[u8]) -> Result<(Vec<Passkey>, Option<String>), GraphError> {
    let page: Page<Fido2MethodDto> = page(body, "page of passkeys")?;
    let passkeys = page
        .value
        .into_iter()
        .map(to_passkey)
        .collect::<Result<_, _>>()?;
    Ok((passkeys, page.next_link))
}

/// The FIDO2 authentication method policy document.
pub fn policy(body: &[u8]) -> Result<Fido2Policy, GraphError> {
    parse_policy(body).map_err(|e| GraphError::Malformed {
        what: "FIDO2 policy".into(),
        detail: e.to_string(),
        request_id: None,
    })
}

/// A token endpoint's success answer: how long the access token is taken to live
/// (clamped), and whether a refresh token came with it. The tokens are dropped here.
pub fn token(body: &[u8]) -> Result<(Duration, bool), GraphError> {
    parse_token(body, None).map(|issued| (issued.lifetime, issued.refresh.is_some()))
}

/// A token endpoint's refusal (`{error, error_description, error_codes}`) with its status.
pub fn sign_in_error(status: u16, body: &[u8]) -> GraphError {
    parse_aad_error(status, body)
}

/// A Graph error answer (`{"error":{"code","message","innerError"}}`) with its status,
/// read as the transport reads every refusal (no headers here).
pub fn graph_error(status: u16, body: &[u8]) -> GraphError {
    api_error(
        Operation::ListPasskeys,
        status,
        &HeaderMap::new(),
        body,
        "fuzz",
    )
}

fn page<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<Page<T>, GraphError> {
    serde_json::from_slice(body).map_err(|e| GraphError::Malformed {
        what: what.into(),
        detail: e.to_string(),
        request_id: None,
    })
}
