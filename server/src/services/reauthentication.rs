//! Checks shared by the sign-in steps: counting attempts against the throttle, and asking for
//! the password again before an action that reaches every customer.

use app::domain::ids::AdminId;
use std::time::Instant;

use app::domain::admin::{CurrentAdmin, PasswordProof, PASSWORD_AGAIN_AFTER_MINUTES};
use app::error::AppError;

use super::auth::password_failure;
use super::{internal, ServerServices};
use crate::auth::session_token::hash_token;
use crate::time::now_millis;

impl ServerServices {
    /// Counts an attempt (see `LoginThrottle::reserve`), or says on `field` how long to wait.
    pub(crate) fn reserve_attempt(
        &self,
        account: &str,
        address: &str,
        (field, what): (&str, &str),
    ) -> Result<(), AppError> {
        self.throttle
            .reserve(account, address, Instant::now())
            .map_err(|wait| {
                AppError::invalid(
                    field,
                    &format!("{what}; try again in {} seconds", wait.as_secs().max(1)),
                )
            })
    }

    /// Actions that reach every customer need the password given in this session within the
    /// configured time (10 minutes), or given again now, so a browser left signed in is not
    /// enough to create a provider key or an administrator.
    pub async fn confirm_recent_password(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
    ) -> Result<(), AppError> {
        let token_hash = hash_token(proof.session_token);
        let session = self
            .store
            .find_session(&token_hash)
            .await
            .map_err(internal)?
            .filter(|session| session.admin_id == admin.id)
            .ok_or(AppError::Unauthorized)?;
        let now = now_millis();
        let window =
            i64::try_from(self.config.password_again_after.as_millis()).unwrap_or(i64::MAX);
        if now - session.password_at <= window {
            return Ok(());
        }
        if proof.password.is_empty() {
            return Err(AppError::invalid(
                "current_password",
                &format!(
                    "enter your password again: this reaches every customer, and you last gave it more than {PASSWORD_AGAIN_AFTER_MINUTES} minutes ago"
                ),
            ));
        }
        self.check_own_password(
            admin.id,
            proof.password,
            ("current_password", "confirmation"),
        )
        .await?;
        self.store
            .mark_password_given(&token_hash, now)
            .await
            .map_err(internal)
    }

    /// Checks a signed-in administrator's own password, throttled per administrator: someone
    /// at an unattended signed-in browser may not guess it freely. `purpose` keeps the counts of
    /// different forms apart.
    pub(crate) async fn check_own_password(
        &self,
        admin_id: AdminId,
        password: &str,
        (field, purpose): (&str, &str),
    ) -> Result<(), AppError> {
        let key = (
            format!("password {purpose}"),
            format!("administrator {admin_id}"),
        );
        self.reserve_attempt(&key.0, &key.1, (field, "too many wrong passwords"))?;
        let stored = self
            .store
            .find_admin(admin_id)
            .await
            .map_err(internal)?
            .map(|row| row.password_hash);
        let verified = self
            .hashing
            .verify(password.to_string(), stored)
            .await
            .map_err(password_failure)?;
        if !verified {
            return Err(AppError::invalid(field, "is not your password"));
        }
        self.throttle.succeeded(&key.0, &key.1);
        Ok(())
    }
}
