//! The matching code: six characters printed on a PIN letter and on its key's label, so
//! a pile of keys is matched to its letters without reading serial numbers.

use sha2::{Digest, Sha256};

/// Letters and digits that cannot be mistaken for each other in print (no 0/O, 1/I/L).
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTUVWXZ";

/// Six characters derived from the user id and the key's serial: the same user with
/// another key gets another code. Two users of a batch of 100 share a code with odds of
/// about 1 in 150,000.
pub fn matching_code(user_id: &str, key_serial: &str) -> String {
    let digest = Sha256::new()
        .chain_update(user_id.as_bytes())
        .chain_update([0u8])
        .chain_update(key_serial.as_bytes())
        .finalize();
    let mut n = u64::from_be_bytes(digest[..8].try_into().unwrap_or([0; 8]));
    let mut code = String::with_capacity(6);
    for _ in 0..6 {
        let i = usize::try_from(n % 30).unwrap_or(0);
        code.push(char::from(ALPHABET[i]));
        n /= 30;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_stable_readable_and_depends_on_user_and_key() {
        let a = matching_code("u-1", "SN1");
        assert_eq!(a, matching_code("u-1", "SN1"));
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, matching_code("u-1", "SN2"));
        assert_ne!(a, matching_code("u-2", "SN1"));
        assert_ne!(matching_code("u-1", "0"), matching_code("u-10", ""));
    }
}
