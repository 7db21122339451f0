//! The BLOB end to end with test roots: valid, tampered, foreign root, expired and stale,
//! the cache offline, import of an older BLOB, attestation chains.

use std::time::SystemTime;

use base64::Engine as _;
use time::{Duration, OffsetDateTime};

use crate::jws::B64URL;
use crate::sign::{sign_blob, sign_jws_rs256, TestCa};
use crate::*;

const YUBI: &str = "cb69481e-8ff7-4039-93ec-0a2729a154a8";
const BAD: &str = "11111111-2222-3333-4444-555555555555";

struct Fixture {
    root: TestCa,
    signer: TestCa,
    vendor: TestCa,
}

fn fixture() -> Fixture {
    let root = TestCa::root("CN=Test MDS Root,O=KeyDesk Tests").unwrap();
    let signer = root.issue("CN=Test MDS Signer,O=KeyDesk Tests").unwrap();
    let vendor = TestCa::root("CN=Vendor Attestation Root,O=Vendor").unwrap();
    Fixture {
        root,
        signer,
        vendor,
    }
}

fn date(offset_days: i64) -> String {
    (OffsetDateTime::now_utc() + Duration::days(offset_days))
        .date()
        .to_string()
}

fn payload(f: &Fixture, no: u64, next_update: String) -> Payload {
    let entry = |aaguid: &str, name: &str, status: &str| Entry {
        aaguid: Some(aaguid.into()),
        metadata_statement: Some(Statement {
            description: name.into(),
            icon: Some("data:image/png;base64,AA==".into()),
            attestation_types: vec!["basic_full".into()],
            attestation_root_certificates: vec![f.vendor.base64()],
            authenticator_get_info: None,
        }),
        status_reports: vec![
            StatusReport {
                status: AuthenticatorStatus::from("FIDO_CERTIFIED_L1".to_owned()),
                effective_date: Some("2020-01-01".into()),
            },
            StatusReport {
                status: AuthenticatorStatus::from(status.to_owned()),
                effective_date: Some("2024-01-01".into()),
            },
        ],
        time_of_last_status_change: None,
    };
    Payload {
        legal_header: None,
        no,
        next_update,
        entries: vec![
            entry(YUBI, "YubiKey 5 (test)", "FIDO_CERTIFIED_L1"),
            entry(BAD, "Broken Key", "USER_VERIFICATION_BYPASS"),
        ],
    }
}

fn anchor(f: &Fixture) -> TrustAnchor {
    TrustAnchor::test_root(&f.root.der()).unwrap()
}

fn aaguid(text: &str) -> [u8; 16] {
    *uuid::Uuid::parse_str(text).unwrap().as_bytes()
}

#[test]
fn a_valid_blob_verifies_and_answers_by_aaguid() {
    let f = fixture();
    let jws = sign_blob(&payload(&f, 7, date(20)), &f.signer, &f.root);
    let mds = Mds::verify(&jws, &anchor(&f), OffsetDateTime::now_utc()).unwrap();
    assert_eq!(mds.number(), 7);
    assert_eq!(mds.models(), 2);
    assert!(!mds.from_fido_alliance());
    let yubi = mds.facts(&aaguid(YUBI)).unwrap();
    assert_eq!(yubi.name, "YubiKey 5 (test)");
    assert_eq!(yubi.certification.as_deref(), Some("FIDO_CERTIFIED_L1"));
    assert_eq!(yubi.unfit, None);
    assert_eq!(yubi.source, FactsSource::Mds(7));
    let bad = mds.facts(&aaguid(BAD)).unwrap();
    assert_eq!(bad.status.as_deref(), Some("USER_VERIFICATION_BYPASS"));
    assert!(bad.unfit.unwrap().contains("without its PIN"));
    assert_eq!(
        mds.freshness(OffsetDateTime::now_utc().date()).unwrap(),
        Freshness::Current
    );
}

#[test]
fn an_rs256_blob_verifies_as_the_fido_alliance_signs_them_and_an_alg_swap_fails() {
    let f = fixture();
    let rsa = f
        .root
        .issue_rsa("CN=Test MDS RSA Signer,O=KeyDesk Tests")
        .unwrap();
    let body = serde_json::to_vec(&payload(&f, 11, date(20))).unwrap();
    let jws = sign_jws_rs256(&body, &rsa, &f.root);
    let mds = Mds::verify(&jws, &anchor(&f), OffsetDateTime::now_utc()).unwrap();
    assert_eq!(mds.number(), 11);
    // The same signature presented as ES256 does not verify.
    let parts: Vec<&str> = jws.split('.').collect();
    let header = String::from_utf8(B64URL.decode(parts[0]).unwrap()).unwrap();
    let swapped = B64URL.encode(header.replace("RS256", "ES256"));
    let forged = format!("{swapped}.{}.{}", parts[1], parts[2]);
    assert!(Mds::verify(&forged, &anchor(&f), OffsetDateTime::now_utc()).is_err());
}

#[test]
fn a_tampered_blob_fails_its_signature() {
    let f = fixture();
    let jws = sign_blob(&payload(&f, 7, date(20)), &f.signer, &f.root);
    let parts: Vec<&str> = jws.split('.').collect();
    let body = String::from_utf8(B64URL.decode(parts[1]).unwrap()).unwrap();
    let altered = body.replace("USER_VERIFICATION_BYPASS", "FIDO_CERTIFIED_L2");
    assert_ne!(body, altered);
    let tampered = format!("{}.{}.{}", parts[0], B64URL.encode(altered), parts[2]);
    let err = Mds::verify(&tampered, &anchor(&f), OffsetDateTime::now_utc()).unwrap_err();
    assert!(matches!(err, MdsError::Signature(_)), "{err}");
}

