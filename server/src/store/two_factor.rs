//! Two-factor sign-in rows: an administrator's TOTP secret (sealed), the last time step a code
//! was accepted for, recovery codes (hashed) and sign-ins waiting for their second factor.

use app::domain::ids::AdminId;
use secrecy::SecretString;
use serde_json::json;

use super::audit::{change, Actor, AuditRecord, Written};
use super::secrets::EncryptedColumn;
use super::statement::{execute, fetch_optional, fetch_scalar, fetch_scalar_optional};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const ADMINS_TABLE: &str = "admins";
pub const TOTP_SECRET_COLUMN: &str = "totp_secret";
pub const TOTP_PENDING_COLUMN: &str = "totp_pending_secret";

const TOTP_SECRETS: EncryptedColumn = EncryptedColumn::new(ADMINS_TABLE, TOTP_SECRET_COLUMN);
const PENDING_TOTP_SECRETS: EncryptedColumn =
    EncryptedColumn::new(ADMINS_TABLE, TOTP_PENDING_COLUMN);

pub fn totp_identity(admin_id: AdminId, column: &'static str) -> SecretIdentity<'static> {
    EncryptedColumn::new(ADMINS_TABLE, column).identity(admin_id.get())
}

/// An administrator's second factor as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TwoFactorRow {
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub totp_last_step: i64,
}

impl Store {
    pub async fn two_factor(&self, admin_id: AdminId) -> Result<Option<TwoFactorRow>, StoreError> {
        let sql =
            "SELECT totp_secret, totp_pending_secret, totp_last_step FROM admins WHERE id = $1";
        fetch_optional(&self.pool, sql, (admin_id,)).await
    }

    /// Keeps a new secret until its first code confirms it.
    pub async fn set_pending_totp(
        &self,
        keyring: &Keyring,
        admin_id: AdminId,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        let sealed = PENDING_TOTP_SECRETS.seal(keyring, admin_id.get(), secret)?;
        let sql = "UPDATE admins SET totp_pending_secret = $1 WHERE id = $2";
        execute(&self.pool, sql, (sealed, admin_id)).await?;
        Ok(())
    }

    /// Turns the pending secret (confirmed at `step`) into the administrator's second factor,
    /// with new recovery codes (their hashes), in one transaction, audited.
    pub async fn enable_totp(
        &self,
        keyring: &Keyring,
        (admin_id, step): (AdminId, i64),
        secret: &SecretString,
        recovery_code_hashes: &[String],
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        let sealed = TOTP_SECRETS.seal(keyring, admin_id.get(), secret)?;
        let second_factor = (Some(sealed), step, "admin.two_factor_enable", "on");
        self.set_second_factor(admin_id, second_factor, recovery_code_hashes, actor, now)
            .await
    }

    /// Removes the second factor and its recovery codes, audited (disable, or the CLI's reset).
    pub async fn disable_totp(
        &self,
        admin_id: AdminId,
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        let second_factor = (None, 0, "admin.two_factor_disable", "off");
        self.set_second_factor(admin_id, second_factor, &[], actor, now)
            .await
    }

    /// Sets the sealed secret (none: off) and the last step a code was accepted for, clears the
    /// pending secret and replaces the recovery codes, audited as `action` to `state`.
    async fn set_second_factor(
        &self,
        admin_id: AdminId,
        (sealed, step, action, state): (Option<String>, i64, &'static str, &str),
        recovery_code_hashes: &[String],
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write_audited(now, async |connection| {
            let sql = "UPDATE admins SET totp_secret = $1, totp_pending_secret = NULL, \
                 totp_last_step = $2, updated_at = $3 WHERE id = $4";
            execute(&mut *connection, sql, (sealed, step, now, admin_id)).await?;
            replace_recovery_codes(&mut *connection, admin_id, recovery_code_hashes).await?;
            Ok(Written::changed(
                (),
                two_factor_record(actor, admin_id, action, state),
            ))
        })
        .await
    }

    /// Accepts a code for time step `step` only if no code of that step or a later one was
    /// accepted before: a code seen on the wire cannot be used again. In one statement.
    pub async fn accept_totp_step(&self, admin_id: AdminId, step: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE admins SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1 \
             AND totp_secret IS NOT NULL";
        Ok(execute(&self.pool, sql, (step, admin_id)).await? == 1)
    }

    /// Uses up the recovery code with this hash; `false` if it is not one or was used.
    pub async fn use_recovery_code(
        &self,
        admin_id: AdminId,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE recovery_codes SET used_at = $1 WHERE admin_id = $2 AND code_hash = $3 \
             AND used_at IS NULL";
        Ok(execute(&self.pool, sql, (now, admin_id, code_hash)).await? == 1)
    }

    pub async fn unused_recovery_codes(&self, admin_id: AdminId) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM recovery_codes WHERE admin_id = $1 AND used_at IS NULL";
        fetch_scalar(&self.pool, sql, (admin_id,)).await
    }

    pub async fn insert_sign_in_challenge(
        &self,
        token_hash: &str,
        admin_id: AdminId,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let sql =
            "INSERT INTO sign_in_challenges (token_hash, admin_id, expires_at) VALUES ($1, $2, $3)";
        execute(&self.pool, sql, (token_hash, admin_id, expires_at)).await?;
        Ok(())
    }

    /// The administrator a live challenge belongs to.
    pub async fn sign_in_challenge(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<AdminId>, StoreError> {
        let sql =
            "SELECT admin_id FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2";
        fetch_scalar_optional(&self.pool, sql, (token_hash, now)).await
    }

    /// Ends a challenge (answered, or expired ones with `token_hash` empty).
    pub async fn delete_sign_in_challenge(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM sign_in_challenges WHERE token_hash = $1 OR expires_at <= $2";
        execute(&self.pool, sql, (token_hash, now)).await?;
        Ok(())
    }
}

async fn replace_recovery_codes(
    connection: &mut sqlx::AnyConnection,
    admin_id: AdminId,
    hashes: &[String],
) -> Result<(), StoreError> {
    execute(
        &mut *connection,
        "DELETE FROM recovery_codes WHERE admin_id = $1",
        (admin_id,),
    )
    .await?;
    for hash in hashes {
        let sql = "INSERT INTO recovery_codes (admin_id, code_hash) VALUES ($1, $2)";
        execute(&mut *connection, sql, (admin_id, hash)).await?;
    }
    Ok(())
}

fn two_factor_record<'a>(
    actor: &'a Actor,
    admin_id: AdminId,
    action: &'static str,
    state: &str,
) -> AuditRecord<'a> {
    let changes = json!({ "two_factor": change(None, Some(state)) });
    super::admins::admin_record(actor, action, (admin_id, &actor.label), changes)
}
