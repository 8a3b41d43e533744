//! Managing administrators: list, add, remove, change one's own password.

use app::domain::admin::{check_new_password, AdminView, CurrentAdmin, PasswordProof};
use app::domain::ids::AdminId;
use app::error::AppError;
use app::ssr::AdministratorServices;

use super::{actor_of, internal, ServerServices};
use crate::auth::session_token::hash_token;
use crate::store::StoreError;
use crate::time::now_millis;

#[async_trait::async_trait]
impl AdministratorServices for ServerServices {
    async fn administrators(&self, admin: &CurrentAdmin) -> Result<Vec<AdminView>, AppError> {
        let rows = self.store.list_admins().await.map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|row| AdminView {
                id: row.id,
                email: row.email,
                created_at: row.created_at,
                is_self: row.id == admin.id,
            })
            .collect())
    }

    async fn add_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<CurrentAdmin, AppError> {
        self.confirm_recent_password(admin, proof).await?;
        self.add_admin(&actor_of(admin), email, password, confirm)
            .await
    }

    /// Removes another administrator; one's own account and the last one stay.
    async fn remove_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        id: AdminId,
    ) -> Result<(), AppError> {
        self.confirm_recent_password(admin, proof).await?;
        if id == admin.id {
            return Err(AppError::Conflict(
                "you cannot remove your own account; ask another administrator to do it"
                    .to_string(),
            ));
        }
        if self.store.find_admin(id).await.map_err(internal)?.is_none() {
            return Err(AppError::NotFound("the administrator".to_string()));
        }
        match self
            .store
            .delete_admin_unless_last(id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)?
        {
            Some(_) => Ok(()),
            None => Err(AppError::Conflict(
                "the last administrator cannot be removed".to_string(),
            )),
        }
    }

    /// Changes the signed-in administrator's password after checking the current one, and signs
    /// out their other sessions.
    async fn change_own_password(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        // Someone at an unattended signed-in browser may not guess the current password freely.
        let throttle_key = ("password change", format!("administrator {}", admin.id));
        self.reserve_attempt(
            throttle_key.0,
            &throttle_key.1,
            ("current_password", "too many wrong passwords"),
        )?;
        let row = self
            .store
            .find_admin(admin.id)
            .await
            .map_err(internal)?
            .ok_or(AppError::Unauthorized)?;
        let verified = self
            .hashing
            .verify(current.to_string(), Some(row.password_hash.clone()))
            .await
            .map_err(super::auth::password_failure)?;
        if !verified {
            return Err(AppError::invalid(
                "current_password",
                "is not your current password",
            ));
        }
        self.throttle.succeeded(throttle_key.0, &throttle_key.1);
        check_new_password(new, confirm)?;
        let password_hash = self
            .hashing
            .hash(new.to_string())
            .await
            .map_err(super::auth::password_failure)?;
        self.store
            .change_admin_password(
                admin.id,
                (&password_hash, &row.password_hash),
                &hash_token(session_token),
                &actor_of(admin),
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                // Changed by another session since it was checked: that one wins.
                StoreError::Stale => {
                    AppError::invalid("current_password", "is not your current password")
                }
                other => internal(other),
            })
    }
}
