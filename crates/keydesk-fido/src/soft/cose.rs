//! COSE_Key encoding of a credential's P-256 public key (RFC 9052 §7, RFC 9053 §7.1.1).
//!
//! Only EC2 / ES256 / P-256, the one key type the soft key makes. The map keys are written
//! in CTAP2 canonical order: `1 (kty), 3 (alg), -1 (crv), -2 (x), -3 (y)`.

use ciborium::value::{Integer, Value};
use p256::ecdsa::VerifyingKey;

/// COSE algorithm ES256.
pub const ES256: i64 = -7;
const KTY_EC2: i64 = 2;
const CRV_P256: i64 = 1;

/// Encodes `key` as a COSE_Key CBOR map.
pub fn encode_p256(key: &VerifyingKey) -> Vec<u8> {
    let point = key.to_encoded_point(false);
    let (x, y) = (
        point.x().expect("uncompressed point has x"),
        point.y().expect("uncompressed point has y"),
    );
    let map = Value::Map(vec![
        (int(1), int(KTY_EC2)),
        (int(3), int(ES256)),
        (int(-1), int(CRV_P256)),
        (int(-2), Value::Bytes(x.to_vec())),
        (int(-3), Value::Bytes(y.to_vec())),
    ]);
    let mut out = Vec::with_capacity(77);
    ciborium::into_writer(&map, &mut out).expect("writing CBOR to a Vec cannot fail");
    out
}

fn int(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::SigningKey;

    #[test]
    fn p256_key_is_77_bytes_in_canonical_order() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let bytes = encode_p256(key.verifying_key());
        assert_eq!(bytes.len(), 77);
        // map(5), 1:2, 3:-7 (0x26), -1:1, -2: bytes(32)
        assert_eq!(
            &bytes[..9],
            &[0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58]
        );
        let value: Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        let keys: Vec<i128> = value
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_integer().unwrap().into())
            .collect();
        assert_eq!(keys, [1, 3, -1, -2, -3]);
    }
}
