//! `keydesk-cli mds`: status of an empty desk, and imports the release binary refuses (a
//! BLOB signed by the simulator's test root, a damaged file) without touching the cache.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{finish, CLI};

fn run(args: &[&str]) -> Output {
    let child = Command::new(CLI)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(
        child,
        Duration::from_secs(60),
        &format!("keydesk-cli {args:?}"),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn an_empty_desk_says_so_and_only_a_blob_from_the_fido_alliance_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let data = data.to_str().unwrap();
    let status = run(&["mds", "status", "--data-dir", data]);
    assert_eq!(status.status.code(), Some(1));
    assert!(
        text(&status.stdout).contains("no metadata BLOB"),
        "{status:?}"
    );

    let sim = keydesk_sim::Sim::start(keydesk_sim::SimConfig::default())
        .await
        .unwrap();
    let file = dir.path().join("sim-blob.jwt");
    std::fs::write(&file, sim.mds().blob()).unwrap();
    let import = run(&["mds", "import", file.to_str().unwrap(), "--data-dir", data]);
    assert_eq!(import.status.code(), Some(1), "{import:?}");
    let stderr = text(&import.stderr);
    assert!(
        stderr.contains("does not verify to the FIDO Alliance root"),
        "{stderr}"
    );
    assert!(stderr.contains("what to do:"), "{stderr}");
    assert!(!dir.path().join("desk").join("mds.jwt").exists());

    std::fs::write(&file, "garbage").unwrap();
    let import = run(&["mds", "import", file.to_str().unwrap(), "--data-dir", data]);
    assert_eq!(import.status.code(), Some(1));
    assert!(text(&import.stderr).contains("malformed"), "{import:?}");
}

#[test]
fn a_damaged_revocation_list_is_refused_before_the_blob_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("desk");
    let blob = dir.path().join("blob.jwt");
    let crl = dir.path().join("ca.crl");
    std::fs::write(&blob, "not read").unwrap();
    std::fs::write(&crl, b"\x30\x03\x02\x01\x01").unwrap();
    let import = run(&[
        "mds",
        "import",
        blob.to_str().unwrap(),
        "--crl",
        crl.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert_eq!(import.status.code(), Some(1), "{import:?}");
    let stderr = text(&import.stderr);
    assert!(stderr.contains("revocation list is malformed"), "{stderr}");
    assert!(stderr.contains("--crl FILE"), "{stderr}");
    assert!(!data.join(keydesk_mds::CRL_FOLDER).exists());
    assert!(!data.join(keydesk_mds::CACHE_FILE).exists());
}
