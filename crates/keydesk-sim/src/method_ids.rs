//! Graph method ids for new passkeys: what the `id` of a fido2AuthenticationMethod looks like.
//!
//! Microsoft documents no relation between a passkey's method id and its credential id:
//! real listings show base64url with a trailing padding digit, the v1.0 register sample
//! returns a GUID. [`MethodIds::Opaque`], the default, takes the harder reading: random ids
//! in the padding-digit shape that never decode to the credential id, so a client cannot
//! find its passkey by id alone. [`MethodIds::Guid`] gives random v4 UUIDs;
//! [`MethodIds::Credential`] names the method after its credential id in padding-digit form
//! (what the simulator did before issue 10).
//!
//! Ids come from a generator seeded with the tenant seed (a run is reproducible) and are
//! checked against every stored method id, so they are unique.

use std::ops::RangeInclusive;
use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::b64;

/// How the simulator names a newly registered passkey method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MethodIds {
    /// Random bytes (31 to 33 of them) in padding-digit base64url: base64url without `=`
    /// plus one digit counting the `=` dropped, so every digit 0, 1 and 2 occurs. Never a
    /// spelling of the credential id.
    #[default]
    Opaque,
    /// A random v4 UUID, lower case with hyphens, as in the v1.0 register sample.
    Guid,
    /// The credential id in padding-digit base64url.
    Credential,
}

/// Byte lengths of opaque ids: about 32, one for each padding digit.
const OPAQUE_BYTES: RangeInclusive<usize> = 31..=33;

/// The id generator of one tenant.
#[derive(Debug)]
pub struct MethodIdGen {
    mode: MethodIds,
    rng: Mutex<StdRng>,
}

impl MethodIdGen {
    pub fn new(mode: MethodIds, seed: u64) -> Self {
        MethodIdGen {
            mode,
            rng: Mutex::new(StdRng::seed_from_u64(seed ^ 0x6d37_0d1d_5eed)),
        }
    }

    /// The naming mode in force.
    pub fn mode(&self) -> MethodIds {
        self.mode
    }

    /// A method id for a new passkey with `credential_id`; `taken` says whether an id is
    /// already in use. In `Credential` mode the caller's duplicate-credential check is what
    /// makes the id unique.
    pub fn next(&self, credential_id: &[u8], taken: impl Fn(&str) -> bool) -> String {
        if self.mode == MethodIds::Credential {
            return b64::encode_padding_digit(credential_id);
        }
        let mut rng = self.rng.lock().expect("method id rng lock");
        loop {
            let id = match self.mode {
                MethodIds::Guid => uuid::Builder::from_random_bytes(rng.random())
                    .into_uuid()
                    .to_string(),
                _ => {
                    let len = rng.random_range(OPAQUE_BYTES);
                    let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                    b64::encode_padding_digit(&bytes)
                }
            };
            if !taken(&id) && !spells(&id, credential_id) {
                return id;
            }
        }
    }
}

/// Whether some base64 reading of `id` (whole, or without its last character as a padding
/// digit) gives `credential_id`.
fn spells(id: &str, credential_id: &[u8]) -> bool {
    let readings = [Some(id), id.get(..id.len().saturating_sub(1))];
    readings
        .into_iter()
        .flatten()
        .filter_map(b64::decode_lenient)
        .any(|bytes| bytes == credential_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_are_padding_digit_shaped_and_reproducible() {
        let credential = [7u8; 32];
        let make = || {
            let ids = MethodIdGen::new(MethodIds::Opaque, 3);
            (0..32)
                .map(|_| ids.next(&credential, |_| false))
                .collect::<Vec<_>>()
        };
        let first = make();
        assert_eq!(first, make());
        for id in &first {
            let (text, digit) = id.split_at(id.len() - 1);
            let bytes = b64::decode_lenient(text).unwrap();
            assert!(OPAQUE_BYTES.contains(&bytes.len()));
            assert_eq!(digit, ((3 - bytes.len() % 3) % 3).to_string());
            assert!(!spells(id, &credential));
        }
        for digit in ["0", "1", "2"] {
            assert!(first.iter().any(|id| id.ends_with(digit)), "{digit}");
        }
    }

    #[test]
    fn taken_ids_are_skipped_and_credential_mode_spells_the_credential() {
        let ids = MethodIdGen::new(MethodIds::Guid, 1);
        let first = MethodIdGen::new(MethodIds::Guid, 1).next(b"c", |_| false);
        let second = ids.next(b"c", |id| id == first);
        assert_ne!(first, second);
        assert_eq!(uuid::Uuid::parse_str(&second).unwrap().get_version_num(), 4);
        let ids = MethodIdGen::new(MethodIds::Credential, 1);
        assert_eq!(ids.next(b"abc", |_| false), "YWJj0");
        assert!(spells("YWJj0", b"abc"));
    }
}
