//! Reports from the journal: every state lands in provisioned, pending, failed or revoked
//! with its key; the Yubico variant has the sample's header byte for byte and a PIN only
//! when the escrow is passed and still holds it.

use keydesk_core::job::JobEvent;
use keydesk_core::Pin;
use keydesk_engine::report::{desk_report, yubico_report};
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Escrow, Journal};

fn registered(journal: &Journal, escrow: &Escrow, id: &str, upn: &str) {
    journal
        .advance(id, upn, JobEvent::OptionsFetched, None)
        .unwrap();
    journal
        .record_key(
            id,
            "31245678",
            "YubiKey 5 NFC",
            "cb69481e-8ff7-4039-93ec-0a2729a154a8",
        )
        .unwrap();
    let sealed = escrow.seal(id, &Pin::new("482916")).unwrap();
    journal.record_setting_pin(id, upn, &sealed).unwrap();
    journal
        .advance(id, upn, JobEvent::CredentialStarted, None)
        .unwrap();
    journal
        .advance(id, upn, JobEvent::PostStarted, None)
        .unwrap();
    journal
        .record_registered(
            id,
            upn,
            JobEvent::Registered,
            "method-1",
            "YubiKey 5 NFC 31245678",
        )
        .unwrap();
}

#[test]
fn every_state_is_reported_and_the_yubico_header_is_exact() {
    let journal = Journal::in_memory().unwrap();
    let escrow = Escrow::new(&MemoryStore::default()).unwrap();
    registered(&journal, &escrow, "u1", "kim@contoso.com");
    journal.enqueue("u2", "lee@contoso.com").unwrap();
    journal
        .advance(
            "u3",
            "sam@contoso.com",
            JobEvent::Failed,
            Some("Entra ID: refused, twice"),
        )
        .unwrap();

    let report = desk_report(&journal, None).unwrap();
    let lines: Vec<&str> = report.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "upn,displayName,status,keyModel,certification,serialNumber,methodId,updated,detail"
    );
    assert!(lines[1].starts_with("kim@contoso.com,,provisioned,YubiKey 5 NFC,,31245678,method-1,"));
    assert_eq!(lines[2], "lee@contoso.com,,pending,,,,,,");
    assert_eq!(
        lines[3],
        "sam@contoso.com,,failed,,,,,,\"Entra ID: refused, twice\""
    );

    let (plain, pins) = yubico_report(&journal, None).unwrap();
    assert_eq!(pins, 0);
    assert_eq!(
        plain.as_bytes(),
        b"#upn,entraIDAuthMethodObjectId,serialNumber,PIN\r\nkim@contoso.com,method-1,31245678,\r\n"
    );
    let (with_pins, pins) = yubico_report(&journal, Some(&escrow)).unwrap();
    assert_eq!(pins, 1);
    assert!(with_pins.ends_with("kim@contoso.com,method-1,31245678,482916\r\n"));
    // Once the letter is out the escrow no longer holds the PIN: none is reported.
    journal.wipe_pin("u1").unwrap();
    let (after, pins) = yubico_report(&journal, Some(&escrow)).unwrap();
    assert_eq!((after, pins), (plain, 0));
}

#[test]
fn the_desk_report_carries_each_models_certification_from_the_metadata_blob() {
    use keydesk_mds::sign::{sign_jws, TestCa};
    use keydesk_mds::{Mds, TrustAnchor};
    let root = TestCa::root("CN=Report Test Root").unwrap();
    let signer = root.issue("CN=Report Test Signer").unwrap();
    let next = (time::OffsetDateTime::now_utc() + time::Duration::days(20)).date();
    let payload = serde_json::json!({
        "no": 3,
        "nextUpdate": next.to_string(),
        "entries": [{
            "aaguid": "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            "metadataStatement": { "description": "YubiKey 5 Series" },
            "statusReports": [{ "status": "FIDO_CERTIFIED_L2" }],
        }],
    });
    let jws = sign_jws(payload.to_string().as_bytes(), &signer, &root);
    let anchor = TrustAnchor::test_root(&root.der()).unwrap();
    let mds = Mds::verify(&jws, &anchor, time::OffsetDateTime::now_utc()).unwrap();

    let journal = Journal::in_memory().unwrap();
    let escrow = Escrow::new(&MemoryStore::default()).unwrap();
    registered(&journal, &escrow, "u1", "kim@contoso.com");
    let report = desk_report(&journal, Some(&mds)).unwrap();
    let kim = report.split("\r\n").nth(1).unwrap();
    assert!(
        kim.starts_with("kim@contoso.com,,provisioned,YubiKey 5 NFC,FIDO_CERTIFIED_L2,31245678,"),
        "{kim}"
    );
}
