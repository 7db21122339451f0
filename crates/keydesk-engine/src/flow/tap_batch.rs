//! Temporary Access Passes for a list of users, for onboarding letters (Authenticator on
//! the user's own phone, or a security key at their desk).
//!
//! [`issue_passes`] reads the TAP policy once and refuses the whole batch when it would not
//! allow the request (nothing is issued); then, per user: the user is read and must be
//! eligible, the FIDO2 policy must allow Authenticator passkeys, a user holding an active
//! pass is left alone unless `replace` (Graph would replace it silently), and the pass is
//! issued and audited (its id, never the code). Each user's result comes back in order as
//! an [`IssuedPass`] or the reason, for a letter renderer or a terminal.

use keydesk_core::rfc3339::{format_unix, unix_seconds};
use keydesk_graph::{GraphError, TapCode, TapRequest};

use crate::passes::TemporaryAccessPasses;
use crate::phone::fido2_allows_phones;
use crate::{Context, ProvisionError};

/// What to issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PassOptions {
    /// Lifetime in minutes; the policy's default when `None`.
    pub lifetime_minutes: Option<u32>,
    /// One sign-in only.
    pub one_time: bool,
    /// Replace an active pass (the operator asked the user).
    pub replace: bool,
}

/// A pass issued for a user: everything a letter shows. The code is redacted in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPass {
    /// userPrincipalName (the sign-in name on the letter).
    pub upn: String,
    /// Display name.
    pub display_name: String,
    /// The pass.
    pub pass: TapCode,
    /// Valid from, Unix seconds.
    pub start: i64,
    /// Valid until, Unix seconds.
    pub end: i64,
    /// One sign-in only.
    pub one_time: bool,
}

impl IssuedPass {
    /// `start` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn start_text(&self) -> String {
        format_unix(self.start)
    }

    /// `end` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn end_text(&self) -> String {
        format_unix(self.end)
    }
}

/// Issues a pass per user (id or UPN), in order; see the module docs. `Err` when the TAP
/// policy refuses the request (nothing issued) or cannot be read.
pub async fn issue_passes(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    users: &[String],
    options: PassOptions,
) -> Result<Vec<Result<IssuedPass, (String, ProvisionError)>>, ProvisionError> {
    let request = TapRequest {
        lifetime_in_minutes: options.lifetime_minutes,
        is_usable_once: Some(options.one_time),
        ..TapRequest::default()
    };
    let policy = passes.tap_policy().await?;
    policy
        .check(&request)
        .map_err(|refusal| GraphError::InvalidInput(refusal.to_string()))?;
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        let default_minutes = policy.lifetime_for(&request);
        let issued = issue_one(
            ctx,
            passes,
            user,
            &request,
            options.replace,
            default_minutes,
        );
        out.push(issued.await.map_err(|e| (user.clone(), e)));
    }
    Ok(out)
}

async fn issue_one(
    ctx: &Context<'_>,
    passes: &dyn TemporaryAccessPasses,
    user: &str,
    request: &TapRequest,
    replace: bool,
    default_minutes: u32,
) -> Result<IssuedPass, ProvisionError> {
    let user = ctx.directory.user(user).await?;
    if let Some(why) = user.ineligibility() {
        return Err(ProvisionError::NotEligible(why));
    }
    fido2_allows_phones(ctx, &user).await?;
    if !replace && passes.has_active_pass(&user.id).await? {
        return Err(ProvisionError::PassActive(user.upn.clone()));
    }
    let tap = passes.issue_pass(&user.id, request).await?;
    let start = tap
        .start_date_time
        .as_deref()
        .and_then(unix_seconds)
        .unwrap_or_else(|| (ctx.now)());
    let minutes = tap.lifetime_in_minutes.unwrap_or(default_minutes);
    ctx.audit(
        "pass issued",
        &user.id,
        &format!("Temporary Access Pass {} for a letter", tap.id),
    );
    Ok(IssuedPass {
        upn: user.upn,
        display_name: user.display_name,
        pass: tap.pass,
        start,
        end: start + 60 * i64::from(minutes),
        one_time: tap
            .is_usable_once
            .unwrap_or(request.is_usable_once == Some(true)),
    })
}
