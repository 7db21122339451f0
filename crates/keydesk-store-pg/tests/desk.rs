//! Two desks on one throwaway PostgreSQL cluster, as the app works them: a user claimed at
//! one desk is refused at the other, which sees it "at desk-1"; a released user is free
//! again; a claim kept renewed outlives its lease, and a dropped one is taken over.

use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_engine::station::Station;
use keydesk_graph::Secret;
use keydesk_store_pg::desk::Desk;
use keydesk_store_pg::pool::PoolSecret;
use keydesk_store_pg::StoreTarget;
use keydesk_tests::pg::{Cluster, PASSWORD};

fn user(id: &str) -> DirectoryUser {
    DirectoryUser {
        id: id.into(),
        upn: format!("{id}@contoso.example"),
        display_name: id.into(),
        enabled: true,
        guest: false,
        department: None,
        office: None,
    }
}

#[test]
fn a_user_claimed_at_one_desk_is_at_that_desk_for_the_other() {
    let cluster = Cluster::start();
    let target: StoreTarget = cluster.database("desks").parse().unwrap();
    let pool = Secret::new(PoolSecret::generate().as_str());
    let (dir1, dir2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (station1, station2) = (
        Station::open(dir1.path()).unwrap(),
        Station::open(dir2.path()).unwrap(),
    );
    let lease = Duration::from_secs(2);
    let join = |station: &Station, name: &str| {
        Desk::join_with(
            station,
            &target,
            Some(name),
            lease,
            &Secret::new(PASSWORD),
            &pool,
        )
        .unwrap()
    };
    let (desk1, desk2) = (join(&station1, "desk-1"), join(&station2, "desk-2"));
    let kim = user("kim");

    assert!(desk1.claim_user(&station1.journal, &kim).unwrap());
    assert_eq!(
        desk2
            .held_elsewhere()
            .unwrap()
            .get("kim")
            .map(String::as_str),
        Some("desk-1")
    );
    assert!(
        desk1.held_elsewhere().unwrap().is_empty(),
        "its own claim is not elsewhere"
    );
    assert!(!desk2.claim_user(&station2.journal, &kim).unwrap());

    desk1.release_user("kim").unwrap();
    assert!(desk2.held_elsewhere().unwrap().is_empty());
    assert!(desk2.claim_user(&station2.journal, &kim).unwrap());

    // Kept renewed, the claim outlives its 2 s lease; dropped, it runs out and desk-1 may
    // take the user over.
    let renewal = desk2.keep_claims();
    std::thread::sleep(Duration::from_millis(3_000));
    assert!(!desk1.claim_user(&station1.journal, &kim).unwrap());
    drop(renewal);
    std::thread::sleep(Duration::from_millis(2_500));
    assert!(desk1.claim_user(&station1.journal, &kim).unwrap());
    assert_eq!(
        desk2
            .held_elsewhere()
            .unwrap()
            .get("kim")
            .map(String::as_str),
        Some("desk-1")
    );
}
