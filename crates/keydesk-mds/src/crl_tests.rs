//! Revocation of the BLOB's signing chain: a chain shaped like the FIDO Alliance's (root →
//! intermediate CA → signer, each naming its CRL), judged with no lists, clean lists, a
//! revoked signer, a revoked intermediate, a forged list and an old list; then the cache
//! keeping the newest list per issuer and refusing a BLOB its held lists revoke.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use crate::sign::{sign_jws_chain, TestCa};
use crate::*;

const ROOT_CRL: &str = "http://crl.test.invalid/root.crl";
const CA_CRL: &str = "http://crl.test.invalid/ca.crl";

struct Chain {
    root: TestCa,
    ca: TestCa,
    signer: TestCa,
    jws: String,
}

fn chain() -> Chain {
    let root = TestCa::root("CN=Test Root R3,O=KeyDesk Tests").unwrap();
    let ca = root
        .issue_ca("CN=Test MDS CA,O=KeyDesk Tests", ROOT_CRL)
        .unwrap();
    let signer = ca.issue_with_crl("CN=mds.test.invalid", CA_CRL).unwrap();
    let next = (OffsetDateTime::now_utc() + time::Duration::days(20)).date();
    let payload = serde_json::json!({ "no": 7, "nextUpdate": next.to_string(), "entries": [] });
    let jws = sign_jws_chain(payload.to_string().as_bytes(), &signer, &[&ca]);
    Chain {
        root,
        ca,
        signer,
        jws,
    }
}

fn in_days(days: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(days * 86_400)
}

fn verify(c: &Chain, lists: &[Vec<u8>]) -> Result<Mds, MdsError> {
    let anchor = TrustAnchor::test_root(&c.root.der()).unwrap();
    let lists = RevocationLists::from_der(lists.iter().map(Vec::as_slice)).unwrap();
    Mds::verify_with(&c.jws, &anchor, &lists, OffsetDateTime::now_utc())
}

#[test]
fn the_chain_names_its_crls_and_without_lists_the_blob_is_used_with_a_warning_for_each() {
    let c = chain();
    assert_eq!(
        crl_urls(&c.jws),
        vec![CA_CRL.to_owned(), ROOT_CRL.to_owned()]
    );
    let mds = verify(&c, &[]).unwrap();
    let warnings = mds.revocation_warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("was not checked") && warnings[0].contains(CA_CRL));
    assert!(warnings[1].contains(ROOT_CRL));
}

#[test]
fn current_clean_lists_check_every_certificate_without_a_warning() {
    let c = chain();
    let lists = [
        c.root.crl(&[], in_days(7)).unwrap(),
        c.ca.crl(&[], in_days(7)).unwrap(),
    ];
    let mds = verify(&c, &lists).unwrap();
    assert!(
        mds.revocation_warnings().is_empty(),
        "{:?}",
        mds.revocation_warnings()
    );
    assert_eq!(mds.number(), 7);
}

#[test]
fn a_revoked_signer_or_intermediate_refuses_the_blob() {
    let c = chain();
    let signer_revoked = verify(
        &c,
        &[
            c.root.crl(&[], in_days(7)).unwrap(),
            c.ca.crl(&[&c.signer], in_days(7)).unwrap(),
        ],
    )
    .unwrap_err();
    assert!(
        matches!(&signer_revoked, MdsError::Revoked(who) if who.contains("mds.test.invalid")),
        "{signer_revoked:?}"
    );
    assert!(signer_revoked.to_string().contains("has been revoked"));

    let ca_revoked = verify(&c, &[c.root.crl(&[&c.ca], in_days(7)).unwrap()]).unwrap_err();
    assert!(
        matches!(&ca_revoked, MdsError::Revoked(who) if who.contains("Test MDS CA")),
        "{ca_revoked:?}"
    );
}

#[test]
fn a_forged_list_neither_revokes_nor_counts_as_checked() {
    let c = chain();
    // Another key under the intermediate's name lists the signer as revoked.
    let impostor_root = TestCa::root("CN=Someone Else,O=Elsewhere").unwrap();
    let impostor = impostor_root
        .issue_ca("CN=Test MDS CA,O=KeyDesk Tests", ROOT_CRL)
        .unwrap();
    let forged = impostor.crl(&[&c.signer], in_days(7)).unwrap();
    let mds = verify(&c, &[c.root.crl(&[], in_days(7)).unwrap(), forged]).unwrap();
    let warnings = mds.revocation_warnings();
    assert!(
        warnings.iter().any(|w| w.contains("does not verify")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("was not checked")),
        "{warnings:?}"
    );
}

#[test]
fn an_old_list_is_used_with_a_warning() {
    let c = chain();
    let old = SystemTime::now() - Duration::from_secs(60);
    let mds = verify(
        &c,
        &[
            c.root.crl(&[], old).unwrap(),
            c.ca.crl(&[], in_days(7)).unwrap(),
        ],
    )
    .unwrap();
    let warnings = mds.revocation_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("due for renewal"));
}

#[test]
fn the_cache_keeps_the_newest_list_per_issuer_and_refuses_a_blob_its_lists_revoke() {
    let c = chain();
    let dir = tempfile::tempdir().unwrap();
    let anchor = TrustAnchor::test_root(&c.root.der()).unwrap();
    let cache = MdsCache::new(dir.path()).with_anchor(anchor);
    let now = OffsetDateTime::now_utc();

    let clean = c.ca.crl(&[], in_days(7)).unwrap();
    assert!(cache
        .store_crl(&c.root.crl(&[], in_days(7)).unwrap())
        .unwrap());
    assert!(cache.store_crl(&clean).unwrap());
    cache.accept(&c.jws, now).unwrap();
    assert!(cache
        .load(now)
        .unwrap()
        .unwrap()
        .revocation_warnings()
        .is_empty());

    // Lists made later replace older ones from the same issuer; an older one does not.
    std::thread::sleep(Duration::from_millis(1100));
    let revoking = c.ca.crl(&[&c.signer], in_days(7)).unwrap();
    let file = dir.path().join("revoking.crl");
    std::fs::write(&file, &revoking).unwrap();
    assert!(cache.import_crl(&file).unwrap(), "a newer list is stored");
    assert!(
        !cache.store_crl(&clean).unwrap(),
        "an older list does not replace it"
    );
    assert_eq!(cache.revocation_lists().unwrap().len(), 2);
    assert!(matches!(cache.load(now), Err(MdsError::Revoked(_))));

    std::fs::write(&file, b"not a list").unwrap();
    let err = cache.import_crl(&file).unwrap_err();
    assert!(matches!(err, MdsError::Crl(_)), "{err:?}");
}
