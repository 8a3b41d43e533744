//! Accounts and sessions: first-run setup, sign-in with throttling, sign-out, session checks.

use std::sync::atomic::Ordering;
use std::time::Instant;

use app::domain::admin::{check_new_password, CurrentAdmin, EmailAddress};
use app::error::AppError;
use app::ssr::SetCookie;
use cookie::{Cookie, SameSite};

use super::{internal, ServerServices};
use crate::auth::password::{hash_password, verify_password, PasswordError};
use crate::auth::session_token::{hash_token, new_token};
use crate::store::admins::NewAdmin;
use crate::store::audit::Actor;
use crate::store::StoreError;
use crate::time::now_millis;

pub const SESSION_COOKIE: &str = "bifrost_session";
/// A session ends after this long without a request…
pub const SESSION_IDLE_MS: i64 = 12 * 60 * 60 * 1000;
/// …and after this long in any case.
pub const SESSION_ABSOLUTE_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, not on every request.
const SESSION_TOUCH_MS: i64 = 60 * 1000;

const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";

pub(super) fn password_failure(error: PasswordError) -> AppError {
    tracing::error!(%error, "password hashing failed");
    AppError::Internal
}

impl ServerServices {
    pub async fn is_setup_needed(&self) -> Result<bool, AppError> {
        if self.setup_done.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let admins = self.store.count_admins().await.map_err(internal)?;
        if admins > 0 {
            self.setup_done.store(true, Ordering::Relaxed);
        }
        Ok(admins == 0)
    }

