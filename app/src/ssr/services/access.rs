//! The port of who may come in: sign-in, sessions, administrators, two-factor sign-in and API
//! keys.

use crate::domain::admin::{
    AdminView, CurrentAdmin, FirstAdminForm, PasswordProof, TwoFactorEnrolment, TwoFactorStatus,
};
use crate::domain::api_key::{ApiKeyDraft, ApiKeyView, CreatedApiKey};
use crate::domain::ids::{AdminId, ApiKeyId};
use crate::domain::paging::Paged;
use crate::error::AppError;

/// A `Set-Cookie` header value produced by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie(pub String);

/// What signing in with a right password led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in: the session cookie.
    SignedIn(SetCookie),
    /// The second factor is asked for next: the cookie of the waiting sign-in.
    CodeNeeded(SetCookie),
}

/// Settings > API Keys.
#[async_trait::async_trait]
pub trait ApiKeyServices: Send + Sync {
    /// Newest first.
    async fn api_keys(&self, page: i64) -> Result<Paged<ApiKeyView>, AppError>;
    /// The key is in the answer this once; only its hash is stored.
    /// Creates a key; a provider-wide one asks for the password again when it is not recent.
    async fn create_api_key(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        draft: &ApiKeyDraft,
    ) -> Result<CreatedApiKey, AppError>;
    async fn revoke_api_key(&self, admin: &CurrentAdmin, id: ApiKeyId) -> Result<(), AppError>;
}

/// Signing in and out, and the first-run setup.
#[async_trait::async_trait]
pub trait AuthenticationServices: Send + Sync {
    /// Whether no administrator exists yet, so the first-run setup page applies.
    async fn setup_needed(&self) -> Result<bool, AppError>;
    /// Creates the first administrator and signs them in, for a visitor with the setup code the
    /// server printed; refused once any administrator exists.
    async fn setup_first_admin(
        &self,
        form: FirstAdminForm<'_>,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError>;
    async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<SignInStep, AppError>;
    /// The second step of a sign-in: a code from the authenticator app or a recovery code,
    /// for the waiting sign-in named by `challenge`.
    async fn login_code(
        &self,
        challenge: &str,
        code: &str,
        client: Option<&str>,
    ) -> Result<SetCookie, AppError>;
    /// Ends the session (if any) and returns the cookie that clears it in the browser.
    async fn logout(&self, session_token: Option<&str>) -> Result<SetCookie, AppError>;
    /// The administrator a session token belongs to, if it is live.
    async fn authenticate(&self, session_token: &str) -> Result<Option<CurrentAdmin>, AppError>;
}

/// Settings > Two-factor sign-in, for the signed-in administrator.
#[async_trait::async_trait]
pub trait TwoFactorServices: Send + Sync {
    async fn two_factor_status(&self, admin: &CurrentAdmin) -> Result<TwoFactorStatus, AppError>;
    /// A new secret for the administrator's authenticator app, pending until confirmed; asks
    /// for the password again when it is not recent (a sign-in setting).
    async fn start_two_factor(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
    ) -> Result<TwoFactorEnrolment, AppError>;
    /// Confirms the pending secret with a code from the app; returns ten recovery codes, shown
    /// this once.
    async fn confirm_two_factor(
        &self,
        admin: &CurrentAdmin,
        code: &str,
    ) -> Result<Vec<String>, AppError>;
    /// Turns two-factor sign-in off, with the password and a current code.
    async fn disable_two_factor(
        &self,
        admin: &CurrentAdmin,
        password: &str,
        code: &str,
    ) -> Result<(), AppError>;
}

/// Settings > Administrators and the administrator's own account.
#[async_trait::async_trait]
pub trait AdministratorServices: Send + Sync {
    async fn administrators(&self, admin: &CurrentAdmin) -> Result<Vec<AdminView>, AppError>;
    /// Adds an administrator; asks for the acting one's password again when it is not recent.
    async fn add_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Result<CurrentAdmin, AppError>;
    async fn remove_administrator(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        id: AdminId,
    ) -> Result<(), AppError>;
    async fn change_own_password(
        &self,
        admin: &CurrentAdmin,
        session_token: &str,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError>;
}
