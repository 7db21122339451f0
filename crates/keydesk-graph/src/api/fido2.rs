//! The FIDO2 calls: list a user's passkeys, get creation options, register a passkey.
//!
//! Creation options come from the configured version (v1.0: a fixed 5-minute challenge)
//! or, with a custom challenge timeout, from beta's function form
//! `creationOptions(challengeTimeoutInMinutes=m)` (the query-string form answers 405 in
//! some tenants). Both are global-cloud only and refused elsewhere before any call.
//! Registering is never repeated blindly: when the outcome is unknown (timeout, dropped
//! connection, 5xx, unreadable 201) the user's passkeys are read and matched against the
//! [`Attempt`] taken before the POST ([`super::reconcile`]); only when the passkey is
//! surely absent is the POST sent again, up to [`crate::GraphConfig::max_attempts`] times,
//! and when that cannot be told the answer is [`GraphError::RegistrationUnsure`]. A POST
//! sent again is judged from its own time: the listing lag counts from it. Deleting
//! uses v1.0 (app-only too, with UserAuthMethod-Passkey.ReadWrite.All), falling back to beta
//! for an app-only caller v1.0 refuses. Listing and deleting are refused in the China cloud
//! before any call.

use keydesk_core::CreationOptions;
use reqwest::Method;

use super::creation_options;
use super::reconcile::{elapsed_secs, judge, outcome_unknown, Attempt, PasskeyListing, Verdict};
use super::registration::Registration;
use super::users::with_request_id;
use crate::http::Call;
use crate::net::millis;
use crate::retry::backoff;
use crate::wire::Fido2MethodDto;
use crate::{ApiVersion, Cloud, GraphClient, GraphError, GraphErrorKind, Operation, Passkey};

/// Challenge timeouts beta accepts, in minutes.
pub const CHALLENGE_TIMEOUT_MINUTES: std::ops::RangeInclusive<u32> = 5..=43200;

impl GraphClient {
    /// The user's registered FIDO2 methods.
    pub async fn passkeys(&self, user_id: &str) -> Result<Vec<Passkey>, GraphError> {
        Ok(self.passkey_listing(user_id).await?.passkeys)
    }

    /// The user's registered FIDO2 methods with Graph's clock at the time of listing.
    pub async fn passkey_listing(&self, user_id: &str) -> Result<PasskeyListing, GraphError> {
        self.ensure_passkey_management("listing passkeys")?;
        let user_id = required(user_id, "user id")?;
        let url = self.url(
            self.config().api,
            &["users", user_id, "authentication", "fido2Methods"],
        );
        let (methods, graph_time): (Vec<Fido2MethodDto>, _) = self
            .get_all_dated(
                Operation::ListPasskeys,
                "/users/{id}/authentication/fido2Methods",
                url,
                false,
            )
            .await?;
        Ok(PasskeyListing {
            passkeys: methods
                .into_iter()
                .map(to_passkey)
                .collect::<Result<_, _>>()?,
            graph_time,
            local_time: now_unix(),
        })
    }

    /// Whether `attempt` left a passkey for the user: reads the passkeys, and while the
    /// answer is [`Verdict::Unsure`] reads again with backoff until
    /// [`crate::GraphConfig::listing_lag`] (plus one backoff step) has been waited.
    pub async fn find_registration(
        &self,
        user_id: &str,
        attempt: &Attempt,
    ) -> Result<Verdict, GraphError> {
        let lag = self.config().listing_lag;
        let lag_secs = i64::try_from(lag.as_secs()).unwrap_or(i64::MAX);
        let mut waited = std::time::Duration::ZERO;
        let mut round = 0;
        loop {
            let listing = self.passkey_listing(user_id).await?;
            let verdict = judge(attempt, &listing, lag);
            // Settled, or the lag has passed both since the attempt on Graph's clock (a
            // slow machine's waits do not count against a lagging listing) and in waits
            // here (a tie gets that long to resolve); never more than four lags of waits.
            let lag_passed = elapsed_secs(attempt, &listing) > lag_secs && waited > lag;
            if !matches!(verdict, Verdict::Unsure(_)) || lag_passed || waited > 4 * lag {
                return Ok(verdict);
            }
            round += 1;
            let wait = backoff(round, rand::random::<f64>());
            tracing::info!(
                wait_ms = millis(wait),
                "the registration is not settled in the listing yet, reading again"
            );
            self.pause(wait).await;
            waited += wait;
        }
    }

