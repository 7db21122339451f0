//! The phone flow's clock is tokio's: with time paused, the default 15-minute watch polls
//! every 5 seconds and times out at once in real time, deleting the pass; a passkey that
//! appears after 40 simulated seconds is found on the next poll. Hand-written fakes stand
//! for Graph here (the HTTP path is `phone.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use keydesk_core::{CreationOptions, DirectoryUser};
use keydesk_engine::directory::{Directory, Fido2Policy, GroupRef, Method};
use keydesk_engine::inventory::PhonePlatform;
use keydesk_engine::passes::TemporaryAccessPasses;
use keydesk_engine::phone::{issue_phone_pass, watch_for_phone, PhoneOptions, PhoneOutcome};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, Escrow, Journal, ProvisionError};
use keydesk_graph::{
    Attempt, PasskeyListing, Registration, TapCode, TapPolicy, TapRequest, TemporaryAccessPass,
    Verdict,
};

/// A tenant of one user whose Authenticator passkey appears after `appears_after` polls.
struct FakeTenant {
    polls: AtomicUsize,
    appears_after: usize,
    deleted: Mutex<Vec<String>>,
}

const NOT_HERE: ProvisionError = ProvisionError::Unsupported("this fake");

#[async_trait]
impl Directory for FakeTenant {
    async fn user(&self, _: &str) -> Result<DirectoryUser, ProvisionError> {
        Ok(DirectoryUser {
            id: "u1".into(),
            upn: "kim@contoso.com".into(),
            display_name: "Kim".into(),
            enabled: true,
            guest: false,
            department: None,
            office: None,
        })
    }
    async fn group_users(&self, _: &str) -> Result<Vec<DirectoryUser>, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn creation_options(
        &self,
        _: &str,
        _: Option<u32>,
    ) -> Result<CreationOptions, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn register(
        &self,
        _: &str,
        _: &Registration,
        _: &Attempt,
    ) -> Result<Method, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn passkeys(&self, _: &str) -> Result<Vec<Method>, ProvisionError> {
        let polls = self.polls.fetch_add(1, Ordering::SeqCst);
        Ok(if polls > self.appears_after {
            vec![Method {
                id: "phone-1".into(),
                display_name: Some("iPhone".into()),
                created: None,
                aaguid: Some(PhonePlatform::Android.aaguid().to_string()),
                model: None,
            }]
        } else {
            Vec::new()
        })
    }
    async fn passkey_listing(&self, _: &str) -> Result<PasskeyListing, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn find_registration(&self, _: &str, _: &Attempt) -> Result<Verdict, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn delete_passkey(&self, _: &str, _: &str) -> Result<(), ProvisionError> {
        Err(NOT_HERE)
    }
    async fn fido2_policy(&self) -> Result<Fido2Policy, ProvisionError> {
        Ok(Fido2Policy {
            enabled: true,
            self_service_allowed: true,
            ..Fido2Policy::default()
        })
    }
    async fn resolve_group(&self, _: &str) -> Result<GroupRef, ProvisionError> {
        Err(NOT_HERE)
    }
    async fn add_group_member(&self, _: &str, _: &str) -> Result<(), ProvisionError> {
        Err(NOT_HERE)
    }
    async fn remove_group_member(&self, _: &str, _: &str) -> Result<(), ProvisionError> {
        Err(NOT_HERE)
    }
}

#[async_trait]
impl TemporaryAccessPasses for FakeTenant {
    async fn tap_policy(&self) -> Result<TapPolicy, ProvisionError> {
        Ok(TapPolicy::default())
    }
    async fn has_active_pass(&self, _: &str) -> Result<bool, ProvisionError> {
        Ok(false)
    }
    async fn issue_pass(
        &self,
        _: &str,
        _: &TapRequest,
    ) -> Result<TemporaryAccessPass, ProvisionError> {
        Ok(TemporaryAccessPass {
            id: "tap-1".into(),
            pass: TapCode::new("fake-pass"),
            start_date_time: None,
            lifetime_in_minutes: Some(60),
            is_usable_once: Some(true),
        })
    }
    async fn delete_pass(&self, _: &str, id: &str) -> Result<(), ProvisionError> {
        self.deleted.lock().unwrap().push(id.to_owned());
        Ok(())
    }
}

fn tenant(appears_after: usize) -> FakeTenant {
    FakeTenant {
        polls: AtomicUsize::new(0),
        appears_after,
        deleted: Mutex::new(Vec::new()),
    }
}

#[tokio::test(start_paused = true)]
async fn the_default_watch_times_out_after_15_minutes_and_deletes_the_pass() {
    let fake = tenant(usize::MAX);
    let journal = Journal::in_memory().unwrap();
    let escrow = Escrow::new(&MemoryStore::default()).unwrap();
    let ctx = Context::new(&fake, &journal, &escrow);
    let options = PhoneOptions::default();
    let session = issue_phone_pass(&ctx, &fake, "kim@contoso.com", &options)
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let result = watch_for_phone(
        &ctx,
        &fake,
        session,
        &options,
        std::future::pending(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(result.outcome, PhoneOutcome::TimedOut);
    assert_eq!(started.elapsed(), Duration::from_secs(15 * 60));
    // One listing before the pass, then one every 5 s for 15 minutes.
    let polls = fake.polls.load(Ordering::SeqCst);
    assert!((180..=182).contains(&polls), "{polls}");
    assert_eq!(*fake.deleted.lock().unwrap(), ["tap-1"]);
    assert!(journal.inventory().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_passkey_that_appears_later_is_found_on_the_next_poll() {
    let fake = tenant(8);
    let journal = Journal::in_memory().unwrap();
    let escrow = Escrow::new(&MemoryStore::default()).unwrap();
    let ctx = Context::new(&fake, &journal, &escrow);
    let options = PhoneOptions::default();
    let session = issue_phone_pass(&ctx, &fake, "kim", &options)
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let result = watch_for_phone(
        &ctx,
        &fake,
        session,
        &options,
        std::future::pending(),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(40));
    let PhoneOutcome::Registered {
        platform,
        method_id,
        ..
    } = result.outcome
    else {
        panic!("{result:?}")
    };
    assert_eq!(
        (platform, method_id.as_str()),
        (PhonePlatform::Android, "phone-1")
    );
    assert_eq!(*fake.deleted.lock().unwrap(), ["tap-1"]);
    assert_eq!(journal.inventory().unwrap().len(), 1);
}
