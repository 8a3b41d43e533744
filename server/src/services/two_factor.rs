//! Two-factor sign-in (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps, one step of skew):
//! enrolment by QR code and a confirming code, ten recovery codes shown once and kept hashed,
//! the second step of a sign-in, turning it off with the password and a code, and the CLI's reset.

use app::domain::admin::{
    CurrentAdmin, PasswordProof, TwoFactorEnrolment, TwoFactorStatus, SIGN_IN_CHALLENGE_COOKIE,
};
use app::domain::ids::AdminId;
use app::error::AppError;
use app::ssr::{SetCookie, TwoFactorServices};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use super::auth::typed_code;
use super::{actor_of, internal, ServerServices};
use crate::auth::session_token::{hash_token, new_token};
use crate::store::audit::Actor;
use crate::store::two_factor::{
    totp_identity, TwoFactorRow, TOTP_PENDING_COLUMN, TOTP_SECRET_COLUMN,
};
use crate::time::now_millis;

const STEP_SECONDS: u64 = 30;
const RECOVERY_CODES: usize = 10;
/// How long a sign-in waits for its second factor.
pub const CHALLENGE_MS: i64 = 5 * 60 * 1000;
const ISSUER: &str = "Bifrost Integrations";

fn totp_for(secret_base32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|_| AppError::Internal)?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .map_err(|_| AppError::Internal)
}

/// The time step a code belongs to, among the current one and one on either side; `None` when
/// it is none of theirs.
fn matching_step(totp: &TOTP, code: &str, now_secs: u64) -> Option<i64> {
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    let current = now_secs / STEP_SECONDS;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| {
            let expected = totp.generate(step * STEP_SECONDS);
            Sha256::digest(expected.as_bytes()) == Sha256::digest(code.as_bytes())
        })
        .and_then(|step| i64::try_from(step).ok())
}

fn now_secs() -> u64 {
    u64::try_from(now_millis() / 1000).unwrap_or(0)
}

/// `xxxxx-xxxxx` from an alphabet without look-alikes: about 50 bits each.
fn new_recovery_code() -> String {
    typed_code(b"abcdefghjkmnpqrstuvwxyz23456789", 2, 5)
}

fn recovery_code_hash(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

fn wrong_code() -> AppError {
    AppError::invalid(
        "code",
        "is not a current code of your authenticator app, nor an unused recovery code",
    )
}

/// Settings > Two-factor sign-in, for the signed-in administrator.
#[async_trait::async_trait]
impl TwoFactorServices for ServerServices {
    async fn two_factor_status(&self, admin: &CurrentAdmin) -> Result<TwoFactorStatus, AppError> {
        let row = self.two_factor_row(admin.id).await?;
        Ok(TwoFactorStatus {
            enabled: row.totp_secret.is_some(),
            recovery_codes_left: self
                .store
                .unused_recovery_codes(admin.id)
                .await
                .map_err(internal)?,
            required: self.config.require_two_factor,
        })
    }

    async fn start_two_factor(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
    ) -> Result<TwoFactorEnrolment, AppError> {
        self.confirm_recent_password(admin, proof).await?;
        let mut bytes = [0u8; 20];
        rand::thread_rng().fill_bytes(&mut bytes);
        let secret = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
        let totp = totp_for(&secret, &admin.email)?;
        self.store
            .set_pending_totp(&self.keyring, admin.id, &SecretString::from(secret.clone()))
            .await
            .map_err(internal)?;
        let otpauth_url = totp.get_url();
        let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
            .map_err(|_| AppError::Internal)?
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build();
        Ok(TwoFactorEnrolment {
            secret,
            otpauth_url,
            qr_svg,
        })
    }

    async fn confirm_two_factor(
        &self,
        admin: &CurrentAdmin,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let row = self.two_factor_row(admin.id).await?;
        let sealed = row.totp_pending_secret.ok_or_else(|| {
            AppError::Conflict("start the set-up again: no new secret is waiting".into())
        })?;
        let secret = self
            .keyring
            .decrypt(totp_identity(admin.id, TOTP_PENDING_COLUMN), &sealed)
            .map_err(|error| internal(error.into()))?;
        let totp = totp_for(secret.expose_secret(), &admin.email)?;
        let step = matching_step(&totp, code, now_secs()).ok_or_else(|| {
            AppError::invalid("code", "is not the current code of your authenticator app")
        })?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|code| recovery_code_hash(code)).collect();
        self.store
            .enable_totp(
                &self.keyring,
                (admin.id, step),
                &secret,
                &hashes,
                &actor_of(admin),
                now_millis(),
            )
            .await
            .map_err(internal)?;
        Ok(codes)
    }

    async fn disable_two_factor(
        &self,
        admin: &CurrentAdmin,
        password: &str,
        code: &str,
    ) -> Result<(), AppError> {
        self.check_own_password(admin.id, password, ("password", "two-factor change"))
            .await?;
        self.check_second_factor(admin.id, &admin.email, code, "administrator")
            .await?;
        self.store
            .disable_totp(admin.id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)
    }
}

