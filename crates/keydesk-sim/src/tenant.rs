//! The tenant's run-time state: directory, group membership, tokens (with who holds them),
//! pending challenges, passkeys, Temporary Access Passes, the FIDO2 policy, delegated
//! grants, counters, faults.
//!
//! One [`Tenant`] is shared by every handler behind an `Arc`. The mutable parts sit behind
//! a single mutex; no handler holds it across an `.await`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rand::Rng;
use time::OffsetDateTime;
use url::Url;
use uuid::Uuid;
use webauthn_rs_core::proto::RegistrationState;
use webauthn_rs_core::WebauthnCore;

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::directory::{Directory, Member};
use crate::error::GraphError;
use crate::faults::FaultState;
use crate::grants::{granted_scopes, Grants};
use crate::method_ids::MethodIdGen;
use crate::perms::Caller;
use crate::policy::Fido2Policy;
use crate::tap_policy::TapPolicy;
use crate::{b64, seed};

/// The relying party Entra registers passkeys for.
pub const RP_ID: &str = "login.microsoft.com";
/// The only origin Entra accepts in clientDataJSON.
pub const ORIGIN: &str = "https://login.microsoft.com";

/// A passkey registered to a user.
#[derive(Debug, Clone)]
pub struct Passkey {
    /// Graph method id, shaped by [`crate::MethodIds`].
    pub id: String,
    pub display_name: String,
    pub created: OffsetDateTime,
    /// When list and get start to show it (`created` plus the listing delay in force at
    /// registration, on the simulated clock).
    pub visible_from: OffsetDateTime,
    pub aaguid: Uuid,
    pub model: String,
    pub credential_id: Vec<u8>,
    /// SHA-1 thumbprints of the attestation certificates; empty when not attested.
    pub attestation_certificates: Vec<String>,
}

impl Tap {
    /// When the pass stops working.
    pub fn end(&self) -> OffsetDateTime {
        self.start + time::Duration::minutes(i64::from(self.lifetime_minutes))
    }

    /// Graph's `methodUsabilityReason` at `now`.
    pub fn usability(&self, now: OffsetDateTime) -> &'static str {
        if self.consumed {
            "OneTimeUsed"
        } else if now < self.start {
            "NotYetValid"
        } else if now >= self.end() {
            "Expired"
        } else {
            "EnabledByPolicy"
        }
    }

    /// Whether it signs in at `now`.
    pub fn usable_at(&self, now: OffsetDateTime) -> bool {
        self.usability(now) == "EnabledByPolicy"
    }
}

impl Passkey {
    /// Whether list, get and delete see it at `now` (simulated clock).
    pub fn visible_at(&self, now: OffsetDateTime) -> bool {
        self.visible_from <= now
    }
}

/// A creationOptions challenge awaiting its registration.
#[derive(Debug)]
pub struct PendingChallenge {
    pub user: Uuid,
    /// The API version that issued it; the POST must use the same one.
    pub version: crate::version::ApiVersion,
    pub state: RegistrationState,
    pub expires: OffsetDateTime,
    pub used: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub expires: OffsetDateTime,
    pub caller: Caller,
}

/// A Temporary Access Pass issued to a user.
#[derive(Debug, Clone)]
pub struct Tap {
    pub id: Uuid,
    /// The code in clear (the simulator is a test fixture; `/_sim/state` shows it so tests
    /// can compare it with what was printed).
    pub pass: String,
    /// A one-time pass that signed in once.
    pub consumed: bool,
    pub created: OffsetDateTime,
    pub start: OffsetDateTime,
    pub lifetime_minutes: u32,
    pub usable_once: bool,
}

/// What changes while the tenant runs.
#[derive(Debug, Default)]
pub struct Live {
    /// Access token → who holds it and until when (simulated clock).
    pub tokens: HashMap<String, TokenInfo>,
    /// User id → its Temporary Access Pass (at most one).
    pub taps: HashMap<Uuid, Tap>,
    /// The FIDO2 method policy in force.
    pub policy: Fido2Policy,
    /// The Temporary Access Pass method policy in force.
    pub tap_policy: TapPolicy,
    /// Authorization codes, device codes, refresh tokens, assertion ids.
    pub grants: Grants,
    /// Raw challenge bytes → its pending registration.
    pub challenges: HashMap<Vec<u8>, PendingChallenge>,
    /// User id → passkeys, oldest first.
    pub passkeys: HashMap<Uuid, Vec<Passkey>>,
    /// Direct members per group index (seeded, then changed through `members/$ref`).
    pub group_members: Vec<Vec<Member>>,
}

