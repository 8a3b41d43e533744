//! Facts about the current request that the server's guard middleware stores in its extensions,
//! and helpers for server functions to read them and to answer with headers.

use http::header::{HeaderValue, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::SetCookie;
use crate::domain::admin::CurrentAdmin;
use crate::error::AppError;

/// The session cookie's token, when the request carried a live one.
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

/// The client's address, for login throttling.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The signed-in administrator; every server function but login, logout and setup starts here.
pub fn require_admin() -> Result<CurrentAdmin, AppError> {
    parts()
        .and_then(|parts| parts.extensions.get::<CurrentAdmin>().cloned())
        .ok_or(AppError::Unauthorized)
}

pub fn current_admin() -> Option<CurrentAdmin> {
    parts().and_then(|parts| parts.extensions.get::<CurrentAdmin>().cloned())
}

pub fn session_token() -> Option<String> {
    parts().and_then(|parts| {
        parts
            .extensions
            .get::<SessionToken>()
            .map(|token| token.0.clone())
    })
}

/// This request's session and the password its form gave again (empty when it gave none), for
/// the actions that may ask for it.
pub struct PasswordAgain {
    session_token: String,
    password: String,
}

impl PasswordAgain {
    pub fn proof(&self) -> crate::domain::admin::PasswordProof<'_> {
        crate::domain::admin::PasswordProof {
            session_token: &self.session_token,
            password: &self.password,
        }
    }
}

pub fn password_again(current_password: Option<String>) -> Result<PasswordAgain, AppError> {
    Ok(PasswordAgain {
        session_token: session_token().ok_or(AppError::Unauthorized)?,
        password: current_password.unwrap_or_default(),
    })
}

/// A cookie the browser sent with this request.
pub fn request_cookie(name: &str) -> Option<String> {
    parts().and_then(|parts| {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
            .filter(|value| !value.is_empty())
    })
}

pub fn client_address() -> Option<String> {
    parts().and_then(|parts| {
        parts
            .extensions
            .get::<ClientAddress>()
            .map(|address| address.0.clone())
    })
}

pub fn set_cookie(cookie: SetCookie) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    let value = HeaderValue::from_str(&cookie.0).map_err(|_| AppError::Internal)?;
    response.append_header(SET_COOKIE, value);
    Ok(())
}

/// Gives an error answer the HTTP status that says what went wrong (server functions answer 500
/// for every error otherwise, and logs would count a typo in a form as a server failure).
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        // A form posted without scripts goes back to its page with the error in the address
        // (Leptos' form redirects); an error status would replace that redirect.
        if let (Some(response), false) = (use_context::<ResponseOptions>(), is_html_form_post()) {
            response.set_status(status_of(error));
            if let AppError::Busy(seconds) = error {
                response.insert_header(http::header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
        }
    }
    result
}

/// Whether the browser posted a form itself (it accepts HTML), rather than the app calling.
fn is_html_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|parts| {
            let accept = parts.headers.get(http::header::ACCEPT)?.to_str().ok()?;
            Some(accept.contains("text/html"))
        })
        .unwrap_or(false)
}

fn status_of(error: &AppError) -> http::StatusCode {
    use http::StatusCode;
    match error {
        AppError::Invalid { .. } | AppError::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Conflict(_) | AppError::NeedsConfirmation(_) => StatusCode::CONFLICT,
        AppError::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The body of a server function for signed-in administrators: checks the session, hands the
/// services and the administrator to `call`, and gives an error its HTTP status.
pub async fn as_admin<T, F, Fut>(call: F) -> Result<T, AppError>
where
    F: FnOnce(super::SharedServices, CurrentAdmin) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let outcome = async {
        let admin = require_admin()?;
        call(super::services()?, admin).await
    };
    with_status(outcome.await)
}
