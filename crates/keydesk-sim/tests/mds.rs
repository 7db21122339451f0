//! The simulator's metadata BLOB: served over HTTP, verifies to the simulator's test root
//! (and not to the FIDO Alliance's), lists the simulated keys, and fills an empty desk
//! cache through `MdsCache::current`.

use keydesk_mds::{FactsSource, Mds, MdsCache, TrustAnchor};
use keydesk_sim::mds::{REVOKED_AAGUID, SOFT_KEY_AAGUID, VM_KEY_AAGUID};
use keydesk_sim::{Sim, SimConfig};
use time::OffsetDateTime;

fn aaguid(text: &str) -> [u8; 16] {
    *uuid::Uuid::parse_str(text).unwrap().as_bytes()
}

#[tokio::test]
async fn the_simulated_blob_verifies_to_its_root_and_lists_the_simulated_keys() {
    keydesk_tests::within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let blob = reqwest::get(format!("{}/_sim/mds", sim.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let root = reqwest::get(format!("{}/_sim/mds/root", sim.base_url()))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(root.as_ref(), sim.mds().root_der());
        let now = OffsetDateTime::now_utc();
        let anchor = TrustAnchor::test_root(&root).unwrap();
        let mds = Mds::verify(&blob, &anchor, now).unwrap();
        let soft = mds.facts(&aaguid(SOFT_KEY_AAGUID)).unwrap();
        assert_eq!(soft.name, "KeyDesk Soft Key");
        assert_eq!(soft.source, FactsSource::Mds(1));
        assert_eq!(soft.unfit, None);
        assert!(mds.facts(&aaguid(VM_KEY_AAGUID)).is_some());
        assert!(mds.facts(&aaguid(REVOKED_AAGUID)).unwrap().unfit.is_some());
        assert!(
            Mds::verify(&blob, &TrustAnchor::fido_alliance(), now).is_err(),
            "a release desk refuses the simulator's BLOB"
        );

        // An empty desk cache downloads it from the URL it is given.
        let dir = tempfile::tempdir().unwrap();
        let loaded = MdsCache::new(dir.path())
            .with_anchor(anchor)
            .with_url(format!("{}/_sim/mds", sim.base_url()))
            .current(&reqwest::Client::new(), now)
            .await;
        assert_eq!(loaded.mds.unwrap().number(), 1, "{:?}", loaded.warnings);
        assert!(dir.path().join(keydesk_mds::CACHE_FILE).exists());
    })
    .await;
}

#[tokio::test]
async fn a_desk_fetches_the_revocation_list_the_blob_names_and_refuses_a_revoked_signer() {
    keydesk_tests::within(async {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let anchor = TrustAnchor::test_root(sim.mds().root_der()).unwrap();
        let now = OffsetDateTime::now_utc();
        let desk = |dir: &std::path::Path| {
            MdsCache::new(dir)
                .with_anchor(anchor.clone())
                .with_url(format!("{}/_sim/mds", sim.base_url()))
        };
        assert_eq!(
            keydesk_mds::crl_urls(sim.mds().blob()),
            vec![format!("{}/_sim/mds/crl", sim.base_url())]
        );

        // A fresh desk downloads the BLOB and the list its signer names: fully checked.
        let first = tempfile::tempdir().unwrap();
        let loaded = desk(first.path())
            .current(&reqwest::Client::new(), now)
            .await;
        assert!(loaded.mds.is_some(), "{:?}", loaded.warnings);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(desk(first.path()).revocation_lists().unwrap().len(), 1);

        // Offline, the held list still checks it.
        sim_offline_load(&desk(first.path()), now);

        // The signing key is compromised: a desk that fetches the new list refuses the BLOB.
        let revoked = reqwest::Client::new()
            .post(format!("{}/_sim/mds/revoke-signer", sim.base_url()))
            .send()
            .await
            .unwrap();
        assert!(revoked.status().is_success());
        let second = tempfile::tempdir().unwrap();
        let loaded = desk(second.path())
            .current(&reqwest::Client::new(), now)
            .await;
        assert!(loaded.mds.is_none());
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.contains("has been revoked")),
            "{:?}",
            loaded.warnings
        );
        assert!(!second.path().join(keydesk_mds::CACHE_FILE).exists());
    })
    .await;
}

fn sim_offline_load(cache: &MdsCache, now: OffsetDateTime) {
    let mds = cache.load(now).unwrap().unwrap();
    assert!(
        mds.revocation_warnings().is_empty(),
        "{:?}",
        mds.revocation_warnings()
    );
}
