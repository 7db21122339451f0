//! Temporary Access Pass: the supported way to onboard a phone (Microsoft Authenticator
//! passkeys cannot be created through Graph on a user's behalf).
//!
//! The pass comes back in clear exactly once, in the 201 response. It is wrapped in
//! [`TapCode`] at once: redacted in `Debug`, no `Display`, zeroized on drop, never logged.
//! The POST is not repeated after an unknown outcome (a user holds one pass at a time, and
//! a lost pass cannot be read back): the error says to check and delete the user's pass.
//!
//! A new pass silently replaces the user's active one, so callers that must not do that
//! ask [`GraphClient::has_active_temporary_access_pass`] first. Listing and deleting
//! passes complete the set (a listed pass never carries the code); issuing within the
//! tenant's TAP policy is [`crate::api::tap_policy`].

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::http::Call;
use crate::{GraphClient, GraphError, Operation};

/// Lifetimes Graph accepts, in minutes.
pub const TAP_LIFETIME_MINUTES: std::ops::RangeInclusive<u32> = 10..=43200;

/// The pass itself. Show it once, print it, forget it.
#[derive(Clone, PartialEq, Eq)]
pub struct TapCode(Zeroizing<String>);

impl TapCode {
    /// Wraps a pass (Graph's answer, or a test double's).
    pub fn new(code: impl Into<String>) -> Self {
        TapCode(Zeroizing::new(code.into()))
    }

    /// The pass, for the one place that shows or prints it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TapCode(<redacted>)")
    }
}

/// What to ask for; every field is optional (Graph applies the tenant's defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TapRequest {
    /// When the pass becomes usable (RFC 3339); now when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    /// Lifetime in minutes, 10..=43200.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_in_minutes: Option<u32>,
    /// Whether the pass works for one sign-in only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_usable_once: Option<bool>,
}

/// A created Temporary Access Pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporaryAccessPass {
    /// Method id.
    pub id: String,
    /// The pass (redacted in `Debug`).
    pub pass: TapCode,
    /// When it becomes usable.
    pub start_date_time: Option<String>,
    /// Lifetime in minutes.
    pub lifetime_in_minutes: Option<u32>,
    /// One sign-in only.
    pub is_usable_once: Option<bool>,
}

/// The 201 body. `Debug` is deliberately not derived.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TapDto {
    id: Option<String>,
    temporary_access_pass: Option<String>,
    start_date_time: Option<String>,
    lifetime_in_minutes: Option<u32>,
    is_usable_once: Option<bool>,
}

/// A pass as a listing shows it (never with the code).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TapMethod {
    /// Method id.
    pub id: String,
    /// When it was created, as Graph wrote it.
    pub created_date_time: Option<String>,
    /// When it becomes usable.
    pub start_date_time: Option<String>,
    /// Lifetime in minutes.
    pub lifetime_in_minutes: Option<u32>,
    /// One sign-in only.
    pub is_usable_once: Option<bool>,
    /// Whether it can be used now.
    pub is_usable: Option<bool>,
    /// `EnabledByPolicy`, `DisabledByPolicy`, `Expired`, `NotYetValid`, `OneTimeUsed`.
    pub method_usability_reason: Option<String>,
}

impl TapMethod {
    /// Usable now or later: a new pass would replace it. A listing that says neither is
    /// taken as active (the cautious reading).
    pub fn is_active(&self) -> bool {
        let not_yet = self
            .method_usability_reason
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("NotYetValid"));
        match self.is_usable {
            Some(usable) => usable || not_yet,
            None => self.method_usability_reason.is_none() || not_yet,
        }
    }
}

impl GraphClient {
    /// The user's passes (without their codes).
    pub async fn temporary_access_passes(
        &self,
        user_id: &str,
    ) -> Result<Vec<TapMethod>, GraphError> {
        let url = self.url(self.config().api, &tap_path(required(user_id)?));
        self.get_all(
            Operation::ListTemporaryAccessPasses,
            "/users/{id}/authentication/temporaryAccessPassMethods",
            url,
            false,
        )
        .await
    }

    /// Whether the user holds a pass that a new one would silently replace.
    pub async fn has_active_temporary_access_pass(
        &self,
        user_id: &str,
    ) -> Result<bool, GraphError> {
        Ok(self
            .temporary_access_passes(user_id)
            .await?
            .iter()
            .any(TapMethod::is_active))
    }

