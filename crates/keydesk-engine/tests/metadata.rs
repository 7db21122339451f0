//! The FIDO metadata BLOB at work in the flow: a model the BLOB reports REVOKED is refused
//! in pre-flight (nothing written to the key), and under enforced attestation a key whose
//! attestation chain does not end at its model's root is refused before the POST (the
//! simulated tenant sees no registration at all).

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use keydesk_core::Attestation;
use keydesk_engine::keys::{ClaimedKey, KeySource, RackKeys};
use keydesk_engine::preflight::Refusal;
use keydesk_engine::{provision_user, Context, ProvisionError, Step};
use keydesk_fido::soft::SOFT_KEY_AAGUID;
use keydesk_fido::SecurityKey;
use keydesk_mds::sign::{sign_blob, TestCa};
use keydesk_mds::{AuthenticatorStatus, Entry, Mds, Payload, Statement, StatusReport, TrustAnchor};
use keydesk_sim::SimConfig;
use keydesk_tests::faulty::{FaultyKey, KeyFaults};
use time::OffsetDateTime;

/// A BLOB (signed by a fresh test root) with one entry: the soft key's model.
fn blob_for_soft_key(status: &str, vendor_root: &TestCa) -> Arc<Mds> {
    blob_naming_soft_key("KeyDesk Soft Key", status, vendor_root)
}

/// [`blob_for_soft_key`], the model described as `name`.
fn blob_naming_soft_key(name: &str, status: &str, vendor_root: &TestCa) -> Arc<Mds> {
    let root = TestCa::root("CN=Test MDS Root,O=KeyDesk Tests").unwrap();
    let signer = root.issue("CN=Test MDS Signer,O=KeyDesk Tests").unwrap();
    let payload = Payload {
        legal_header: None,
        no: 1,
        next_update: (OffsetDateTime::now_utc() + time::Duration::days(30))
            .date()
            .to_string(),
        entries: vec![Entry {
            aaguid: Some(uuid::Uuid::from_bytes(SOFT_KEY_AAGUID).to_string()),
            metadata_statement: Some(Statement {
                description: name.into(),
                attestation_types: vec!["basic_full".into()],
                attestation_root_certificates: vec![vendor_root.base64()],
                ..Statement::default()
            }),
            status_reports: vec![StatusReport {
                status: AuthenticatorStatus::from(status.to_owned()),
                effective_date: Some("2026-01-01".into()),
            }],
            time_of_last_status_change: None,
        }],
    };
    let jws = sign_blob(&payload, &signer, &root);
    let anchor = TrustAnchor::test_root(&root.der()).unwrap();
    Arc::new(Mds::verify(&jws, &anchor, OffsetDateTime::now_utc()).unwrap())
}

async fn counters(sim: &keydesk_sim::Sim) -> (u64, u64) {
    let state = keydesk_tests::sim_state(sim).await;
    let c = &state["counters"];
    (
        c["registrations"].as_u64().unwrap(),
        c["rejectedRegistrations"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_model_is_refused_in_pre_flight_with_its_reason() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        let key = rack.plug_new(common::blank_key("REVOKED"));
        let keys = RackKeys::new(rack);
        let vendor = TestCa::root("CN=Vendor Root,O=Vendor").unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.metadata = Some(blob_for_soft_key("REVOKED", &vendor));
        let err = provision_user(&ctx, &user, &keys, &|_: Step| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, ProvisionError::Policy(Refusal::ModelUnfit { ref status, .. }) if status == "REVOKED"),
            "{err}"
        );
        assert!(err.to_string().contains("revoked"), "{err}");
        assert!(!err.remediation().is_empty());
        assert_eq!(key.info().await.unwrap().client_pin, Some(false), "no PIN was set");
        assert_eq!(counters(&sim).await, (0, 0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_letter_and_inventory_carry_the_model_name_the_blob_gives() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            ..SimConfig::default()
        })
        .await;
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        rack.plug_new(common::blank_key("MDSNAME1"));
        let keys = RackKeys::new(rack);
        let vendor = TestCa::root("CN=Vendor Root,O=Vendor").unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        let named = "KeyDesk Soft Key, as the FIDO metadata names it";
        ctx.metadata = Some(blob_naming_soft_key(named, "FIDO_CERTIFIED_L1", &vendor));
        let done = provision_user(&ctx, &user, &keys, &|_: Step| {})
            .await
            .unwrap();
        assert_eq!(done.key_model, named);
        let letters = journal.letter_jobs(true).unwrap();
        assert_eq!(
            letters[0].key_model, named,
            "the letter names the BLOB's model"
        );
        let inventory = journal.inventory().unwrap();
        assert_eq!(inventory[0].key_model, named, "and so does the inventory");
    })
    .await;
}

/// Replaces the key's attestation chain with `x5c`.
struct Counterfeit(Vec<Vec<u8>>);

#[async_trait]
impl KeyFaults for Counterfeit {
    fn attestation(&self, mut attestation: Attestation) -> Attestation {
        attestation.x5c = self.0.clone();
        attestation
    }
}

struct CounterfeitKeys {
    inner: RackKeys,
    x5c: Vec<Vec<u8>>,
}

#[async_trait]
impl KeySource for CounterfeitKeys {
    fn try_claim(&self) -> Option<ClaimedKey> {
        let claimed = self.inner.try_claim()?;
        let key = FaultyKey::new(claimed.shared(), Arc::new(Counterfeit(self.x5c.clone())));
        Some(ClaimedKey::new(Arc::new(key), move || drop(claimed)))
    }
    async fn claim(&self) -> Result<ClaimedKey, ProvisionError> {
        Err(ProvisionError::NoKey)
    }
    async fn replugged(
        &self,
        key_id: &str,
        ask: &(dyn Fn() + Send + Sync),
    ) -> Result<(), ProvisionError> {
        self.inner.replugged(key_id, ask).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attestation_that_does_not_chain_to_the_vendor_root_is_refused_before_the_post() {
    common::limited(async {
        let sim = common::sim(SimConfig {
            users: 1,
            ..SimConfig::default()
        })
        .await;
        let set = reqwest::Client::new()
            .post(format!("{}/_sim/policy", sim.base_url()))
            .json(&serde_json::json!({ "isAttestationEnforced": true }))
            .send()
            .await
            .unwrap();
        assert!(set.status().is_success());
        let (graph, mut users, journal, escrow, rack) = common::desk(&sim).await;
        let user = users.remove(0);
        rack.plug_new(common::blank_key("FAKE"));
        let vendor = TestCa::root("CN=Vendor Root,O=Vendor").unwrap();
        let counterfeiter = TestCa::root("CN=Vendor Root,O=Vendor").unwrap();
        let fake = counterfeiter
            .issue("CN=Vendor Attestation,O=Vendor")
            .unwrap();
        let keys = CounterfeitKeys {
            inner: RackKeys::new(rack),
            x5c: vec![fake.der()],
        };
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.metadata = Some(blob_for_soft_key("FIDO_CERTIFIED_L1", &vendor));
        let err = provision_user(&ctx, &user, &keys, &|_: Step| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, ProvisionError::Policy(Refusal::AttestationChain(_))),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("this key's attestation does not chain to its vendor's root"),
            "{err}"
        );
        assert_eq!(counters(&sim).await, (0, 0), "nothing was POSTed");
        assert_eq!(common::passkeys_of(&sim, &user.upn).await, 0);
    })
    .await;
}
