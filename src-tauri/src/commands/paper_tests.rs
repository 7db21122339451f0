//! The window's paper paths against demo mode's simulated tenant, read back with
//! `pdftotext`: key labels for an arbitrary selection, the letter template setting on
//! every letter, and Temporary Access Pass letters whose pass is nowhere but the file.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keydesk_core::DirectoryUser;
use keydesk_engine::batch::{self, Outcome};
use keydesk_fido::soft::{SoftKeyConfig, TouchMode};
use keydesk_ipc::{ErrorKind, TapRequest};
use keydesk_paper::matching_code;
use keydesk_tests::pdf::{flat, pages_of};

use super::*;

/// Demo mode with its data folder in `dir`.
async fn demo(dir: &Path) -> AppState {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    AppState::start_demo(&data).await.unwrap()
}

/// Demo mode with `n` of its users provisioned on soft keys that touch themselves.
async fn desk_with(n: usize, dir: &Path) -> (AppState, Vec<DirectoryUser>) {
    let state = demo(dir).await;
    let graph = state.graph().unwrap();
    let sim = &state.demo.as_ref().unwrap().sim;
    let group = graph.find_group(&sim.config().group).await.unwrap();
    let mut users = graph.group_users(&group.id).await.unwrap();
    users.truncate(n);
    let rack = Arc::clone(state.rack.as_ref().unwrap());
    for i in 0..n {
        let mut config = SoftKeyConfig::with_serial(format!("PAPER{i:03}"));
        config.touch = TouchMode::Auto(Duration::from_millis(1));
        rack.plug_new(config);
    }
    let ctx = state.context(&graph);
    let report = |_: &DirectoryUser, outcome: &Outcome| {
        assert!(matches!(outcome, Outcome::Registered(_)), "{outcome:?}");
    };
    let keys = state.keys.as_ref().unwrap();
    batch::run(&ctx, users.clone(), keys.as_ref(), n, &report)
        .await
        .unwrap();
    drop(ctx);
    (state, users)
}

fn text_of(path: &Path) -> String {
    flat(&pages_of(path).join("\n"))
}

fn out(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_hold_the_selected_users_names_and_codes_and_no_one_else() {
    keydesk_tests::within(async {
        let dir = tempfile::tempdir().unwrap();
        let (state, users) = desk_with(3, dir.path()).await;
        // The first user's letter is out already: a label is still wanted for that key.
        keydesk_engine::letter_printed(&state.station.journal, None, "op", &users[0].id).unwrap();
        let picked = vec![users[0].id.clone(), users[2].upn.clone()];
        let saved = labels_to(&state, &picked, &out(dir.path(), "labels.pdf")).unwrap();
        assert_eq!(saved.user_ids, [users[0].id.clone(), users[2].id.clone()]);
        assert!(saved.skipped.is_empty(), "{:?}", saved.skipped);
        let text = text_of(Path::new(&saved.path));
        for user in [&users[0], &users[2]] {
            let entry = &state.station.journal.find_inventory(&user.upn).unwrap()[0];
            assert!(text.contains(&user.display_name), "{text}");
            let code = matching_code(&user.id, &entry.key_serial);
            assert!(text.contains(&code), "{code} not in {text}");
        }
        assert!(!text.contains(&users[1].display_name), "{text}");

        // A user with no registered key is named, not silently left out.
        let saved = labels_to(
            &state,
            &[users[1].id.clone(), "nobody@contoso.example".into()],
            &out(dir.path(), "labels-2.pdf"),
        )
        .unwrap();
        assert_eq!(saved.user_ids, [users[1].id.clone()]);
        assert_eq!(saved.skipped.len(), 1, "{:?}", saved.skipped);
        assert!(saved.skipped[0].starts_with("nobody@contoso.example"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_setting_is_on_every_letter_and_a_broken_one_stops_the_print() {
    keydesk_tests::within(async {
        let dir = tempfile::tempdir().unwrap();
        let (state, users) = desk_with(2, dir.path()).await;
        let template = dir.path().join("letter.toml");
        std::fs::write(
            &template,
            "organisation = \"Northwind Traders\"\ncontact = \"Ring the Northwind desk on 4242.\"\n",
        )
        .unwrap();
        state.settings.write().unwrap().letter_template = Some(template.display().to_string());

        let saved = letters_to(&state, &[users[0].id.clone()], &out(dir.path(), "pin.pdf"))
            .unwrap();
        let text = text_of(Path::new(&saved.path));
        assert!(text.contains("Northwind Traders"), "{text}");
        assert!(text.contains("Ring the Northwind desk on 4242."), "{text}");

        let request = TapRequest {
            user_ids: vec![users[1].upn.clone()],
            lifetime_minutes: None,
            one_time: true,
            replace: false,
        };
        let tap = tap_to(&state, &request, &out(dir.path(), "tap.pdf"))
            .await
            .unwrap();
        let text = text_of(Path::new(&tap.path));
        assert!(text.contains("Northwind Traders"), "{text}");

        // The file breaks after it was saved: the print stops and says which file.
        std::fs::write(&template, "organisation = [").unwrap();
        let error =
            letters_to(&state, &[users[0].id.clone()], &out(dir.path(), "pin-2.pdf")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.contains("letter.toml"), "{}", error.message);
        assert!(!dir.path().join("pin-2.pdf").exists());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tap_letters_carry_the_pass_the_tenant_holds_and_it_is_nowhere_else() {
    keydesk_tests::within(async {
        let dir = tempfile::tempdir().unwrap();
        let state = demo(dir.path()).await;
        let graph = state.graph().unwrap();
        let sim = &state.demo.as_ref().unwrap().sim;
        let group = graph.find_group(&sim.config().group).await.unwrap();
        let users = graph.group_users(&group.id).await.unwrap();
        let picked: Vec<String> = users[..2].iter().map(|u| u.upn.clone()).collect();
        let request = TapRequest {
            user_ids: picked.clone(),
            lifetime_minutes: None,
            one_time: true,
            replace: false,
        };
        let saved = tap_to(&state, &request, &out(dir.path(), "tap.pdf"))
            .await
            .unwrap();
        assert_eq!(saved.user_ids, picked);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&saved.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let pages = pages_of(Path::new(&saved.path));
        assert_eq!(pages.len(), 2);
        let tenant: serde_json::Value = reqwest::get(format!("{}/_sim/state", sim.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data_files = files_under(&dir.path().join("data"));
        for (page, upn) in pages.iter().zip(&picked) {
            let held = tenant["users"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["upn"] == upn.as_str())
                .unwrap();
            let pass = held["temporaryAccessPass"]["pass"].as_str().unwrap();
            assert!(flat(page).contains(upn.as_str()), "{page}");
            assert!(
                flat(page).contains(pass),
                "the tenant's pass is not on {upn}'s page"
            );
            for (file, bytes) in &data_files {
                assert!(
                    !bytes.windows(pass.len()).any(|w| w == pass.as_bytes()),
                    "{upn}'s pass is in {file}"
                );
            }
        }

        // Asked again, a user holding a pass keeps it unless it is replaced.
        let again = tap_to(&state, &request, &out(dir.path(), "tap-2.pdf")).await;
        let error = again.unwrap_err();
        assert!(error.message.contains("already holds"), "{}", error.message);
        assert!(!dir.path().join("tap-2.pdf").exists());
    })
    .await;
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path.display().to_string(), bytes));
        }
    }
    found
}