    /// Deletes one pass (204). A pass already gone is a `NotFound` error.
    pub async fn delete_temporary_access_pass(
        &self,
        user_id: &str,
        method_id: &str,
    ) -> Result<(), GraphError> {
        let method_id = method_id.trim();
        if method_id.is_empty() {
            return Err(GraphError::InvalidInput("the pass id is empty".into()));
        }
        let mut segments = tap_path(required(user_id)?);
        segments.push(method_id);
        let call = Call {
            operation: Operation::DeleteTemporaryAccessPass,
            method: Method::DELETE,
            template: "/users/{id}/authentication/temporaryAccessPassMethods/{methodId}",
            url: self.url(self.config().api, &segments),
            body: None,
            eventual: false,
        };
        self.send(call).await.map(drop)
    }

    /// Creates a Temporary Access Pass for the user; the pass is returned once.
    pub async fn create_temporary_access_pass(
        &self,
        user_id: &str,
        request: &TapRequest,
    ) -> Result<TemporaryAccessPass, GraphError> {
        let user_id = required(user_id)?;
        if let Some(minutes) = request.lifetime_in_minutes {
            if !TAP_LIFETIME_MINUTES.contains(&minutes) {
                return Err(GraphError::InvalidInput(format!(
                    "a Temporary Access Pass lives 10 to 43200 minutes, not {minutes}"
                )));
            }
        }
        let url = self.url(self.config().api, &tap_path(user_id));
        let call = Call {
            operation: Operation::CreateTemporaryAccessPass,
            method: Method::POST,
            template: "/users/{id}/authentication/temporaryAccessPassMethods",
            url,
            body: Some(serde_json::to_vec(request).expect("the TAP request serialises")),
            eventual: false,
        };
        let reply = self.send(call).await?;
        let malformed = |what: &str| GraphError::Malformed {
            what: what.into(),
            detail: "missing from the created Temporary Access Pass".into(),
            request_id: reply.request_id.clone(),
        };
        // Never quote this body in an error: it holds the pass.
        let dto: TapDto = serde_json::from_slice(&reply.body)
            .map_err(|_| malformed("temporaryAccessPassMethod"))?;
        let pass = dto
            .temporary_access_pass
            .filter(|p| !p.is_empty())
            .ok_or_else(|| malformed("temporaryAccessPass"))?;
        Ok(TemporaryAccessPass {
            id: dto.id.ok_or_else(|| malformed("id"))?,
            pass: TapCode(Zeroizing::new(pass)),
            start_date_time: dto.start_date_time,
            lifetime_in_minutes: dto.lifetime_in_minutes,
            is_usable_once: dto.is_usable_once,
        })
    }
}

fn required(user_id: &str) -> Result<&str, GraphError> {
    let user_id = user_id.trim();
    if user_id.is_empty() {
        return Err(GraphError::InvalidInput("the user id is empty".into()));
    }
    Ok(user_id)
}

fn tap_path(user_id: &str) -> Vec<&str> {
    vec![
        "users",
        user_id,
        "authentication",
        "temporaryAccessPassMethods",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pass_never_prints_and_the_request_omits_defaults() {
        let tap = TemporaryAccessPass {
            id: "m1".into(),
            pass: TapCode(Zeroizing::new("Xy7-secret".into())),
            start_date_time: None,
            lifetime_in_minutes: Some(60),
            is_usable_once: Some(true),
        };
        assert!(!format!("{tap:?}").contains("Xy7"));
        assert_eq!(tap.pass.expose(), "Xy7-secret");
        let body = serde_json::to_value(TapRequest {
            lifetime_in_minutes: Some(60),
            ..TapRequest::default()
        })
        .unwrap();
        assert_eq!(body, serde_json::json!({"lifetimeInMinutes": 60}));
    }

    #[test]
    fn expired_and_used_passes_are_not_active() {
        let listed = |usable: Option<bool>, reason: Option<&str>| TapMethod {
            id: "t".into(),
            created_date_time: None,
            start_date_time: None,
            lifetime_in_minutes: None,
            is_usable_once: None,
            is_usable: usable,
            method_usability_reason: reason.map(str::to_owned),
        };
        assert!(listed(Some(true), Some("EnabledByPolicy")).is_active());
        assert!(listed(Some(false), Some("NotYetValid")).is_active());
        assert!(!listed(Some(false), Some("Expired")).is_active());
        assert!(!listed(Some(false), Some("OneTimeUsed")).is_active());
        assert!(listed(None, None).is_active());
    }
}
