//! Session tokens: 256 random bits for the cookie, their SHA-256 for the store.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps: a leaked database does not hand out live sessions.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_differ() {
        let first = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&first).expect("base64").len(), 32);
        assert_ne!(first, new_token());
    }

    #[test]
    fn the_hash_is_stable_and_hides_the_token() {
        let token = new_token();
        assert_eq!(hash_token(&token), hash_token(&token));
        assert_eq!(hash_token(&token).len(), 64);
        assert!(!hash_token(&token).contains(&token));
    }
}
