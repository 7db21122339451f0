//! The tenant's Temporary Access Pass method policy, and the pure question "may this pass be
//! issued as asked".
//!
//! Read from Graph's temporaryAccessPassAuthenticationMethodConfiguration: `state`,
//! `defaultLifetimeInMinutes`, `minimumLifetimeInMinutes`, `maximumLifetimeInMinutes`,
//! `isUsableOnce` (when true every pass is one-time) and `defaultLength`. [`TapPolicy::check`]
//! does no I/O: [`GraphClient::issue_temporary_access_pass`] asks it before sending a pass
//! request, so a request the tenant would refuse is refused with a clear sentence and
//! nothing is sent.
//!
//! Not judged: the policy's include/exclude targets (whether this user is in scope).

use serde::Deserialize;

use crate::api::tap::{TapRequest, TemporaryAccessPass, TAP_LIFETIME_MINUTES};
use crate::http::Call;
use crate::{GraphClient, GraphError, Operation};

/// The Temporary Access Pass method policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapPolicy {
    /// `state == "enabled"`.
    pub enabled: bool,
    /// Lifetime of a pass that does not ask for one.
    pub default_lifetime_minutes: u32,
    /// Shortest lifetime allowed.
    pub min_lifetime_minutes: u32,
    /// Longest lifetime allowed.
    pub max_lifetime_minutes: u32,
    /// `isUsableOnce`: every pass is one-time (a request for a reusable pass is refused).
    pub usable_once_required: bool,
    /// Characters in a pass.
    pub default_length: u32,
}

impl Default for TapPolicy {
    /// Entra's defaults for a tenant that enabled the method without changing it.
    fn default() -> Self {
        TapPolicy {
            enabled: true,
            default_lifetime_minutes: 60,
            min_lifetime_minutes: 60,
            max_lifetime_minutes: 480,
            usable_once_required: false,
            default_length: 8,
        }
    }
}

/// Why a pass may not be issued as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TapRefusal {
    /// The method is off in the tenant.
    #[error("the Temporary Access Pass method is disabled in the tenant")]
    Disabled,
    /// The lifetime is outside the policy's bounds.
    #[error(
        "the Temporary Access Pass policy allows lifetimes of {min} to {max} minutes, not {asked}"
    )]
    Lifetime {
        /// Asked for.
        asked: u32,
        /// Policy minimum.
        min: u32,
        /// Policy maximum.
        max: u32,
    },
    /// A reusable pass was asked for where the policy makes every pass one-time.
    #[error("the Temporary Access Pass policy makes every pass one-time; a reusable pass cannot be issued")]
    OneTimeRequired,
}

impl TapPolicy {
    /// Whether `request` fits the policy (pure). A request without a lifetime gets the
    /// policy's default, which fits by definition.
    pub fn check(&self, request: &TapRequest) -> Result<(), TapRefusal> {
        if !self.enabled {
            return Err(TapRefusal::Disabled);
        }
        if let Some(asked) = request.lifetime_in_minutes {
            let (min, max) = (self.min_lifetime_minutes, self.max_lifetime_minutes);
            if !(min..=max).contains(&asked) || !TAP_LIFETIME_MINUTES.contains(&asked) {
                return Err(TapRefusal::Lifetime { asked, min, max });
            }
        }
        if self.usable_once_required && request.is_usable_once == Some(false) {
            return Err(TapRefusal::OneTimeRequired);
        }
        Ok(())
    }

