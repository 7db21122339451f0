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
