//! Sessions: the cookie that carries one, how long one lives (idle and in all), starting one
//! and sweeping the ended ones.

use app::domain::ids::AdminId;
use app::error::AppError;
use app::ssr::SetCookie;
use cookie::{Cookie, SameSite};

use super::{internal, ServerServices};
use crate::auth::session_token::{hash_token, new_token};
use crate::store::StoreError;
use crate::time::now_millis;

pub const SESSION_COOKIE: &str = "bifrost_session";
/// Over https the cookie is `__Host-` prefixed: the browser then takes it only with `Secure`,
/// `Path=/` and no `Domain`, so no other host (a sibling subdomain) can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-bifrost_session";

/// The session cookie's name for a server reached over https or not.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// `last_seen_at` is written at most this often, not on every request.
pub(crate) const SESSION_TOUCH_MS: i64 = 60 * 1000;

impl ServerServices {
    /// Deletes sessions that can no longer be used; run periodically.
    pub async fn sweep_sessions(&self) -> Result<u64, StoreError> {
        let now = now_millis();
        self.store
            .delete_expired_sessions(now, now - self.session_idle_ms())
            .await
    }

    pub(crate) async fn start_session(&self, admin_id: AdminId) -> Result<SetCookie, AppError> {
        let token = new_token();
        let now = now_millis();
        self.store
            .insert_session(
                &hash_token(&token),
                admin_id,
                now,
                now + self.session_lifetime_ms(),
            )
            .await
            .map_err(internal)?;
        Ok(self.session_cookie(token, false))
    }

    pub(crate) fn session_idle_ms(&self) -> i64 {
        i64::try_from(self.config.session_idle.as_millis()).unwrap_or(i64::MAX)
    }

    pub(crate) fn session_lifetime_ms(&self) -> i64 {
        i64::try_from(self.config.session_lifetime.as_millis()).unwrap_or(i64::MAX)
    }

    /// The session cookie; `clear` makes the browser drop it.
    pub(crate) fn session_cookie(&self, token: String, clear: bool) -> SetCookie {
        let name = session_cookie_name(self.config.secure_cookies);
        let mut cookie = Cookie::build((name, token))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.config.secure_cookies);
        cookie = if clear {
            cookie.max_age(cookie::time::Duration::ZERO)
        } else {
            cookie.max_age(cookie::time::Duration::milliseconds(
                self.session_lifetime_ms(),
            ))
        };
        SetCookie(cookie.build().to_string())
    }
}
