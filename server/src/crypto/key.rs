//! One AES-256 key and its identifier, in the text form operators handle.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::CryptoError;

const KEY_BYTES: usize = 32;
pub(super) const NONCE_BYTES: usize = 12;

/// A 256-bit key. Its id is derived from the key itself, so the same key always has the same id
/// on every replica and no id can be paired with the wrong key.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SecretKey {
    /// A new random key and its text form (standard base64 of 32 bytes).
    pub fn generate() -> (SecretKey, String) {
        let mut bytes = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut bytes);
        let text = STANDARD.encode(bytes);
        (SecretKey::from_bytes(&bytes), text)
    }

    /// Parses the text form: standard base64 of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<SecretKey, CryptoError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| {
            CryptoError::KeyFormat(
                "a key must be standard base64 (bifrost generate-key prints one)".into(),
            )
        })?;
        if bytes.len() != KEY_BYTES {
            return Err(CryptoError::KeyFormat(format!(
                "a key must be {KEY_BYTES} bytes, this one is {}",
                bytes.len()
            )));
        }
        Ok(SecretKey::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8]) -> SecretKey {
        let fingerprint = Sha256::new()
            .chain_update(b"bifrost key id\0")
            .chain_update(bytes)
            .finalize();
        SecretKey {
            id: hex::encode(&fingerprint[..4]),
            cipher: Aes256Gcm::new(aes_gcm::Key::<Aes256Gcm>::from_slice(bytes)),
        }
    }

    /// Eight hex digits naming the key in stored secrets and messages.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Nonce followed by ciphertext and tag.
    pub(super) fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// `None` when the tag does not verify.
    pub(super) fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .ok()
    }
}

/// Parses a comma- or newline-separated list of keys (`#` starts a comment line); the first
/// one encrypts.
pub(super) fn parse_key_list(text: &str) -> Result<Vec<SecretKey>, CryptoError> {
    let keys = text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(SecretKey::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(CryptoError::KeyFormat("no key given".into()));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_its_text_form_with_the_same_id() {
        let (key, text) = SecretKey::generate();
        let parsed = SecretKey::parse(&text).expect("parse");
        assert_eq!(parsed.id(), key.id());
        assert_eq!(key.id().len(), 8);
    }

    #[test]
    fn malformed_keys_are_refused_with_the_rule() {
        let short = STANDARD.encode([1u8; 16]);
        for (text, rule) in [("not base64!", "base64"), (short.as_str(), "32 bytes")] {
            let error = SecretKey::parse(text).expect_err(text).to_string();
            assert!(error.contains(rule), "{error}");
        }
        assert!(parse_key_list(" , ").is_err());
    }

    #[test]
    fn debug_output_never_shows_key_material() {
        let (key, text) = SecretKey::generate();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&text));
        assert!(shown.contains(key.id()));
    }
}