    /// Fresh creation options for the user. `None` uses the configured version's default
    /// challenge lifetime; `Some(minutes)` (5..=43200) asks beta for that lifetime.
    pub async fn creation_options(
        &self,
        user_id: &str,
        challenge_timeout_minutes: Option<u32>,
    ) -> Result<CreationOptions, GraphError> {
        let (options, _) = self
            .creation_options_json(user_id, challenge_timeout_minutes)
            .await?;
        Ok(options)
    }

    /// [`GraphClient::creation_options`], with the JSON document Graph sent (for exports
    /// that hand the options to another tool verbatim).
    pub async fn creation_options_json(
        &self,
        user_id: &str,
        challenge_timeout_minutes: Option<u32>,
    ) -> Result<(CreationOptions, serde_json::Value), GraphError> {
        self.ensure_provisioning()?;
        let user_id = required(user_id, "user id")?;
        let (url, template) = match challenge_timeout_minutes {
            None => (
                self.url(
                    self.config().api,
                    &[
                        "users",
                        user_id,
                        "authentication",
                        "fido2Methods",
                        "creationOptions",
                    ],
                ),
                "/users/{id}/authentication/fido2Methods/creationOptions",
            ),
            Some(minutes) => {
                if !CHALLENGE_TIMEOUT_MINUTES.contains(&minutes) {
                    return Err(GraphError::InvalidInput(format!(
                        "the challenge timeout must be 5 to 43200 minutes, not {minutes}"
                    )));
                }
                let function = format!("creationOptions(challengeTimeoutInMinutes={minutes})");
                (
                    self.url(
                        ApiVersion::Beta,
                        &["users", user_id, "authentication", "fido2Methods", &function],
                    ),
                    "/users/{id}/authentication/fido2Methods/creationOptions(challengeTimeoutInMinutes={m})",
                )
            }
        };
        let reply = self
            .send(Call::get(Operation::CreationOptions, template, url))
            .await?;
        let mut options = creation_options::parse(&reply.body, reply.request_id.as_deref())?;
        options.beta = challenge_timeout_minutes.is_some() || self.config().api == ApiVersion::Beta;
        // `parse` has just read the same bytes as JSON.
        let document = serde_json::from_slice(&reply.body).unwrap_or_default();
        Ok((options, document))
    }

    /// Registers the passkey for the user; an unknown outcome is reconciled against
    /// `attempt`, taken (and journaled, if the caller keeps a journal) before the call
    /// (module docs).
    pub async fn register_passkey(
        &self,
        user_id: &str,
        registration: &Registration,
        attempt: &Attempt,
    ) -> Result<Passkey, GraphError> {
        self.ensure_provisioning()?;
        let user_id = required(user_id, "user id")?;
        for (what, bytes) in [
            ("credential id", &registration.credential_id),
            ("clientDataJSON", &registration.client_data_json),
            ("attestationObject", &registration.attestation_object),
        ] {
            if bytes.is_empty() {
                return Err(GraphError::InvalidInput(format!("the {what} is empty")));
            }
        }
        // The same API version as the creationOptions that issued the challenge.
        let version = if registration.beta {
            ApiVersion::Beta
        } else {
            self.config().api
        };
        let url = self.url(
            version,
            &["users", user_id, "authentication", "fido2Methods"],
        );
        let call = Call {
            operation: Operation::RegisterPasskey,
            method: Method::POST,
            template: "/users/{id}/authentication/fido2Methods",
            url,
            body: Some(registration.to_json()),
            eventual: false,
        };
        let mut round = 0;
        let mut attempt = attempt.clone();
        loop {
            round += 1;
            if round > 1 {
                // This POST may land too: a listing lag counts from it, not from the first.
                attempt = attempt.made_again_at(now_unix());
            }
            let error = match self.send(call.clone()).await {
                Ok(reply) => {
                    if reply.status != 201 {
                        tracing::warn!(status = reply.status, "register answered without 201");
                    }
                    match reply.json("registered passkey").and_then(to_passkey) {
                        Ok(passkey) => return Ok(passkey),
                        Err(e) => with_request_id(e, &reply.request_id),
                    }
                }
                Err(error) => error,
            };
            if !outcome_unknown(&error) {
                if round > 1 {
                    // Refused after an earlier POST whose outcome was unknown: that one
                    // may have landed after all (a spent challenge is refused), so this
                    // is not a plain failure: the next run reads the passkeys again.
                    return Err(GraphError::RegistrationUnsure {
                        candidates: Vec::new(),
                        cause: Box::new(error),
                    });
                }
                return Err(error);
            }
            tracing::warn!(%error, "register outcome unknown, reading the user's passkeys");
            match self.find_registration(user_id, &attempt).await {
                Ok(Verdict::Registered(passkey)) => {
                    tracing::info!("the passkey had been registered");
                    return Ok(passkey);
                }
                Ok(Verdict::Absent) if round < self.config().max_attempts => {
                    self.pause(backoff(round, rand::random::<f64>())).await;
                }
                Ok(Verdict::Absent) => return Err(error),
                Ok(Verdict::Unsure(candidates)) => {
                    return Err(GraphError::RegistrationUnsure {
                        candidates,
                        cause: Box::new(error),
                    })
                }
                Err(list_error) => {
                    tracing::warn!(%list_error, "could not check the user's passkeys");
                    return Err(GraphError::RegistrationUnsure {
                        candidates: Vec::new(),
                        cause: Box::new(error),
                    });
                }
            }
        }
    }

