//! The keys this server holds: one that encrypts, any number that only decrypt.
//!
//! With the key file as source, the keyring re-reads the file when it changes (checked before
//! each encryption, and when a secret names a key it does not hold), so `bifrost rotate-key`
//! takes effect on running servers without a restart and reads never fail during a rotation.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

use super::key::{parse_key_list, SecretKey};
use super::key_file::{lock_key_file, read_key_file, write_key_file, KEY_FILE_NAME};
use super::{CryptoError, SecretIdentity};

pub(super) const FORMAT_PREFIX: &str = "v1.";

/// Where the keys came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `BIFROST_SECRET_KEY`: fixed for the life of the process.
    Environment,
    File(PathBuf),
}

#[derive(Debug)]
struct LoadedKeys {
    keys: Vec<SecretKey>,
    modified: Option<SystemTime>,
}

#[derive(Debug)]
pub struct Keyring {
    source: KeySource,
    loaded: RwLock<LoadedKeys>,
}

impl Keyring {
    /// The keys of `BIFROST_SECRET_KEY` when set, else of the key file in `data_dir`,
    /// which is created with a new key when it does not exist.
    pub fn load(
        environment: Option<&SecretString>,
        data_dir: &Path,
    ) -> Result<Keyring, CryptoError> {
        if let Some(text) = environment {
            return Keyring::from_text(text.expose_secret());
        }
        let path = data_dir.join(KEY_FILE_NAME);
        if read_key_file(&path)?.is_none() {
            let (_, text) = SecretKey::generate();
            match write_key_file(&path, &[text], true) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "created a new encryption key file")
                }
                // Another process created it first; use theirs.
                Err(_) if path.exists() => {}
                Err(error) => return Err(error),
            }
        }
        let loaded = load_file(&path)?;
        Ok(Keyring {
            source: KeySource::File(path),
            loaded: RwLock::new(loaded),
        })
    }

    /// A keyring from a key list (comma-separated, the first encrypts).
    pub fn from_text(text: &str) -> Result<Keyring, CryptoError> {
        Ok(Keyring {
            source: KeySource::Environment,
            loaded: RwLock::new(LoadedKeys {
                keys: parse_key_list(text)?,
                modified: None,
            }),
        })
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// The id of the key that encrypts.
    pub fn current_key_id(&self) -> String {
        self.refresh_if_file_changed();
        self.read(|keys| keys.keys[0].id().to_string())
    }

    /// Ids of every key held, the encrypting one first.
    pub fn key_ids(&self) -> Vec<String> {
        self.read(|keys| keys.keys.iter().map(|key| key.id().to_string()).collect())
    }

    /// Seals `plaintext` for the record `identity` under the current key.
    pub fn encrypt(
        &self,
        identity: SecretIdentity<'_>,
        plaintext: &str,
    ) -> Result<String, CryptoError> {
        self.refresh_if_file_changed();
        let aad = identity.associated_data();
        self.read(|keys| {
            let key = &keys.keys[0];
            let sealed = key.seal(plaintext.as_bytes(), aad.as_bytes())?;
            Ok(format!(
                "{FORMAT_PREFIX}{}.{}",
                key.id(),
                URL_SAFE_NO_PAD.encode(sealed)
            ))
        })
    }

    /// Opens a secret stored for `identity`; a wrong key, altered bytes or a ciphertext from
    /// another record is an error, never garbage.
    pub fn decrypt(
        &self,
        identity: SecretIdentity<'_>,
        stored: &str,
    ) -> Result<SecretString, CryptoError> {
        let malformed = || CryptoError::Malformed(identity.to_string());
        let (key_id, body) = stored
            .strip_prefix(FORMAT_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(malformed)?;
        let sealed = URL_SAFE_NO_PAD.decode(body).map_err(|_| malformed())?;
        if !self.holds(key_id) {
            self.reload_file();
        }
        let aad = identity.associated_data();
        self.read(|keys| {
            let key = keys
                .keys
                .iter()
                .find(|key| key.id() == key_id)
                .ok_or_else(|| CryptoError::UnknownKey {
                    identity: identity.to_string(),
                    key_id: key_id.to_string(),
                })?;
            let plaintext = key
                .open(&sealed, aad.as_bytes())
                .ok_or_else(|| CryptoError::Rejected(identity.to_string()))?;
            String::from_utf8(plaintext)
                .map(SecretString::from)
                .map_err(|_| CryptoError::Rejected(identity.to_string()))
        })
    }

    /// Puts a new key in front of the key file's list; the old ones stay for decryption.
    /// Refused for keys from the environment, which the operator changes instead.
    pub fn add_new_file_key(&self) -> Result<String, CryptoError> {
        let KeySource::File(path) = &self.source else {
            return Err(CryptoError::KeyFormat(
                "the keys come from BIFROST_SECRET_KEY: put a new key first in it \
                 (bifrost generate-key prints one), keep the old ones after it, restart the \
                 servers, then run rotate-key"
                    .into(),
            ));
        };
        let _lock = lock_key_file(path)?;
        let text = read_key_file(path)?.unwrap_or_default();
        let (key, new_text) = SecretKey::generate();
        let mut lines = vec![new_text];
        lines.extend(
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(str::to_string),
        );
        write_key_file(path, &lines, false)?;
        self.reload_file();
        Ok(key.id().to_string())
    }

    fn holds(&self, key_id: &str) -> bool {
        self.read(|keys| keys.keys.iter().any(|key| key.id() == key_id))
    }

    fn read<T>(&self, with: impl FnOnce(&LoadedKeys) -> T) -> T {
        let guard = self
            .loaded
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        with(&guard)
    }

    fn refresh_if_file_changed(&self) {
        let KeySource::File(path) = &self.source else {
            return;
        };
        let modified = std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok();
        if modified != self.read(|keys| keys.modified) {
            self.reload_file();
        }
    }

    /// Re-reads the key file; on failure keeps the keys already held (and logs why).
    fn reload_file(&self) {
        let KeySource::File(path) = &self.source else {
            return;
        };
        match load_file(path) {
            Ok(loaded) => {
                let mut guard = self
                    .loaded
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                *guard = loaded;
            }
            Err(error) => tracing::warn!(%error, "keeping the keys already loaded"),
        }
    }
}

fn load_file(path: &Path) -> Result<LoadedKeys, CryptoError> {
    let modified = std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok();
    let text = read_key_file(path)?.ok_or_else(|| CryptoError::KeyFile {
        path: path.display().to_string(),
        message: "does not exist".into(),
    })?;
    let keys = parse_key_list(&text).map_err(|error| CryptoError::KeyFile {
        path: path.display().to_string(),
        message: error.to_string(),
    })?;
    Ok(LoadedKeys { keys, modified })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: SecretIdentity<'static> = SecretIdentity {
        table: "config_values",
        id: 7,
        column: "secret_value",
    };

    fn keyring() -> Keyring {
        let (_, text) = SecretKey::generate();
        Keyring::from_text(&text).expect("keyring")
    }

    #[test]
    fn a_secret_round_trips_and_each_encryption_differs() {
        let keyring = keyring();
        let first = keyring.encrypt(ROW, "s3cret ✓").expect("encrypt");
        let second = keyring.encrypt(ROW, "s3cret ✓").expect("encrypt");
        assert_ne!(first, second, "a fresh nonce each time");
        assert!(!first.contains("s3cret"));
        let opened = keyring.decrypt(ROW, &first).expect("decrypt");
        assert_eq!(opened.expose_secret(), "s3cret ✓");
        assert_eq!(
            super::super::key_id_of(&first),
            Some(keyring.current_key_id().as_str())
        );
    }

    #[test]
    fn altered_bytes_are_rejected() {
        let keyring = keyring();
        let stored = keyring.encrypt(ROW, "value").expect("encrypt");
        let (head, body) = stored.rsplit_once('.').expect("form");
        let mut bytes = URL_SAFE_NO_PAD.decode(body).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
        let error = keyring.decrypt(ROW, &altered).expect_err("tampered");
        assert!(matches!(error, CryptoError::Rejected(_)), "{error}");
    }

    #[test]
    fn a_ciphertext_moved_to_another_record_is_rejected() {
        let keyring = keyring();
        let stored = keyring.encrypt(ROW, "value").expect("encrypt");
        for other in [
            SecretIdentity { id: 8, ..ROW },
            SecretIdentity {
                column: "value",
                ..ROW
            },
            SecretIdentity {
                table: "oauth_tokens",
                ..ROW
            },
        ] {
            let error = keyring.decrypt(other, &stored).expect_err("moved");
            assert!(matches!(error, CryptoError::Rejected(_)), "{error}");
        }
    }

    #[test]
    fn a_secret_sealed_with_an_unknown_key_names_that_key() {
        let stored = keyring().encrypt(ROW, "value").expect("encrypt");
        let error = keyring().decrypt(ROW, &stored).expect_err("other key");
        assert!(matches!(error, CryptoError::UnknownKey { .. }), "{error}");
        assert!(error.to_string().contains("not configured"));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let keyring = keyring();
        for stored in [
            "",
            "plain text",
            "v1.",
            "v1.abcd",
            "v1.abcd.!!!",
            "v1.abcd.AA",
        ] {
            assert!(keyring.decrypt(ROW, stored).is_err(), "{stored:?}");
        }
    }

    #[test]
    fn older_keys_in_the_list_still_decrypt() {
        let (_, old) = SecretKey::generate();
        let (_, new) = SecretKey::generate();
        let before = Keyring::from_text(&old).expect("old");
        let stored = before.encrypt(ROW, "value").expect("encrypt");
        let after = Keyring::from_text(&format!("{new},{old}")).expect("both");
        assert_eq!(
            after
                .decrypt(ROW, &stored)
                .expect("decrypt")
                .expose_secret(),
            "value"
        );
        assert_ne!(
            super::super::key_id_of(&after.encrypt(ROW, "v").expect("encrypt")),
            super::super::key_id_of(&stored)
        );
    }

    #[test]
    fn the_key_file_is_created_once_and_a_new_key_reaches_running_keyrings() {
        let dir = tempfile::tempdir().expect("dir");
        let first = Keyring::load(None, dir.path()).expect("create");
        let second = Keyring::load(None, dir.path()).expect("reuse");
        assert_eq!(first.current_key_id(), second.current_key_id());
        let stored = first.encrypt(ROW, "value").expect("encrypt");

        let new_id = first.add_new_file_key().expect("rotate");
        // The other process sees the new key as soon as it next encrypts or meets it.
        let resealed = first.encrypt(ROW, "value").expect("encrypt");
        assert_eq!(super::super::key_id_of(&resealed), Some(new_id.as_str()));
        assert_eq!(
            second
                .decrypt(ROW, &resealed)
                .expect("new key")
                .expose_secret(),
            "value"
        );
        assert_eq!(
            second
                .decrypt(ROW, &stored)
                .expect("old key")
                .expose_secret(),
            "value"
        );
        assert_eq!(second.current_key_id(), new_id);
    }
}
