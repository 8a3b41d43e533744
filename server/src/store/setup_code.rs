//! The first-run setup code, sealed in one row until the first administrator exists.

use secrecy::SecretString;

use super::secrets::EncryptedColumn;
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const SETUP_CODE_TABLE: &str = "setup_code";
pub const CODE_COLUMN: &str = "code";

const SETUP_CODES: EncryptedColumn = EncryptedColumn::new(SETUP_CODE_TABLE, CODE_COLUMN);

fn identity() -> SecretIdentity<'static> {
    SETUP_CODES.identity(1)
}

impl Store {
    /// The setup code, stored from `fresh` when there is none yet (every server and the CLI then
    /// agree on the first one stored). `None` once an administrator exists.
    pub async fn setup_code(
        &self,
        keyring: &Keyring,
        fresh: &SecretString,
        now: i64,
    ) -> Result<Option<SecretString>, StoreError> {
        if self.count_admins().await? > 0 {
            return Ok(None);
        }
        let sealed = SETUP_CODES.seal(keyring, 1, fresh)?;
        sqlx::query(
            "INSERT INTO setup_code (id, code, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(sealed)
        .bind(now)
        .execute(&self.pool)
        .await?;
        let stored: Option<String> = sqlx::query_scalar("SELECT code FROM setup_code WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        stored
            .map(|sealed| {
                keyring
                    .decrypt(identity(), &sealed)
                    .map_err(StoreError::from)
            })
            .transpose()
    }
}
