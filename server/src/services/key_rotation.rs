//! Key rotation: re-seals every stored secret under the current key. Each secret is replaced
//! only if it is unchanged since it was read, so admins can keep working during a rotation, and
//! servers keep reading because they hold the old keys as well as the new one.

use serde_json::json;

use super::ServerServices;
use crate::store::audit::{Actor, AuditRecord};
use crate::store::secrets::{EncryptedColumn, ENCRYPTED_COLUMNS};
use crate::store::StoreError;
use crate::time::now_millis;

const BATCH: i64 = 500;
/// Servers that have not yet noticed the new key may still seal a few secrets with the old
/// one; later passes pick those up.
const MAX_PASSES: u32 = 5;

/// What one pass did.
#[derive(Debug, Default)]
struct PassCounts {
    resealed: u64,
    /// Changed by someone else between the read and the write.
    skipped: u64,
    unreadable: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationReport {
    pub key_id: String,
    pub resealed: u64,
    /// Secrets still sealed with an older key (changed during every pass).
    pub remaining: u64,
    /// Secrets no configured key opens (named in the log); left as they are.
    pub unreadable: u64,
}

impl ServerServices {
    pub async fn reseal_all_secrets(&self, actor: &Actor) -> Result<RotationReport, StoreError> {
        let key_id = self.keyring.current_key_id();
        let (mut resealed, mut remaining, mut unreadable) = (0, 0, 0);
        for _ in 0..MAX_PASSES {
            let mut pass = PassCounts::default();
            for column in ENCRYPTED_COLUMNS {
                self.reseal_pass(column, &key_id, &mut pass).await?;
            }
            resealed += pass.resealed;
            remaining = pass.skipped;
            unreadable = pass.unreadable;
            let left = pass.skipped;
            if left == 0 {
                break;
            }
        }
        let record = AuditRecord {
            actor,
            action: "secrets.rotate_key",
            object_type: "encryption key",
            object_id: key_id.clone(),
            object_label: key_id.clone(),
            changes: json!({
                "resealed": { "from": null, "to": resealed.to_string() },
                "unreadable": { "from": null, "to": unreadable.to_string() },
            }),
        };
        self.store.append_audit(&record, now_millis()).await?;
        Ok(RotationReport {
            key_id,
            resealed,
            remaining,
            unreadable,
        })
    }

    /// One pass over every secret in `column` not sealed with `key_id`. A secret that no key
    /// opens is counted and left alone, so one bad row does not stop the rotation of the rest.
    async fn reseal_pass(
        &self,
        column: EncryptedColumn,
        key_id: &str,
        counts: &mut PassCounts,
    ) -> Result<(), StoreError> {
        let mut after = 0;
        loop {
            let batch = self
                .store
                .secrets_to_reseal(column, key_id, after, BATCH)
                .await?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            for (id, sealed) in &batch {
                let identity = column.identity(*id);
                let secret = match self.keyring.decrypt(identity, sealed) {
                    Ok(secret) => secret,
                    Err(error) => {
                        tracing::warn!(%error, "a secret cannot be re-sealed");
                        counts.unreadable += 1;
                        continue;
                    }
                };
                let resealed_value = self
                    .keyring
                    .encrypt(identity, secrecy::ExposeSecret::expose_secret(&secret))?;
                if self
                    .store
                    .reseal_secret(column, *id, sealed, &resealed_value)
                    .await?
                {
                    counts.resealed += 1;
                } else {
                    counts.skipped += 1;
                }
            }
            after = last;
        }
        Ok(())
    }
}
