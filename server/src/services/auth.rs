//! Accounts and sessions: first-run setup, sign-in with throttling, sign-out, session checks.

use std::sync::atomic::Ordering;

use app::domain::admin::{check_new_password, CurrentAdmin, EmailAddress, FirstAdminForm};
use app::error::AppError;
use app::ssr::{AuthenticationServices, SetCookie, SignInStep};
use secrecy::{ExposeSecret, SecretString};

use super::{internal, ServerServices};
use crate::auth::password::PasswordError;
use crate::auth::session_token::{hash_token, new_token};
use crate::store::admins::{AdminRow, NewAdmin};
use crate::store::audit::Actor;
use crate::store::StoreError;
use crate::time::now_millis;

const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";

/// Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L), in groups of four:
/// about 60 bits, typed by hand from a terminal.
fn new_setup_code() -> SecretString {
    SecretString::from(typed_code(b"ABCDEFGHJKMNPQRSTUVWXYZ23456789", 3, 4))
}

/// A random code typed by hand: `groups` groups of `length` characters of `alphabet`, joined by
/// dashes (the setup code, recovery codes).
pub(crate) fn typed_code(alphabet: &[u8], groups: usize, length: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..groups)
        .map(|_| {
            (0..length)
                .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed: case, spaces and dashes do not matter.
fn normalized_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub(crate) fn password_failure(error: PasswordError) -> AppError {
    if let PasswordError::Busy { retry_after } = error {
        tracing::warn!("password checks are queueing; a request was turned away");
        return AppError::Busy(retry_after.as_secs().max(1));
    }
    tracing::error!(%error, "password hashing failed");
    AppError::Internal
}

#[async_trait::async_trait]
impl AuthenticationServices for ServerServices {
    async fn setup_needed(&self) -> Result<bool, AppError> {
        if self.setup_done.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let admins = self.store.count_admins().await.map_err(internal)?;
        if admins > 0 {
            self.setup_done.store(true, Ordering::Relaxed);
        }
        Ok(admins == 0)
    }

    /// Creates the first administrator for a visitor who has the setup code.
    async fn setup_first_admin(
        &self,
        form: FirstAdminForm<'_>,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError> {
        let email = EmailAddress::parse("email", form.email)?;
        check_new_password(form.password, form.confirm)?;
        if !self.setup_needed().await? {
            return Err(setup_already_done());
        }
        self.check_setup_code(form.setup_code, client.unwrap_or("unknown"))
            .await?;
        let password_hash = self
            .hashing
            .hash(form.password.to_string())
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
        tracing::info!(admin_id = admin.id.get(), "first administrator created");
        self.start_session(admin.id).await
    }

    async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<SignInStep, AppError> {
        let email = EmailAddress::parse("email", email)?;
        if password.is_empty() {
            return Err(AppError::invalid("password", "is required"));
        }
        let account = email.key();
        // Without a known address (no socket: tests, a future transport) one shared key.
        let address = client.unwrap_or("unknown");
        self.reserve_attempt(&account, address, ("password", "too many failed attempts"))?;
        let admin = self
            .store
            .find_admin_by_email_key(&account)
            .await
            .map_err(internal)?;
        let stored_hash = admin.as_ref().map(|admin| admin.password_hash.clone());
        let verified = self
            .hashing
            .verify(password.to_string(), stored_hash)
            .await
            .map_err(password_failure)?;
        match admin {
            Some(admin) if verified => {
                self.throttle.succeeded(&account, address);
                self.open_session_after_password(&admin).await
            }
            _ => {
                tracing::warn!("failed sign-in attempt");
                Err(AppError::invalid("password", WRONG_CREDENTIALS))
            }
        }
    }

    /// The second step: a code for the waiting sign-in, throttled like passwords.
    async fn login_code(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError> {
        let token_hash = hash_token(challenge);
        let now = now_millis();
        let admin_id = self
            .store
            .sign_in_challenge(&token_hash, now)
            .await
            .map_err(internal)?
            .ok_or_else(|| {
                AppError::Conflict(
                    "this sign-in waited too long for its code; sign in again".into(),
                )
            })?;
        let email = self
            .store
            .find_admin(admin_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::Unauthorized)?
            .email;
        self.check_second_factor(admin_id, &email, code, client.unwrap_or("unknown"))
            .await?;
        self.store
            .delete_sign_in_challenge(&token_hash, now)
            .await
            .map_err(internal)?;
        tracing::info!(
            admin_id = admin_id.get(),
            "administrator signed in with a second factor"
        );
        self.start_session(admin_id).await
    }

    async fn logout(&self, session_token: Option<&str>) -> Result<SetCookie, AppError> {
        if let Some(token) = session_token {
            self.store
                .delete_session(&hash_token(token))
                .await
                .map_err(internal)?;
        }
        Ok(self.session_cookie(String::new(), true))
    }

    async fn authenticate(&self, session_token: &str) -> Result<Option<CurrentAdmin>, AppError> {
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
        if session.expires_at <= now || session.last_seen_at + self.session_idle_ms() <= now {
            self.store
                .delete_session(&token_hash)
                .await
                .map_err(internal)?;
            return Ok(None);
        }
        if now - session.last_seen_at >= super::sessions::SESSION_TOUCH_MS {
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
}

impl ServerServices {
    /// After the right password: the second factor is asked for when the administrator has
    /// one; otherwise the session starts, unless the password changed since it was checked.
    async fn open_session_after_password(&self, admin: &AdminRow) -> Result<SignInStep, AppError> {
        if self
            .store
            .two_factor(admin.id)
            .await
            .map_err(internal)?
            .is_some_and(|row| row.totp_secret.is_some())
        {
            return Ok(SignInStep::CodeNeeded(self.challenge(admin.id).await?));
        }
        let token = new_token();
        let now = now_millis();
        let started = self
            .store
            .insert_session_if_password(
                &hash_token(&token),
                (admin.id, &admin.password_hash),
                now,
                now + self.session_lifetime_ms(),
            )
            .await
            .map_err(internal)?;
        if !started {
            return Err(AppError::invalid("password", WRONG_CREDENTIALS));
        }
        tracing::info!(admin_id = admin.id.get(), "administrator signed in");
        Ok(SignInStep::SignedIn(self.session_cookie(token, false)))
    }

    /// The first-run setup code while no administrator exists (created on first asking).
    pub async fn first_run_setup_code(&self) -> Result<Option<SecretString>, StoreError> {
        self.store
            .setup_code(&self.keyring, &new_setup_code(), now_millis())
            .await
    }

    /// The code must match; guesses are throttled like passwords (per address).
    async fn check_setup_code(&self, code: &str, address: &str) -> Result<(), AppError> {
        if code.trim().is_empty() {
            return Err(AppError::invalid(
                "setup_code",
                "is required: the server printed it when it started (`bifrost setup-code` prints it again)",
            ));
        }
        self.reserve_attempt(
            "first-run setup",
            address,
            ("setup_code", "too many wrong codes"),
        )?;
        let expected = self.first_run_setup_code().await.map_err(internal)?;
        let matches = expected.is_some_and(|expected| {
            use sha2::{Digest, Sha256};
            // Compared as digests, so the time taken does not tell how much of a guess was right.
            Sha256::digest(normalized_code(expected.expose_secret()))
                == Sha256::digest(normalized_code(code))
        });
        if !matches {
            tracing::warn!("a wrong first-run setup code was entered");
            return Err(AppError::invalid(
                "setup_code",
                "is not the code the server printed when it started (`bifrost setup-code` prints it again)",
            ));
        }
        self.throttle.succeeded("first-run setup", address);
        Ok(())
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
        let password_hash = self
            .hashing
            .hash(password.to_string())
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
        if self.setup_needed().await? {
            inserted = self.store.insert_first_admin(new_admin(), now).await;
        }
        if matches!(&inserted, Err(StoreError::Conflict(constraint)) if !constraint.contains("email"))
        {
            inserted = self.store.insert_admin(new_admin(), actor, now).await;
        }
        match inserted {
            Ok(admin) => {
                self.setup_done.store(true, Ordering::Relaxed);
                tracing::info!(admin_id = admin.id.get(), "administrator added");
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
}

fn setup_already_done() -> AppError {
    AppError::Conflict(
        "setup is already done: an administrator exists, so sign in instead".to_string(),
    )
}
