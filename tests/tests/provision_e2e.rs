//! Three users provisioned end to end: Graph client → simulated tenant over HTTP,
//! simulated keys with real crypto, and the simulator's own webauthn-rs-core verification
//! deciding whether each attestation is accepted; and a registered user's PIN letter saved
//! as the window saves it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydesk_core::{DirectoryUser, PinPolicy};
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::letters::Selection;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, Escrow, Journal};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_graph::GraphClient;
use keydesk_paper::{matching_code, LetterTemplate};
use keydesk_sim::{Sim, SimConfig};
use keydesk_tests::pdf::{pages, pages_of};
use keydesk_tests::{signed_in, within};

fn blank_key() -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial("E2E");
    config.touch = TouchMode::Auto(Duration::from_millis(5));
    config
}

/// Two keys plugged; each registered key is handed out and a blank one takes its place.
fn desk() -> (Arc<SoftRack>, RackKeys) {
    let rack = Arc::new(SoftRack::new());
    rack.plug_new(blank_key());
    rack.plug_new(blank_key());
    let keys = RackKeys::with_refill(rack.clone(), Box::new(blank_key));
    (rack, keys)
}

/// A simulated tenant of `users` users in its provisioning group, signed in.
async fn tenant(users: usize) -> (Sim, GraphClient, Vec<DirectoryUser>) {
    let sim = Sim::start(SimConfig {
        users,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let graph = signed_in(&sim).await;
    let group = graph.find_group("FIDO Provisioning").await.unwrap();
    let users = graph.group_users(&group.id).await.unwrap();
    (sim, graph, users)
}

async fn passkeys_per_user(sim: &Sim) -> Vec<(String, usize)> {
    let state: serde_json::Value = reqwest::get(format!("{}/_sim/state", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let upn = u["upn"].as_str().unwrap().to_owned();
            (upn, u["passkeys"].as_array().map_or(0, Vec::len))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_users_registered_once_each_and_a_rerun_registers_nobody_twice() {
    within(async {
        let (sim, graph, users) = tenant(3).await;
        assert_eq!(users.len(), 3);
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let (rack, keys) = desk();
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.pin_policy = PinPolicy::default();

        let outcomes = Mutex::new(Vec::new());
        let record = |u: &DirectoryUser, o: &Outcome| {
            let label = match o {
                Outcome::Registered(done) => {
                    assert_eq!(done.pin.len(), 6);
                    "registered".to_owned()
                }
                other => format!("{other:?}"),
            };
            outcomes.lock().unwrap().push((u.upn.clone(), label));
        };
        batch::run(&ctx, users.clone(), &keys, 2, &record)
            .await
            .unwrap();
        let first = outcomes.lock().unwrap().clone();
        assert_eq!(first.len(), 3);
        assert!(first.iter().all(|(_, o)| o == "registered"), "{first:?}");
        let counts = passkeys_per_user(&sim).await;
        for user in &users {
            let n = counts.iter().find(|(upn, _)| *upn == user.upn).unwrap().1;
            assert_eq!(n, 1, "{} should hold exactly one passkey", user.upn);
        }
        // Every registered key was handed out: the rack holds two blank keys again.
        assert_eq!(rack.plugged().len(), 2);
        assert!(rack.plugged().iter().all(|k| k.credentials().is_empty()));

        outcomes.lock().unwrap().clear();
        batch::run(&ctx, users.clone(), &keys, 2, &record)
            .await
            .unwrap();
        let second = outcomes.lock().unwrap().clone();
        assert!(
            second.iter().all(|(_, o)| o == "AlreadyRegistered"),
            "{second:?}"
        );
        assert_eq!(
            passkeys_per_user(&sim).await,
            counts,
            "a rerun must register nobody"
        );
        sim.shutdown().await;
    })
    .await;
}

/// What the window's *Save PDF* does: a registered user's PIN letter, rendered from the
/// escrow through `keydesk_deliver` (the join the app's `letters_save` and the command
/// line's `letters` share), written 0600, reads back with that user's PIN; the key label
/// carries the letter's matching code; and once the operator confirms *Saved*
/// (`letter_printed`) the PIN is gone from the escrow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_letter_holds_the_users_pin_and_confirming_it_wipes_the_escrow() {
    within(async {
        let (sim, graph, users) = tenant(2).await;
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let (_rack, keys) = desk();
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.pin_policy = PinPolicy::default();
        let pins = Mutex::new(Vec::new());
        let record = |u: &DirectoryUser, o: &Outcome| {
            if let Outcome::Registered(done) = o {
                let serial = done.key_serial.clone().unwrap_or_default();
                pins.lock()
                    .unwrap()
                    .push((u.clone(), done.pin.expose().to_owned(), serial));
            }
        };
        batch::run(&ctx, users.clone(), &keys, 1, &record)
            .await
            .unwrap();
        let pins = pins.into_inner().unwrap();
        assert_eq!(pins.len(), 2, "both users registered");
        let (user, pin, serial) = &pins[0];
        let asked = [user.id.clone()];

        let rendered = keydesk_deliver::pin_letters_pdf(
            &journal,
            &escrow,
            Selection::Users(&asked),
            &LetterTemplate::default(),
        )
        .unwrap();
        assert_eq!(
            rendered.letters.len(),
            1,
            "one letter for the one user asked"
        );
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join("letter.pdf");
        keydesk_deliver::write_private(&path, &rendered.pdf).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the operator reads the PINs");
        }
        let text = pages_of(&path).join("\n");
        assert!(
            text.contains(pin.as_str()),
            "the letter prints the user's PIN"
        );
        assert!(text.contains(&user.upn), "and is addressed to the user");
        let other_pin = &pins[1].1;
        assert!(!text.contains(other_pin.as_str()), "nobody else's PIN");

        let labels = keydesk_deliver::labels_pdf(&journal, Selection::Users(&asked)).unwrap();
        let code = matching_code(&user.id, serial);
        assert!(pages(&labels.pdf).join("\n").contains(&code));
        assert!(
            text.contains(&code),
            "the letter and the label share the code"
        );

        // *Saved*: the operator confirms; the PIN is wiped and a second save finds none.
        assert!(keydesk_engine::letter_printed(&journal, None, "op", &user.id).unwrap());
        let again = keydesk_deliver::pin_letters_pdf(
            &journal,
            &escrow,
            Selection::Users(&asked),
            &LetterTemplate::default(),
        )
        .unwrap();
        assert!(again.letters.is_empty());
        assert_eq!(again.without_pin, asked.to_vec());
        let left = keydesk_deliver::pin_letters_pdf(
            &journal,
            &escrow,
            Selection::Unprinted,
            &LetterTemplate::default(),
        )
        .unwrap();
        assert_eq!(left.letters.len(), 1, "the other user's PIN still waits");
        sim.shutdown().await;
    })
    .await;
}