impl ServerServices {
    async fn two_factor_row(&self, admin_id: AdminId) -> Result<TwoFactorRow, AppError> {
        self.store
            .two_factor(admin_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::Unauthorized)
    }

    /// Whether the operator requires two-factor sign-in and this administrator has none yet.
    pub async fn must_enrol_two_factor(&self, admin_id: AdminId) -> Result<bool, AppError> {
        if !self.config.require_two_factor {
            return Ok(false);
        }
        Ok(self.two_factor_row(admin_id).await?.totp_secret.is_none())
    }

    /// The CLI's reset, for an administrator who lost their device and recovery codes.
    pub async fn reset_two_factor(&self, email_key: &str, actor: &Actor) -> Result<(), AppError> {
        let id = self
            .store
            .admin_id_by_email_key(email_key)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::NotFound("the administrator".into()))?;
        self.store
            .disable_totp(id, actor, now_millis())
            .await
            .map_err(internal)
    }

    /// Starts the wait for the second factor: the cookie that names it.
    pub(crate) async fn challenge(&self, admin_id: AdminId) -> Result<SetCookie, AppError> {
        let token = new_token();
        let now = now_millis();
        self.store
            .insert_sign_in_challenge(&hash_token(&token), admin_id, now + CHALLENGE_MS)
            .await
            .map_err(internal)?;
        let cookie = cookie::Cookie::build((SIGN_IN_CHALLENGE_COOKIE, token))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Strict)
            .secure(self.config.secure_cookies)
            .max_age(cookie::time::Duration::milliseconds(CHALLENGE_MS));
        Ok(SetCookie(cookie.build().to_string()))
    }

    /// A current TOTP code not used before, or an unused recovery code (used up by this).
    pub(crate) async fn check_second_factor(
        &self,
        admin_id: AdminId,
        email: &str,
        code: &str,
        address: &str,
    ) -> Result<(), AppError> {
        let account = format!("second factor {admin_id}");
        self.reserve_attempt(&account, address, ("code", "too many wrong codes"))?;
        let row = self.two_factor_row(admin_id).await?;
        let sealed = row.totp_secret.ok_or_else(wrong_code)?;
        let secret = self
            .keyring
            .decrypt(totp_identity(admin_id, TOTP_SECRET_COLUMN), &sealed)
            .map_err(|error| internal(error.into()))?;
        let totp = totp_for(secret.expose_secret(), email)?;
        let accepted = match matching_step(&totp, code, now_secs()) {
            Some(step) => self
                .store
                .accept_totp_step(admin_id, step)
                .await
                .map_err(internal)?,
            None => self
                .store
                .use_recovery_code(admin_id, &recovery_code_hash(code), now_millis())
                .await
                .map_err(internal)?,
        };
        if !accepted {
            tracing::warn!(
                admin_id = admin_id.get(),
                "a wrong or used second-factor code"
            );
            return Err(wrong_code());
        }
        self.throttle.succeeded(&account, address);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_neighbouring_steps_match_and_others_do_not() {
        let totp = totp_for("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "a@example.com").expect("totp");
        let now = 1_800_000_000;
        let step = i64::try_from(now / STEP_SECONDS).expect("step");
        assert_eq!(matching_step(&totp, &totp.generate(now), now), Some(step));
        assert_eq!(
            matching_step(&totp, &totp.generate(now - 30), now),
            Some(step - 1)
        );
        assert_eq!(matching_step(&totp, &totp.generate(now - 90), now), None);
        assert_eq!(
            matching_step(&totp, "12 34 56x", now).is_some(),
            totp.generate(now) == "123456"
        );
    }

    #[test]
    fn recovery_codes_are_random_and_matched_however_typed() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        assert_ne!(code, new_recovery_code());
        assert_eq!(
            recovery_code_hash(&code),
            recovery_code_hash(&format!(" {} ", code.to_uppercase().replace('-', "")))
        );
    }
}
