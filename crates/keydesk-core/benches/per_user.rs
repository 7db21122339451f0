//! Micro-benchmarks of the per-user core work: what the station computes for each user
//! besides the key's own crypto. Run with `cargo bench -p keydesk-core` (or `make bench`).
//!
//! - clientDataJSON for a real-sized challenge (several kilobytes, copied verbatim) and its
//!   SHA-256, which the key signs;
//! - the attestationObject CBOR of a packed attestation with one certificate;
//! - the lenient decoding of creation options' ids: the user handle (plain base64url,
//!   68 characters) and an excluded credential id (every reading of it).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use keydesk_core::attestation::Attestation;
use keydesk_core::{b64, client_data, options};

/// A challenge of the size real ones come in (opaque, several kilobytes).
fn challenge() -> String {
    "aBcD-_01".repeat(512)
}

fn client_data_json(c: &mut Criterion) {
    let challenge = challenge();
    c.bench_function("clientDataJSON + SHA-256 (4 KiB challenge)", |b| {
        b.iter(|| {
            let json = client_data::for_registration(black_box(&challenge), "login.microsoft.com");
            client_data::hash(&json)
        })
    });
}

fn attestation_object(c: &mut Criterion) {
    let mut auth_data = vec![0x11; 37];
    auth_data.extend([0xaa; 16]);
    auth_data.extend([0, 64]);
    auth_data.extend([0x42; 64]);
    auth_data.extend([0x5c; 77]);
    let attestation = Attestation {
        fmt: "packed".to_owned(),
        auth_data,
        alg: -7,
        sig: vec![0x30; 71],
        x5c: vec![vec![0x30; 700]],
        credential_id: vec![0x42; 64],
    };
    c.bench_function("attestationObject CBOR (packed, one certificate)", |b| {
        b.iter(|| black_box(&attestation).to_cbor())
    });
    let cbor = attestation.to_cbor();
    c.bench_function("registration body encodings (base64url)", |b| {
        b.iter(|| {
            (
                b64::encode(black_box(&cbor)),
                b64::encode(&attestation.credential_id),
            )
        })
    });
}

fn options_ids(c: &mut Criterion) {
    let handle = b64::encode(&[0x5a; 51]);
    let credential = format!("{}1", b64::encode(&[0x17; 64]).trim_end_matches('A'));
    c.bench_function("user handle decode (51 bytes)", |b| {
        b.iter(|| options::decode_user_handle(black_box(&handle)))
    });
    c.bench_function("excluded credential id, every reading", |b| {
        b.iter(|| b64::readings(black_box(&credential)))
    });
}

// The macro defines an undocumented `pub fn benches`.
#[allow(missing_docs)]
mod group {
    use super::*;
    criterion_group!(benches, client_data_json, attestation_object, options_ids);
}
use group::benches;

criterion_main!(benches);
