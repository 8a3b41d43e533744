//! Secrets at rest: the one module that encrypts and decrypts every stored secret.
//!
//! AES-256-GCM with a fresh random 96-bit nonce per encryption. The record's identity
//! (table, row id, column) is the associated data, so a ciphertext copied into another row
//! fails to decrypt. The stored form names the key that sealed it, so keys can be rotated:
//! `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`.

mod key;
mod key_file;
mod keyring;

pub use key::SecretKey;
pub use key_file::{read_key_file, write_key_file, KEY_FILE_NAME};
pub use keyring::{KeySource, Keyring};

/// Where a secret lives; bound into its ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretIdentity<'a> {
    pub table: &'a str,
    pub id: i64,
    pub column: &'a str,
}

impl SecretIdentity<'_> {
    fn associated_data(&self) -> String {
        format!("bifrost/{}/{}/{}", self.table, self.id, self.column)
    }
}

impl std::fmt::Display for SecretIdentity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{} of row {}", self.table, self.column, self.id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the encryption key is invalid: {0}")]
    KeyFormat(String),
    #[error("the key file {path}: {message}")]
    KeyFile { path: String, message: String },
    #[error("the secret in {0} is not in the encrypted form this server writes")]
    Malformed(String),
    #[error(
        "the secret in {identity} was sealed with key {key_id}, which is not configured \
         (BIFROST_SECRET_KEY or the key file)"
    )]
    UnknownKey { identity: String, key_id: String },
    #[error(
        "the secret in {0} failed authentication: it was altered, copied from another record, \
         or sealed with a different key"
    )]
    Rejected(String),
    #[error("encryption failed")]
    Seal,
}

/// The key id of a stored secret, without decrypting it.
pub fn key_id_of(stored: &str) -> Option<&str> {
    let rest = stored.strip_prefix(keyring::FORMAT_PREFIX)?;
    rest.split_once('.').map(|(key_id, _)| key_id)
}