/// Request counters exposed by `/_sim/state`.
#[derive(Debug, Default)]
pub struct Counters {
    pub graph_requests: AtomicU64,
    pub token_requests: AtomicU64,
    pub registrations: AtomicU64,
    pub rejected_registrations: AtomicU64,
}

impl Counters {
    /// Adds one to a counter.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The simulated tenant.
#[derive(Debug)]
pub struct Tenant {
    pub config: SimConfig,
    pub directory: Directory,
    pub clock: SimClock,
    pub webauthn: WebauthnCore,
    pub counters: Counters,
    pub faults: FaultState,
    pub method_ids: MethodIdGen,
    live: Mutex<Live>,
}

impl Tenant {
    /// Seeds a tenant from its configuration.
    pub fn new(config: SimConfig) -> Self {
        let directory = seed::directory(&config);
        let origin = Url::parse(ORIGIN).expect("constant origin parses");
        let webauthn = WebauthnCore::new_unsafe_experts_only(
            "Microsoft",
            RP_ID,
            vec![origin],
            Duration::from_secs(300),
            Some(false),
            Some(false),
        );
        let mut knobs = config.faults.clone();
        knobs.latency_ms += u64::try_from(config.latency.as_millis()).unwrap_or(u64::MAX);
        let live = Live {
            policy: config.policy.clone(),
            group_members: directory.groups.iter().map(|g| g.members.clone()).collect(),
            ..Live::default()
        };
        Tenant {
            faults: FaultState::new(knobs, config.seed),
            method_ids: MethodIdGen::new(config.method_ids, config.seed),
            directory,
            clock: SimClock::default(),
            webauthn,
            counters: Counters::default(),
            live: Mutex::new(live),
            config,
        }
    }

    /// Locks the mutable state.
    pub fn live(&self) -> MutexGuard<'_, Live> {
        self.live.lock().expect("tenant state lock")
    }

    /// Issues an access token for `caller`, valid for `token_ttl` on the simulated clock.
    pub fn issue_token(&self, caller: Caller) -> String {
        let now = self.clock.now();
        let expires = now + self.token_ttl();
        let upn = match &caller {
            Caller::User { user, .. } => self
                .directory
                .user(&user.to_string())
                .map(|u| u.upn.as_str()),
            Caller::App { .. } => None,
        };
        let issue = crate::access_token::Issue {
            tenant_id: self.directory.tenant_id,
            now,
            expires,
            upn,
        };
        let token = crate::access_token::mint(&caller, &issue);
        self.live()
            .tokens
            .insert(token.clone(), TokenInfo { expires, caller });
        token
    }

    /// The lifetime of access tokens issued now.
    pub fn token_ttl(&self) -> Duration {
        self.faults.token_ttl().unwrap_or(self.config.token_ttl)
    }

    /// The caller of an app-only token: the app with its configured permissions.
    pub fn app_caller(&self) -> Caller {
        Caller::App {
            client_id: self.config.client_id.clone(),
            roles: self.config.app_permissions.clone(),
        }
    }

    /// The delegated caller for `user` signed in through `client_id` with `scope`.
    pub fn delegated_caller(&self, client_id: &str, user: Uuid, scope: &str) -> Caller {
        let (scopes, _) = granted_scopes(scope, &self.config.delegated_scopes);
        let directory_roles = if user == self.directory.operator().id {
            self.config.operator_roles.clone()
        } else {
            Vec::new()
        };
        Caller::User {
            client_id: client_id.to_owned(),
            user,
            scopes,
            directory_roles,
        }
    }

    /// Checks an `Authorization` header value and returns who holds the token.
    pub fn check_bearer(&self, header: Option<&str>) -> Result<Caller, GraphError> {
        let header = header.map(str::trim).unwrap_or_default();
        if header.is_empty() {
            return Err(GraphError::unauthorized("Access token is empty."));
        }
        let Some(token) = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
        else {
            return Err(GraphError::unauthorized(
                "Authorization header must use the Bearer scheme: 'Bearer <access token>'.",
            ));
        };
        match self.live().tokens.get(token.trim()) {
            None => Err(GraphError::unauthorized(
                "Access token validation failure. Invalid token.",
            )),
            Some(info) if info.expires <= self.clock.now() => Err(GraphError::unauthorized(
                "Lifetime validation failed, the token is expired.",
            )),
            Some(info) => Ok(info.caller.clone()),
        }
    }
}

/// 48 random bytes, base64url: access tokens, refresh tokens, codes.
pub fn random_token() -> String {
    let bytes: [u8; 48] = rand::rng().random();
    b64::encode(&bytes)
}
