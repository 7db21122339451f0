//! What the window's *Save PDF* does, end to end on a simulated tenant: a registered user's
//! PIN letter, rendered from the escrow through `keydesk_deliver` (the join the app's
//! `letters_save` and the command line's `letters` share), written 0600, reads back with
//! that user's PIN; the key label carries the letter's matching code; and once the
//! operator confirms *Saved* (`letter_printed`) the PIN is gone from the escrow.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use keydesk_core::PinPolicy;
use keydesk_engine::batch::{self, Outcome};
use keydesk_engine::keys::RackKeys;
use keydesk_engine::letters::Selection;
use keydesk_engine::secrets::MemoryStore;
use keydesk_engine::{Context, Escrow, Journal};
use keydesk_fido::rack::SoftRack;
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_paper::{matching_code, LetterTemplate};
use keydesk_sim::{Sim, SimConfig};
use keydesk_tests::pdf::{pages, pages_of};
use keydesk_tests::{signed_in, within};

fn blank_key() -> SoftKeyConfig {
    let mut config = SoftKeyConfig::with_serial("WIN");
    config.touch = TouchMode::Auto(Duration::from_millis(5));
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_letter_holds_the_users_pin_and_confirming_it_wipes_the_escrow() {
    within(async {
        let sim = Sim::start(SimConfig {
            users: 2,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let graph = signed_in(&sim).await;
        let group = graph.find_group("FIDO Provisioning").await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        let rack = Arc::new(SoftRack::new());
        rack.plug_new(blank_key());
        let keys = RackKeys::with_refill(rack.clone(), Box::new(blank_key));
        let escrow = Escrow::new(&MemoryStore::default()).unwrap();
        let mut ctx = Context::new(&graph, &journal, &escrow);
        ctx.pin_policy = PinPolicy::default();
        let pins = Mutex::new(Vec::new());
        let record = |u: &keydesk_core::DirectoryUser, o: &Outcome| {
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
