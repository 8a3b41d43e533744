//! Administrators: e-mail addresses, password rules and the views of an admin sent to the browser.

use crate::domain::ids::AdminId;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Shortest password accepted (OWASP ASVS 2.1.1 asks for at least 12 characters).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted; Argon2 would take anything, but megabyte bodies are an attack.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// The rule above, as a form shows it.
pub const PASSWORD_HINT: &str = "At least 12 characters.";

/// An e-mail address, trimmed; compared case-insensitively through `key()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(field: &str, raw: &str) -> Result<EmailAddress, AppError> {
        let email = raw.trim();
        let invalid = |message: &str| AppError::invalid(field, message);
        if email.is_empty() {
            return Err(invalid("is required"));
        }
        if email.chars().count() > 254 {
            return Err(invalid("must be at most 254 characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid(
                "must be an e-mail address such as admin@example.com",
            ));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        if local.is_empty()
            || !domain_ok
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(
                "must be an e-mail address such as admin@example.com",
            ));
        }
        Ok(EmailAddress(email.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-up.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Checks a new password and its confirmation; the errors name the form fields.
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            &format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            &format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password != confirmation {
        return Err(AppError::invalid(
            "confirm_password",
            "does not match the password",
        ));
    }
    Ok(())
}

/// The signed-in administrator, as server functions and pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentAdmin {
    pub id: AdminId,
    pub email: String,
}

/// An administrator in the list of administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub id: AdminId,
    pub email: String,
    pub created_at: i64,
    /// The signed-in administrator's own account.
    pub is_self: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_keyed_in_lower_case() {
        let email = EmailAddress::parse("email", "  Admin@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "Admin@Example.COM");
        assert_eq!(email.key(), "admin@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_naming_the_field() {
        for raw in [
            "",
            "admin",
            "@example.com",
            "admin@localhost",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            let error = EmailAddress::parse("email", raw).expect_err(raw);
            assert!(
                matches!(&error, AppError::Invalid { field, .. } if field == "email"),
                "{raw}: {error:?}"
            );
        }
    }

    #[test]
    fn short_long_and_mismatched_passwords_are_refused() {
        assert!(check_new_password("short", "short").is_err());
        let long = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert!(check_new_password(&long, &long).is_err());
        let mismatch = check_new_password("correct horse battery", "correct horse battery!");
        assert!(
            matches!(mismatch, Err(AppError::Invalid { field, .. }) if field == "confirm_password")
        );
        assert!(check_new_password("correct horse battery", "correct horse battery").is_ok());
    }
}

/// What the first-run setup form sends.
#[derive(Debug, Clone, Copy)]
pub struct FirstAdminForm<'a> {
    /// The code the server printed when it started.
    pub setup_code: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub confirm: &'a str,
}

/// The password given again with an action that reaches every customer, and the session it
/// was given in: such actions ask for it when it was last given long ago.
#[derive(Debug, Clone, Copy)]
pub struct PasswordProof<'a> {
    pub session_token: &'a str,
    /// Empty when the form did not ask for it.
    pub password: &'a str,
}

/// How long after the password was last given an action that reaches every customer asks for it
/// again, in minutes.
pub const PASSWORD_AGAIN_AFTER_MINUTES: i64 = 10;

/// An administrator's two-factor sign-in, for their account section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// The operator requires every administrator to use it (`BIFROST_REQUIRE_2FA`).
    pub required: bool,
}

/// A new TOTP secret waiting for its confirming code: shown this once, to its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorEnrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    pub otpauth_url: String,
    /// The same URL as a QR code (SVG markup made by the server).
    pub qr_svg: String,
}

/// The cookie of a sign-in waiting for its second factor.
pub const SIGN_IN_CHALLENGE_COOKIE: &str = "bifrost_sign_in";
