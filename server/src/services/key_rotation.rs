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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationReport {
    pub key_id: String,
    pub resealed: u64,
    /// Secrets still sealed with an older key (changed during every pass).
    pub remaining: u64,
}

impl ServerServices {
    pub async fn reseal_all_secrets(&self, actor: &Actor) -> Result<RotationReport, StoreError> {
        let key_id = self.keyring.current_key_id();
        let mut resealed = 0;
        let mut remaining = 0;
        for _ in 0..MAX_PASSES {
            let (mut done, mut left) = (0, 0);
            for column in ENCRYPTED_COLUMNS {
                let (column_done, column_left) = self.reseal_pass(column, &key_id).await?;
                done += column_done;
                left += column_left;
            }
            resealed += done;
            remaining = left;
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
            changes: json!({ "resealed": { "from": null, "to": resealed.to_string() } }),
        };
        self.store.append_audit(&record, now_millis()).await?;
        Ok(RotationReport {
            key_id,
            resealed,
            remaining,
        })
    }

    /// One pass over every secret in `column` not sealed with `key_id`: how many were re-sealed, and how
    /// many were skipped because they changed under us.
    async fn reseal_pass(
        &self,
        column: EncryptedColumn,
        key_id: &str,
    ) -> Result<(u64, u64), StoreError> {
        let (mut resealed, mut skipped, mut after) = (0, 0, 0);
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
                let secret = self.keyring.decrypt(identity, sealed)?;
                let resealed_value = self
                    .keyring
                    .encrypt(identity, secrecy::ExposeSecret::expose_secret(&secret))?;
                if self
                    .store
                    .reseal_secret(column, *id, sealed, &resealed_value)
                    .await?
                {
                    resealed += 1;
                } else {
                    skipped += 1;
                }
            }
            after = last;
        }
        Ok((resealed, skipped))
    }
}
