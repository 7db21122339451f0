//! The fuzz targets' bodies: one function per target, each feeding arbitrary bytes to a
//! parser KeyDesk runs on untrusted input and asserting only that it returns (no panic,
//! no hang), plus a round trip where one is cheap.
//!
//! The cargo-fuzz binaries in `fuzz_targets/` call these, and the stable test
//! `tests/tests/fuzz_corpus.rs` includes this file and replays `fuzz/corpus/<target>/*`
//! through [`TARGETS`], so every checked-in input runs in `cargo test --workspace`.
//! This file only calls the crates' public entry points: no parser is copied here.

use std::collections::VecDeque;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ciborium::value::Value;
use keydesk_core::attestation::{aaguid_from_auth_data, credential_id_from_auth_data};
use keydesk_core::{b64, Attestation, Pin};
use keydesk_engine::{audit, journal};
use keydesk_fido::hid::ctaphid::{self, Reports, REPORT};
use keydesk_fido::hid::enumerate::contained;
use keydesk_fido::hid::status;
use keydesk_fido::soft::ctap2::Ctap2Front;
use keydesk_fido::soft::{SoftKey, SoftKeyConfig, TouchMode};
use keydesk_fido::{KeyError, SecurityKey};
use keydesk_graph::{judge, replies, PasskeyListing, TokenHint};

/// A target's body: arbitrary bytes in, a panic on a finding.
pub type Target = fn(&[u8]);

/// Every target: its name (the folder under `fuzz/corpus/`) and its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("b64", b64),
    ("creation_options", creation_options),
    ("auth_data", auth_data),
    ("ctap_response", ctap_response),
    ("ctap2_request", ctap2_request),
    ("ctaphid", ctaphid),
    ("graph_reply", graph_reply),
    ("journal", journal),
    ("audit", audit),
];

/// The lenient base64url decoder and its strict sibling: any text decodes or is refused;
/// every reading `decode_lenient`/`decode_plain` give is among `readings`; and the bytes
/// themselves, encoded, decode back.
pub fn b64(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let all = b64::readings(text);
        if let Ok(bytes) = b64::decode_lenient(text) {
            assert!(all.contains(&bytes), "lenient reading not in readings");
        }
        if let Ok(bytes) = b64::decode_plain(text) {
            assert!(all.contains(&bytes), "plain reading not in readings");
        }
    }
    let encoded = b64::encode(data);
    assert_eq!(b64::decode_plain(&encoded).as_deref(), Ok(data));
    assert!(b64::readings(&encoded).iter().any(|r| r == data));
}

/// Graph's creationOptions document; what it accepts keeps the invariants the key needs.
pub fn creation_options(data: &[u8]) {
    if let Ok(options) = replies::creation_options(data) {
        assert!(!options.challenge.is_empty());
        assert!((1..=64).contains(&options.user_handle.len()));
        assert!(!options.rp_id.is_empty());
    }
}

/// authenticatorData from a key: the credential id and AAGUID readers, then the
/// attestationObject KeyDesk builds around it, which must decode back to the same authData.
pub fn auth_data(data: &[u8]) {
    let credential_id = credential_id_from_auth_data(data);
    if let Ok(id) = &credential_id {
        assert_eq!(data.get(55..55 + id.len()), Some(id.as_slice()));
    }
    let _ = aaguid_from_auth_data(data);
    let fmt = match data.first() {
        Some(b) if b % 3 == 0 => "none",
        Some(b) if b % 3 == 1 => "fido-u2f",
        _ => "packed",
    };
    let attestation = Attestation {
        fmt: fmt.to_owned(),
        auth_data: data.to_vec(),
        alg: -7,
        sig: data.iter().rev().take(72).copied().collect(),
        x5c: Vec::new(),
        credential_id: credential_id.unwrap_or_default(),
    };
    let cbor = attestation.to_cbor();
    let value: Value = ciborium::from_reader(cbor.as_slice()).expect("our own CBOR reads back");
    let auth = value
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some("authData")))
        .and_then(|(_, v)| v.as_bytes());
    assert_eq!(auth.map(Vec::as_slice), Some(data));
}

/// A makeCredential answer (the CBOR after the status byte) as the hardware path reads it:
/// ctap-hid-fido2's own parser inside [`contained`], as `HidKey` calls the crate (a panic in
/// the crate becomes [`KeyError::Transport`]; see docs/FUZZING.md for the one it has), its
/// error text through [`status::from_message`], then KeyDesk's attestationObject from the
/// fields. The bytes are also read as an error message of the crate.
pub fn ctap_response(data: &[u8]) {
    use ctap_hid_fido2::fidokey::make_credential::make_credential_response::parse_cbor;
    let _ = status::from_message(&String::from_utf8_lossy(data));
    let parsed = contained("makeCredential", || {
        parse_cbor(data).map_err(|e| status::from_anyhow(&e))
    });
    if let Ok(made) = parsed {
        let attestation = Attestation {
            fmt: made.fmt,
            auth_data: made.auth_data,
            alg: i64::from(made.attstmt_alg),
            sig: made.attstmt_sig,
            x5c: made.attstmt_x5c,
            credential_id: made.credential_descriptor.id,
        };
        let _ = credential_id_from_auth_data(&attestation.auth_data);
        let _ = attestation.to_cbor();
    }
}

