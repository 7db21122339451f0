//! Serde shapes of what Entra and Graph send and receive. Crate-private.
//!
//! Every field a response might omit is an `Option` so the mapping code can name what is
//! missing in a [`crate::GraphError::Malformed`]; unknown fields are ignored. The
//! creationOptions document is read as a `serde_json::Value` instead (see `fido2::parse`),
//! because its nesting makes field-by-field error messages more useful there.

use serde::{Deserialize, Serialize};

/// One page of an OData collection.
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GroupDto {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDto {
    pub id: Option<String>,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    pub account_enabled: Option<bool>,
    pub user_type: Option<String>,
    pub department: Option<String>,
    pub office_location: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Fido2MethodDto {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub created_date_time: Option<String>,
    pub aa_guid: Option<String>,
    pub model: Option<String>,
}

/// A successful token response. `Debug` is deliberately not derived.
#[derive(Deserialize)]
pub(crate) struct TokenDto {
    pub access_token: Option<String>,
    /// Seconds; v2 sends a number, some proxies a string.
    pub expires_in: Option<serde_json::Value>,
    /// Delegated flows with `offline_access`.
    pub refresh_token: Option<String>,
}

/// The device authorization response. `Debug` is deliberately not derived.
#[derive(Deserialize)]
pub(crate) struct DeviceCodeDto {
    pub device_code: Option<String>,
    pub user_code: Option<String>,
    pub verification_uri: Option<String>,
    pub expires_in: Option<serde_json::Value>,
    pub interval: Option<serde_json::Value>,
    pub message: Option<String>,
}

/// Entra's OAuth error body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AadErrorDto {
    pub error: Option<String>,
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<i64>,
    pub trace_id: Option<String>,
}

/// Graph's error envelope `{"error":{"code","message","innerError":{…}}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub error: Option<ErrorBody>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    #[serde(alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InnerError {
    #[serde(rename = "request-id")]
    pub request_id: Option<String>,
    #[serde(rename = "client-request-id")]
    pub client_request_id: Option<String>,
}

/// `POST /users/{id}/authentication/fido2Methods` body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegisterBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<&'a str>,
    pub public_key_credential: PublicKeyCredentialDto,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublicKeyCredentialDto {
    pub id: String,
    pub response: AttestationResponseDto,
    pub client_extension_results: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub(crate) struct AttestationResponseDto {
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    #[serde(rename = "attestationObject")]
    pub attestation_object: String,
}

/// A directory role as `transitiveMemberOf/microsoft.graph.directoryRole` lists it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleDto {
    /// "Global Administrator", …
    pub display_name: Option<String>,
    /// The role's object id.
    pub id: Option<String>,
}
