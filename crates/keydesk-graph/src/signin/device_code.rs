//! Device code sign-in: the fallback when no browser can be opened on this machine.
//!
//! KeyDesk asks Entra for a code, shows it through [`DeviceCodePrompt`] ("go to
//! `https://microsoft.com/devicelogin` and enter ABC-DEF"), then polls the token endpoint at
//! the interval Entra gave: `authorization_pending` waits, `slow_down` adds 5 seconds,
//! `expired_token`, a decline or the code's lifetime running out end it. Waiting goes
//! through the client's [`Sleeper`], so tests do not wait for real. Needs "Allow public
//! client flows" on the app registration.

use std::time::Duration;

use super::token_endpoint::{post_form, refusal, request_token, Issued, Refused};
use crate::retry::Sleeper;
use crate::wire::DeviceCodeDto;
use crate::{GraphConfig, GraphError, Secret};

/// Poll interval when Entra does not give one.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What `slow_down` adds to the interval (RFC 8628).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// The polling interval stays within these bounds whatever the endpoint says: zero would
/// be a busy loop, an hour would outlive the code.
const MIN_INTERVAL: Duration = Duration::from_secs(1);
const MAX_INTERVAL: Duration = Duration::from_secs(60);
/// A code is waited for at most this long.
const MAX_WAIT: Duration = Duration::from_secs(60 * 60);

/// What the person must do to finish signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodeInfo {
    /// The code to enter, e.g. `ABCD-EFGH`.
    pub user_code: String,
    /// Where to enter it, e.g. `https://microsoft.com/devicelogin`.
    pub verification_uri: String,
    /// Entra's ready-made instruction, if it sent one.
    pub message: Option<String>,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// Shows the device code to the operator (a dialog, a terminal line).
pub trait DeviceCodePrompt: Send + Sync {
    /// Called once per sign-in, before polling starts.
    fn show(&self, info: &DeviceCodeInfo);
}

impl<F: Fn(&DeviceCodeInfo) + Send + Sync> DeviceCodePrompt for F {
    fn show(&self, info: &DeviceCodeInfo) {
        self(info)
    }
}

/// Runs the device code flow to the end.
pub(crate) async fn sign_in(
    http: &reqwest::Client,
    config: &GraphConfig,
    prompt: &dyn DeviceCodePrompt,
    scope: &str,
    sleeper: &dyn Sleeper,
) -> Result<Issued, GraphError> {
    let client_id = config.client_id.trim();
    let url = config.oauth_url("devicecode");
    let posted = post_form(
        http,
        &url,
        "/{tenant}/oauth2/v2.0/devicecode",
        &[("client_id", client_id), ("scope", scope)],
    )
    .await?;
    if !(200..300).contains(&posted.status) {
        return Err(refusal(posted.status, &posted.body).error);
    }
    let malformed = |what: &str| GraphError::Malformed {
        what: what.into(),
        detail: "missing from the device code response".into(),
        request_id: posted.request_id.clone(),
    };
    let dto: DeviceCodeDto =
        serde_json::from_slice(&posted.body).map_err(|_| malformed("device code response"))?;
    let device_code = Secret::new(dto.device_code.ok_or_else(|| malformed("device_code"))?);
    let info = DeviceCodeInfo {
        user_code: dto.user_code.ok_or_else(|| malformed("user_code"))?,
        verification_uri: dto
            .verification_uri
            .ok_or_else(|| malformed("verification_uri"))?,
        message: dto.message,
        expires_in: seconds(&dto.expires_in)
            .unwrap_or(Duration::from_secs(15 * 60))
            .min(MAX_WAIT),
    };
    let mut interval = seconds(&dto.interval)
        .unwrap_or(DEFAULT_INTERVAL)
        .clamp(MIN_INTERVAL, MAX_INTERVAL);
    prompt.show(&info);
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client_id),
        ("device_code", device_code.expose()),
    ];
    let mut waited = Duration::ZERO;
    loop {
        if waited >= info.expires_in {
            return Err(refusal(400, br#"{"error":"expired_token"}"#).error);
        }
        sleeper.sleep(interval).await;
        waited += interval;
        match request_token(http, &config.token_url(), &form).await {
            Ok(issued) => return Ok(issued),
            Err(Refused {
                oauth_error: Some(error),
                error: mapped,
            }) => match error.as_str() {
                "authorization_pending" => continue,
                "slow_down" => interval = (interval + SLOW_DOWN_STEP).min(MAX_INTERVAL),
                _ => return Err(mapped),
            },
            Err(refused) => return Err(refused.error),
        }
    }
}

/// A number of seconds written as a number or a string.
fn seconds(value: &Option<serde_json::Value>) -> Option<Duration> {
    match value {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .map(Duration::from_secs)
}