    /// The lifetime a pass made from `request` will have.
    pub fn lifetime_for(&self, request: &TapRequest) -> u32 {
        request
            .lifetime_in_minutes
            .unwrap_or(self.default_lifetime_minutes)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TapPolicyDto {
    state: Option<String>,
    default_lifetime_in_minutes: Option<u32>,
    minimum_lifetime_in_minutes: Option<u32>,
    maximum_lifetime_in_minutes: Option<u32>,
    is_usable_once: Option<bool>,
    default_length: Option<u32>,
}

/// Reads the policy document; absent numbers take Entra's defaults.
pub(crate) fn parse_tap_policy(body: &[u8]) -> Result<TapPolicy, serde_json::Error> {
    let dto: TapPolicyDto = serde_json::from_slice(body)?;
    let d = TapPolicy::default();
    Ok(TapPolicy {
        enabled: dto.state.is_some_and(|s| s.eq_ignore_ascii_case("enabled")),
        default_lifetime_minutes: dto
            .default_lifetime_in_minutes
            .unwrap_or(d.default_lifetime_minutes),
        min_lifetime_minutes: dto
            .minimum_lifetime_in_minutes
            .unwrap_or(d.min_lifetime_minutes),
        max_lifetime_minutes: dto
            .maximum_lifetime_in_minutes
            .unwrap_or(d.max_lifetime_minutes),
        usable_once_required: dto.is_usable_once.unwrap_or(false),
        default_length: dto.default_length.unwrap_or(d.default_length),
    })
}

impl GraphClient {
    /// Issues a pass within the tenant's policy: reads the policy, refuses (with
    /// [`GraphError::InvalidInput`], nothing sent) what it would not allow, then creates
    /// the pass. Returns the pass with the policy read, so callers can state its lifetime.
    pub async fn issue_temporary_access_pass(
        &self,
        user_id: &str,
        request: &TapRequest,
    ) -> Result<(TemporaryAccessPass, TapPolicy), GraphError> {
        let policy = self.tap_policy().await?;
        policy
            .check(request)
            .map_err(|refusal| GraphError::InvalidInput(refusal.to_string()))?;
        let pass = self.create_temporary_access_pass(user_id, request).await?;
        Ok((pass, policy))
    }

    /// The tenant's Temporary Access Pass policy.
    pub async fn tap_policy(&self) -> Result<TapPolicy, GraphError> {
        let url = self.url(
            self.config().api,
            &[
                "policies",
                "authenticationMethodsPolicy",
                "authenticationMethodConfigurations",
                "TemporaryAccessPass",
            ],
        );
        let template = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
        let reply = self
            .send(Call::get(Operation::ReadTapPolicy, template, url))
            .await?;
        parse_tap_policy(&reply.body).map_err(|e| GraphError::Malformed {
            what: "Temporary Access Pass policy".into(),
            detail: e.to_string(),
            request_id: reply.request_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(minutes: Option<u32>, once: Option<bool>) -> TapRequest {
        TapRequest {
            lifetime_in_minutes: minutes,
            is_usable_once: once,
            ..TapRequest::default()
        }
    }

    #[test]
    fn the_policy_bounds_lifetime_and_one_time_use() {
        let policy = parse_tap_policy(
            br#"{"state":"enabled","defaultLifetimeInMinutes":60,"minimumLifetimeInMinutes":30,
                "maximumLifetimeInMinutes":120,"isUsableOnce":true,"defaultLength":10}"#,
        )
        .unwrap();
        assert_eq!(policy.min_lifetime_minutes, 30);
        assert_eq!(policy.default_length, 10);
        assert_eq!(policy.check(&ask(Some(30), Some(true))), Ok(()));
        assert_eq!(policy.check(&ask(None, None)), Ok(()));
        assert_eq!(
            policy.check(&ask(Some(121), None)),
            Err(TapRefusal::Lifetime {
                asked: 121,
                min: 30,
                max: 120
            })
        );
        assert_eq!(
            policy.check(&ask(Some(60), Some(false))),
            Err(TapRefusal::OneTimeRequired)
        );
        assert_eq!(policy.lifetime_for(&ask(None, None)), 60);
    }

    #[test]
    fn a_disabled_or_bare_policy_is_read_with_defaults() {
        let policy = parse_tap_policy(br#"{"state":"disabled"}"#).unwrap();
        assert!(!policy.enabled);
        assert_eq!(policy.max_lifetime_minutes, 480);
        assert_eq!(policy.check(&ask(None, None)), Err(TapRefusal::Disabled));
    }
}