    /// Deletes one of the user's FIDO2 methods (204).
    ///
    /// Through the configured version (v1.0 documents app-only delete with the least
    /// privilege UserAuthMethod-Passkey.ReadWrite.All). An app-only caller refused there
    /// (403: a tenant or app still on the older UserAuthenticationMethod.ReadWrite.All,
    /// which beta honours) tries beta once; if that fails too, the v1.0 refusal is
    /// reported, since its hint names the least-privilege permission.
    pub async fn delete_passkey(&self, user_id: &str, method_id: &str) -> Result<(), GraphError> {
        self.ensure_passkey_management("deleting passkeys")?;
        let user_id = required(user_id, "user id")?;
        let method_id = required(method_id, "passkey id")?;
        let call = |version| {
            let url = self.url(
                version,
                &[
                    "users",
                    user_id,
                    "authentication",
                    "fido2Methods",
                    method_id,
                ],
            );
            Call {
                operation: Operation::DeletePasskey,
                method: Method::DELETE,
                template: "/users/{id}/authentication/fido2Methods/{methodId}",
                url,
                body: None,
                eventual: false,
            }
        };
        let configured = self.config().api;
        match self.send(call(configured)).await {
            Err(error)
                if error.kind() == GraphErrorKind::Forbidden
                    && configured == ApiVersion::V1
                    && self.credentials().is_app_only() =>
            {
                tracing::warn!(%error, "v1.0 refused the app-only delete, trying beta");
                self.send(call(ApiVersion::Beta))
                    .await
                    .map(drop)
                    .map_err(|_| error)
            }
            other => other.map(drop),
        }
    }

    /// Refuses listing and deleting passkeys where Microsoft does not offer them (the China
    /// cloud), before anything is sent.
    fn ensure_passkey_management(&self, what: &'static str) -> Result<(), GraphError> {
        match self.config().cloud {
            Cloud::China => Err(GraphError::NotInCloud {
                feature: what,
                cloud: Cloud::China,
            }),
            _ => Ok(()),
        }
    }
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn required<'a>(value: &'a str, what: &str) -> Result<&'a str, GraphError> {
    let value = value.trim();
    if value.is_empty() {
        Err(GraphError::InvalidInput(format!("the {what} is empty")))
    } else {
        Ok(value)
    }
}

pub(crate) fn to_passkey(dto: Fido2MethodDto) -> Result<Passkey, GraphError> {
    let id = dto
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| GraphError::Malformed {
            what: "fido2AuthenticationMethod.id".into(),
            detail: "missing".into(),
            request_id: None,
        })?;
    Ok(Passkey {
        id,
        display_name: dto.display_name,
        created: dto.created_date_time,
        aaguid: dto.aa_guid,
        model: dto.model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passkeys_need_an_id() {
        let dto: Fido2MethodDto =
            serde_json::from_str(r#"{"displayName":"k","aaGuid":"cb69481e-8ff7-4039-93ec-0a2729a154a8","model":"YubiKey 5","createdDateTime":"2026-01-01T00:00:00Z"}"#).unwrap();
        assert!(to_passkey(dto).is_err());
        let dto: Fido2MethodDto = serde_json::from_str(
            r#"{"id":"abc1","aaGuid":"cb69481e-8ff7-4039-93ec-0a2729a154a8","attestationLevel":"attested"}"#,
        )
        .unwrap();
        let passkey = to_passkey(dto).unwrap();
        assert_eq!(
            passkey.aaguid.as_deref(),
            Some("cb69481e-8ff7-4039-93ec-0a2729a154a8")
        );
    }
}
