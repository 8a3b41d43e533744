//! Two-factor sign-in rows: an administrator's TOTP secret (sealed), the last time step a code
//! was accepted for, recovery codes (hashed) and sign-ins waiting for their second factor.

use app::domain::ids::AdminId;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::audit::{change, Actor, AuditRecord, Written};
use super::{Store, StoreError};
use crate::crypto::{Keyring, SecretIdentity};

pub const ADMINS_TABLE: &str = "admins";
pub const TOTP_SECRET_COLUMN: &str = "totp_secret";
pub const TOTP_PENDING_COLUMN: &str = "totp_pending_secret";

pub fn totp_identity(admin_id: AdminId, column: &'static str) -> SecretIdentity<'static> {
    SecretIdentity {
        table: ADMINS_TABLE,
        id: admin_id.get(),
        column,
    }
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
        Ok(sqlx::query_as(
            "SELECT totp_secret, totp_pending_secret, totp_last_step FROM admins WHERE id = $1",
        )
        .bind(admin_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Keeps a new secret until its first code confirms it.
    pub async fn set_pending_totp(
        &self,
        keyring: &Keyring,
        admin_id: AdminId,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        let sealed = keyring.encrypt(
            totp_identity(admin_id, TOTP_PENDING_COLUMN),
            secret.expose_secret(),
        )?;
        sqlx::query("UPDATE admins SET totp_pending_secret = $1 WHERE id = $2")
            .bind(sealed)
            .bind(admin_id)
            .execute(&self.pool)
            .await?;
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
        let sealed = keyring.encrypt(
            totp_identity(admin_id, TOTP_SECRET_COLUMN),
            secret.expose_secret(),
        )?;
        self.write_audited(now, async |connection| {
            sqlx::query(
                "UPDATE admins SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2, \
                 updated_at = $3 WHERE id = $4",
            )
            .bind(sealed)
            .bind(step)
            .bind(now)
            .bind(admin_id)
            .execute(&mut *connection)
            .await?;
            replace_recovery_codes(&mut *connection, admin_id, recovery_code_hashes).await?;
            let record = two_factor_record(actor, admin_id, "admin.two_factor_enable", "on");
            Ok(Written::changed((), record))
        })
        .await
    }

    /// Removes the second factor and its recovery codes, audited (disable, or the CLI's reset).
    pub async fn disable_totp(
        &self,
        admin_id: AdminId,
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        self.write_audited(now, async |connection| {
            sqlx::query(
                "UPDATE admins SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = 0, \
                 updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(admin_id)
            .execute(&mut *connection)
            .await?;
            replace_recovery_codes(&mut *connection, admin_id, &[]).await?;
            let record = two_factor_record(actor, admin_id, "admin.two_factor_disable", "off");
            Ok(Written::changed((), record))
        })
        .await
    }

    /// Accepts a code for time step `step` only if no code of that step or a later one was
    /// accepted before: a code seen on the wire cannot be used again. In one statement.
    pub async fn accept_totp_step(&self, admin_id: AdminId, step: i64) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE admins SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1 \
             AND totp_secret IS NOT NULL",
        )
        .bind(step)
        .bind(admin_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Uses up the recovery code with this hash; `false` if it is not one or was used.
    pub async fn use_recovery_code(
        &self,
        admin_id: AdminId,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE admin_id = $2 AND code_hash = $3 \
             AND used_at IS NULL",
        )
        .bind(now)
        .bind(admin_id)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn unused_recovery_codes(&self, admin_id: AdminId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE admin_id = $1 AND used_at IS NULL",
        )
        .bind(admin_id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn insert_sign_in_challenge(
        &self,
        token_hash: &str,
        admin_id: AdminId,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sign_in_challenges (token_hash, admin_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(admin_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The administrator a live challenge belongs to.
    pub async fn sign_in_challenge(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<AdminId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT admin_id FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Ends a challenge (answered, or expired ones with `token_hash` empty).
    pub async fn delete_sign_in_challenge(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Finds an administrator by e-mail key, for the CLI's reset.
    pub async fn admin_id_by_email_key(
        &self,
        email_key: &str,
    ) -> Result<Option<AdminId>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM admins WHERE email_key = $1")
                .bind(email_key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

async fn replace_recovery_codes(
    connection: &mut sqlx::AnyConnection,
    admin_id: AdminId,
    hashes: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM recovery_codes WHERE admin_id = $1")
        .bind(admin_id)
        .execute(&mut *connection)
        .await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (admin_id, code_hash) VALUES ($1, $2)")
            .bind(admin_id)
            .bind(hash)
            .execute(&mut *connection)
            .await?;
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
