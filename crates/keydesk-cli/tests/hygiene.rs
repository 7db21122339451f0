//! Secret hygiene after a full run: provision (piped), PIN letters, TAP letters and
//! reports, every command at TRACE. Then the data folder, the config folder, the temporary
//! folder and every log are searched for each PIN, pass, the client secret and anything
//! shaped like an access token; a PDF found there is searched in its decompressed text as
//! well. Only the output files the operator named may hold them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{escrowed, files, finish, get_json, offline, provision, sim, SECRET};

/// The folders a command could leave something in, besides the data folder.
struct Places {
    tmp: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Places {
    fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("KEYDESK_LOG", "trace")
            .env("RUST_LOG", "trace")
            .env("TMPDIR", self.tmp.path())
            .env("XDG_CONFIG_HOME", self.config.path())
    }
}

fn done(out: &Output, what: &str, logs: &mut Vec<String>) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    logs.push(String::from_utf8_lossy(&out.stdout).into_owned());
    logs.push(stderr);
}

/// `keydesk-cli <args> --data-dir <data>` with the places' environment.
fn local(places: &Places, data: &Path, args: &[&str]) -> Output {
    let mut cmd = offline(data, args);
    places.env(&mut cmd);
    finish(
        cmd.spawn().unwrap(),
        Duration::from_secs(60),
        &format!("{args:?}"),
    )
}

/// What a file says: its bytes as text, and for a PDF its extracted (decompressed) text.
fn readable(path: &PathBuf) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if bytes.starts_with(b"%PDF") {
        text.push_str(&keydesk_tests::pdf::pages_of(path).join("\n"));
    }
    text
}

#[test]
fn after_a_full_run_no_pin_pass_or_secret_is_in_clear_outside_the_named_output_files() {
    let (_sim, url) = sim(&["--users", "3"]);
    let data = tempfile::tempdir().unwrap();
    let named = tempfile::tempdir().unwrap();
    let places = Places {
        tmp: tempfile::tempdir().unwrap(),
        config: tempfile::tempdir().unwrap(),
    };
    let mut logs = Vec::new();

    let mut run = provision(&url, data.path(), 2, &[]);
    places.env(&mut run);
    let out = finish(run.spawn().unwrap(), Duration::from_secs(120), "provision");
    done(&out, "provision", &mut logs);
    let pins: Vec<String> = escrowed(data.path()).into_values().map(|e| e.2).collect();
    assert_eq!(pins.len(), 3);

    let report = named.path().join("keysRegistered.csv");
    let args = ["report", "--format", "yubico", "--include-pins", "--out"];
    let mut args = args.to_vec();
    args.push(report.to_str().unwrap());
    done(&local(&places, data.path(), &args), "report", &mut logs);
    done(
        &local(&places, data.path(), &["report", "--format", "yubico"]),
        "report to stdout",
        &mut logs,
    );

    let letters = named.path().join("letters.pdf");
    let args = ["letters", "--unprinted", "--out", letters.to_str().unwrap()];
    done(&local(&places, data.path(), &args), "letters", &mut logs);

    let state = get_json(&url, "/_sim/state");
    let upns: Vec<String> = state["users"].as_array().unwrap()[..2]
        .iter()
        .map(|u| u["upn"].as_str().unwrap().to_owned())
        .collect();
    let taps = named.path().join("tap.pdf");
    let joined = upns.join(",");
    let mut tap = common::command(
        &url,
        &[
            "tap",
            "--users",
            &joined,
            "--one-time",
            "--out",
            taps.to_str().unwrap(),
        ],
    );
    tap.arg("--data-dir").arg(data.path());
    places.env(&mut tap);
    let out = finish(tap.spawn().unwrap(), Duration::from_secs(60), "tap --out");
    done(&out, "tap", &mut logs);
    let state = get_json(&url, "/_sim/state");
    let passes: Vec<String> = state["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["temporaryAccessPass"]["pass"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(passes.len(), 2);

    // The named files hold what they were asked for: the search would see it.
    let letter_text = readable(&letters);
    assert!(pins.iter().all(|p| letter_text.contains(p.as_str())));
    let tap_text = keydesk_tests::pdf::flat(&readable(&taps));
    assert!(passes.iter().all(|p| tap_text.contains(p.as_str())));

    let mut secrets: Vec<(&str, String)> = vec![("client secret", SECRET.to_owned())];
    secrets.extend(pins.iter().map(|p| ("PIN", p.clone())));
    secrets.extend(passes.iter().map(|p| ("pass", p.clone())));
    let mut places_text: Vec<(String, String)> = Vec::new();
    for dir in [data.path(), places.tmp.path(), places.config.path()] {
        for file in files(dir) {
            places_text.push((file.display().to_string(), readable(&file)));
        }
    }
    for (i, log) in logs.iter().enumerate() {
        places_text.push((format!("log {i}"), log.clone()));
    }
    for (place, text) in &places_text {
        for (what, secret) in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a {what} in clear in {place}"
            );
        }
        // Access tokens (Entra's shape: a JWT, base64url of `{"`).
        assert!(
            !text.contains("eyJ0eXAi") && !text.contains("eyJhbGci"),
            "a token in {place}"
        );
    }
}