/// A CTAP2 request (command byte + CBOR) to the soft key's CTAP2 front: any bytes get a
/// status answer. A fresh key with a PIN per input, so a crash replays alone.
pub fn ctap2_request(data: &[u8]) {
    runtime().block_on(async {
        let config = SoftKeyConfig {
            touch: TouchMode::Auto(Duration::ZERO),
            capacity: 4,
            ..SoftKeyConfig::default()
        };
        let key = SoftKey::new("fuzz", config);
        let pin = Pin::new("fuzz-pin-1234");
        key.set_pin(&pin).await.expect("a new key takes a PIN");
        let answer = Ctap2Front::new(&key, pin).handle(data).await;
        assert!(!answer.is_empty(), "every answer has a status byte");
        if answer[0] == 0 && answer.len() > 1 {
            let _: Value = ciborium::from_reader(&answer[1..]).expect("the key's CBOR reads");
        }
    });
}

/// The CTAPHID reader: after the first byte (which exchange), the input is the key's
/// reports, 64 bytes each. Mode 0 reads a CTAPHID_CBOR answer on channel 01020304, mode 1
/// echoes what was sent (a round trip through `frame` and the reader), others run INIT.
pub fn ctaphid(data: &[u8]) {
    const CID: [u8; 4] = [1, 2, 3, 4];
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut keepalives = 0_usize;
    let mut on_keepalive = |_: u8| keepalives += 1;
    match mode % 3 {
        0 => {
            let mut dev = Scripted::replies(rest);
            let _ = ctaphid::cbor(&mut dev, CID, &[0x04], deadline, &mut on_keepalive);
        }
        1 => {
            let payload = &rest[..rest.len().min(7609)];
            let cmd = rest.first().map_or(0x10, |b| b & 0x3F);
            let mut dev = Scripted::echo();
            let answer =
                ctaphid::transact(&mut dev, CID, cmd, payload, deadline, &mut on_keepalive);
            assert_eq!(answer.as_deref(), Ok(payload), "framed and read back");
        }
        _ => {
            let mut dev = Scripted::replies(rest);
            let _ = ctaphid::init(&mut dev, deadline);
        }
    }
}

/// Graph and Entra replies: the first byte picks the parser, the rest is the body (for
/// the error parsers, the second byte adds to the HTTP status).
pub fn graph_reply(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let status = 400 + u16::from(body.first().copied().unwrap_or(0)) % 200;
    match which % 7 {
        0 => drop(replies::members_page(body)),
        1 => drop(replies::passkeys_page(body)),
        2 => drop(replies::policy(body)),
        3 => drop(replies::token(body)),
        4 => drop(replies::sign_in_error(status, body)),
        5 => drop(replies::graph_error(status, body)),
        _ => drop(TokenHint::decode(&String::from_utf8_lossy(body))),
    }
}

/// A journal row's text columns and what is done with them: line 1 is the `state`
/// column, line 2 the `attempt` JSON, the rest a page of passkeys the attempt is judged
/// against (as reconciliation does after a crash in `posting`).
pub fn journal(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\n');
    let state = parts.next().unwrap_or_default();
    let attempt = parts.next();
    let listing = parts.next().unwrap_or_default();
    let (_, attempt) = journal::decode_columns(state, attempt);
    let Some(attempt) = attempt else {
        return;
    };
    if let Ok((passkeys, _)) = replies::passkeys_page(listing.as_bytes()) {
        let listing = PasskeyListing {
            passkeys,
            graph_time: Some(1_800_000_000),
            local_time: 1_800_000_000,
        };
        let _ = judge(&attempt, &listing, Duration::from_secs(30));
    }
}

/// The MAC key the audit corpus is written under (32 bytes, like the real one).
pub const AUDIT_KEY: &[u8; 32] = b"keydesk-fuzz-audit-key-32-bytes!";

/// An audit log, as an export (`verify_export`) and as the file `AuditLog::open` reads
/// (`verify_bytes`, with and without a recorded head), under [`AUDIT_KEY`].
pub fn audit(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = audit::verify_export(text, AUDIT_KEY);
    }
    let _ = audit::verify_bytes(data, AUDIT_KEY, None);
    let _ = audit::verify_bytes(data, AUDIT_KEY, Some(&(1, "00".repeat(32))));
}

/// One tokio runtime for the async targets.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime")
    })
}

/// A HID device whose answers are given: scripted reports, or an echo of what was sent.
/// When it has nothing more to say it reports the key as pulled, so no read waits.
struct Scripted {
    queue: VecDeque<[u8; REPORT]>,
    echo: bool,
}

impl Scripted {
    fn replies(bytes: &[u8]) -> Self {
        let queue = bytes
            .chunks(REPORT)
            .map(|chunk| {
                let mut report = [0u8; REPORT];
                report[..chunk.len()].copy_from_slice(chunk);
                report
            })
            .collect();
        Scripted { queue, echo: false }
    }

    fn echo() -> Self {
        Scripted {
            queue: VecDeque::new(),
            echo: true,
        }
    }
}

impl Reports for Scripted {
    fn send(&mut self, report: &[u8; REPORT]) -> Result<(), KeyError> {
        if self.echo {
            self.queue.push_back(*report);
        }
        Ok(())
    }

    fn receive(&mut self, _timeout: Duration) -> Result<Option<[u8; REPORT]>, KeyError> {
        self.queue.pop_front().map(Some).ok_or(KeyError::Removed)
    }
}