    pub async fn create_first_admin(
        &self,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<SetCookie, AppError> {
        let email = EmailAddress::parse("email", email)?;
        check_new_password(password, confirm)?;
        if !self.is_setup_needed().await? {
            return Err(setup_already_done());
        }
        let password_hash = hash_password(password.to_string())
            .await
            .map_err(password_failure)?;
        let new_admin = NewAdmin {
            email: email.as_str(),
            email_key: &email.key(),
            password_hash: &password_hash,
        };
        let admin = match self.store.insert_first_admin(new_admin, now_millis()).await {
            Ok(admin) => admin,
            Err(StoreError::Conflict(_)) => return Err(setup_already_done()),
            Err(error) => return Err(internal(error)),
        };
        self.setup_done.store(true, Ordering::Relaxed);
        tracing::info!(admin_id = admin.id, "first administrator created");
        self.start_session(admin.id).await
    }

    /// Adds an administrator (the CLI and the administrators page); the first one also completes
    /// the first-run setup.
    pub async fn add_admin(
        &self,
        actor: &Actor,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<CurrentAdmin, AppError> {
        let email = EmailAddress::parse("email", email)?;
        check_new_password(password, confirm)?;
        let password_hash = hash_password(password.to_string())
            .await
            .map_err(password_failure)?;
        let email_key = email.key();
        let new_admin = || NewAdmin {
            email: email.as_str(),
            email_key: &email_key,
            password_hash: &password_hash,
        };
        let now = now_millis();
        let mut inserted = Err(StoreError::Conflict("setup_claim".into()));
        if self.is_setup_needed().await? {
            inserted = self.store.insert_first_admin(new_admin(), now).await;
        }
        if matches!(&inserted, Err(StoreError::Conflict(constraint)) if !constraint.contains("email"))
        {
            inserted = self.store.insert_admin(new_admin(), actor, now).await;
        }
        match inserted {
            Ok(admin) => {
                self.setup_done.store(true, Ordering::Relaxed);
                tracing::info!(admin_id = admin.id, "administrator added");
                Ok(CurrentAdmin {
                    id: admin.id,
                    email: admin.email,
                })
            }
            Err(StoreError::Conflict(_)) => Err(AppError::invalid(
                "email",
                "an administrator with this e-mail address exists",
            )),
            Err(error) => Err(internal(error)),
        }
    }

    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError> {
        let email = EmailAddress::parse("email", email)?;
        if password.is_empty() {
            return Err(AppError::invalid("password", "is required"));
        }
        let account = email.key();
        if let Err(wait) = self.throttle.check(&account, client, Instant::now()) {
            return Err(AppError::invalid(
                "password",
                &format!(
                    "too many failed attempts; try again in {} seconds",
                    wait.as_secs().max(1)
                ),
            ));
        }
        let admin = self
            .store
            .find_admin_by_email_key(&account)
            .await
            .map_err(internal)?;
        let stored_hash = admin.as_ref().map(|admin| admin.password_hash.clone());
        let verified = verify_password(password.to_string(), stored_hash)
            .await
            .map_err(password_failure)?;
        match admin {
            Some(admin) if verified => {
                self.throttle.record_success(&account);
                let token = new_token();
                let now = now_millis();
                let started = self
                    .store
                    .insert_session_if_password(
                        &hash_token(&token),
                        (admin.id, &admin.password_hash),
                        now,
                        now + SESSION_ABSOLUTE_MS,
                    )
                    .await
                    .map_err(internal)?;
                if !started {
                    // The password changed since it was checked.
                    return Err(AppError::invalid("password", WRONG_CREDENTIALS));
                }
                tracing::info!(admin_id = admin.id, "administrator signed in");
                Ok(self.session_cookie(token, false))
            }
            _ => {
                self.throttle
                    .record_failure(&account, client, Instant::now());
                tracing::warn!("failed sign-in attempt");
                Err(AppError::invalid("password", WRONG_CREDENTIALS))
            }
        }
    }

    pub async fn sign_out(&self, session_token: Option<&str>) -> Result<SetCookie, AppError> {
        if let Some(token) = session_token {
            self.store
                .delete_session(&hash_token(token))
                .await
                .map_err(internal)?;
        }
        Ok(self.session_cookie(String::new(), true))
    }

    pub async fn admin_of_session(
        &self,
        session_token: &str,
    ) -> Result<Option<CurrentAdmin>, AppError> {
        let token_hash = hash_token(session_token);
        let Some(session) = self
            .store
            .find_session(&token_hash)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let now = now_millis();
        if session.expires_at <= now || session.last_seen_at + SESSION_IDLE_MS <= now {
            self.store
                .delete_session(&token_hash)
                .await
                .map_err(internal)?;
            return Ok(None);
        }
        if now - session.last_seen_at >= SESSION_TOUCH_MS {
            self.store
                .touch_session(&token_hash, now)
                .await
                .map_err(internal)?;
        }
        Ok(Some(CurrentAdmin {
            id: session.admin_id,
            email: session.email,
        }))
    }

    /// Deletes sessions that can no longer be used; run periodically.
    pub async fn sweep_sessions(&self) -> Result<u64, StoreError> {
        let now = now_millis();
        self.store
            .delete_expired_sessions(now, now - SESSION_IDLE_MS)
            .await
    }

    async fn start_session(&self, admin_id: i64) -> Result<SetCookie, AppError> {
        let token = new_token();
        let now = now_millis();
        self.store
            .insert_session(
                &hash_token(&token),
                admin_id,
                now,
                now + SESSION_ABSOLUTE_MS,
            )
            .await
            .map_err(internal)?;
        Ok(self.session_cookie(token, false))
    }

    /// The session cookie; `clear` makes the browser drop it.
    fn session_cookie(&self, token: String, clear: bool) -> SetCookie {
        let mut cookie = Cookie::build((SESSION_COOKIE, token))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.config.secure_cookies);
        cookie = if clear {
            cookie.max_age(cookie::time::Duration::ZERO)
        } else {
            cookie.max_age(cookie::time::Duration::milliseconds(SESSION_ABSOLUTE_MS))
        };
        SetCookie(cookie.build().to_string())
    }
}

fn setup_already_done() -> AppError {
    AppError::Conflict(
        "setup is already done: an administrator exists, so sign in instead".to_string(),
    )
}