#[test]
fn a_blob_from_another_root_fails_its_chain() {
    let f = fixture();
    let jws = sign_blob(&payload(&f, 7, date(20)), &f.signer, &f.root);
    let other = TestCa::root("CN=Someone Else,O=Elsewhere").unwrap();
    let foreign = TrustAnchor::test_root(&other.der()).unwrap();
    let err = Mds::verify(&jws, &foreign, OffsetDateTime::now_utc()).unwrap_err();
    assert!(matches!(err, MdsError::Chain(_)), "{err}");
    // And the real desk's anchor refuses a test BLOB.
    let err = Mds::verify(
        &jws,
        &TrustAnchor::fido_alliance(),
        OffsetDateTime::now_utc(),
    );
    assert!(matches!(err, Err(MdsError::Chain(_))));
}

#[test]
fn past_next_update_is_stale_with_a_warning_then_expired() {
    let f = fixture();
    let now = OffsetDateTime::now_utc();
    let stale = sign_blob(&payload(&f, 7, date(-10)), &f.signer, &f.root);
    let mds = Mds::verify(&stale, &anchor(&f), now).unwrap();
    assert_eq!(mds.freshness(now.date()).unwrap(), Freshness::Stale(10));
    assert!(mds.warning(now.date()).unwrap().contains("10 days past"));
    let expired = sign_blob(&payload(&f, 7, date(-(GRACE_DAYS + 1))), &f.signer, &f.root);
    let err = Mds::verify(&expired, &anchor(&f), now).unwrap_err();
    assert!(matches!(err, MdsError::Expired { .. }), "{err}");
    assert!(err.remediation().contains("import"));
}

#[tokio::test]
async fn the_cache_starts_offline_imports_and_never_goes_back() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let now = OffsetDateTime::now_utc();
    let cache = MdsCache::new(dir.path())
        .with_anchor(anchor(&f))
        .with_url("http://127.0.0.1:9/unreachable");
    let file = dir.path().join("download.jwt");
    std::fs::write(
        &file,
        sign_blob(&payload(&f, 8, date(20)), &f.signer, &f.root),
    )
    .unwrap();
    assert_eq!(cache.import(&file, now).unwrap().number(), 8);
    assert!(dir.path().join(CACHE_FILE).exists());

    // A new start, no network: the cached BLOB, no download tried, no warning.
    let client = reqwest::Client::new();
    let loaded = MdsCache::new(dir.path())
        .with_anchor(anchor(&f))
        .with_url("http://127.0.0.1:9/unreachable")
        .current(&client, now)
        .await;
    assert_eq!(loaded.mds.unwrap().number(), 8);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // An older BLOB is refused and the newer kept.
    std::fs::write(
        &file,
        sign_blob(&payload(&f, 5, date(20)), &f.signer, &f.root),
    )
    .unwrap();
    let err = cache.import(&file, now).unwrap_err();
    assert!(
        matches!(
            err,
            MdsError::Older {
                offered: 5,
                held: 8
            }
        ),
        "{err}"
    );

    // Stale in the cache and the URL does not answer: still used, with warnings.
    std::fs::write(
        dir.path().join(CACHE_FILE),
        sign_blob(&payload(&f, 9, date(-3)), &f.signer, &f.root),
    )
    .unwrap();
    let loaded = cache.current(&client, now).await;
    assert_eq!(loaded.mds.unwrap().number(), 9);
    assert!(
        loaded.warnings.iter().any(|w| w.contains("downloading")),
        "{:?}",
        loaded.warnings
    );
    assert!(
        loaded.warnings.iter().any(|w| w.contains("3 days past")),
        "{:?}",
        loaded.warnings
    );

    // A tampered cache file is not used.
    std::fs::write(dir.path().join(CACHE_FILE), "not.a.blob").unwrap();
    let loaded = cache.current(&client, now).await;
    assert!(loaded.mds.is_none());
    assert!(
        loaded.warnings.iter().any(|w| w.contains("malformed")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn attestation_chains_must_end_at_the_models_root() {
    let f = fixture();
    let jws = sign_blob(&payload(&f, 7, date(20)), &f.signer, &f.root);
    let mds = Mds::verify(&jws, &anchor(&f), OffsetDateTime::now_utc()).unwrap();
    let now = SystemTime::now();
    let good = f.vendor.issue("CN=Vendor Attestation,O=Vendor").unwrap();
    assert_eq!(
        mds.check_attestation(&aaguid(YUBI), &[good.der()], now),
        AttestationCheck::Chains
    );
    let stranger = TestCa::root("CN=Counterfeit Root,O=Vendor").unwrap();
    let fake = stranger.issue("CN=Vendor Attestation,O=Vendor").unwrap();
    assert!(matches!(
        mds.check_attestation(&aaguid(YUBI), &[fake.der()], now),
        AttestationCheck::Fails(_)
    ));
    assert!(matches!(
        mds.check_attestation(&aaguid(YUBI), &[], now),
        AttestationCheck::Fails(_)
    ));
    assert_eq!(
        mds.check_attestation(&[9; 16], &[good.der()], now),
        AttestationCheck::NotListed
    );
}
