//! `/consent/{secret}`: the page a consent link opens, for a customer's administrator with no
//! account here, and its Continue button; and the page the OAuth callback ends a consent on.
//! Plain server-rendered HTML without script. The page's form may post only here, and the
//! redirect that follows only to the provider's origin; nothing is cached, and no Referer
//! carries the link's secret to the provider.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::oauth_callback::escape_html;
use crate::auth::session_token::new_token;
use crate::oauth::consent_flow::{ConsentOutcome, ConsentPage, ConsentRefusal};
use crate::startup::AppState;

/// The cookie that binds a consent's state to the browser that started it.
const CONSENT_COOKIE: &str = "bifrost_consent";
const SECURE_CONSENT_COOKIE: &str = "__Secure-bifrost_consent";
/// The cookie goes only to the callback, for as long as a state lives.
const COOKIE_SCOPE: &str = "Path=/oauth/callback; Max-Age=600; HttpOnly; SameSite=Lax";

pub fn consent_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_CONSENT_COOKIE
    } else {
        CONSENT_COOKIE
    }
}

/// The cookie that ends the binding once the callback has used it.
pub fn cleared_consent_cookie(secure: bool) -> String {
    let name = consent_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

pub async fn consent_page(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    match state.services.consent_page(&secret).await {
        Ok(page) => ask_page(&page),
        Err(refusal) => refusal_page(refusal),
    }
}

pub async fn continue_consent(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Response {
    let browser_secret = new_token();
    match state.services.start_consent(&secret, &browser_secret).await {
        Ok(provider_url) => {
            let secure = state.services.config().secure_cookies;
            let name = consent_cookie_name(secure);
            let flag = if secure { "; Secure" } else { "" };
            let cookie = format!("{name}={browser_secret}; {COOKIE_SCOPE}{flag}");
            let mut response = (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, provider_url),
                    (header::SET_COOKIE, cookie),
                ],
            )
                .into_response();
            no_store(&mut response);
            response
        }
        Err(refusal) => refusal_page(refusal),
    }
}

/// The page a consent ends on, after the provider sent the browser back.
pub fn outcome_page(outcome: &ConsentOutcome, secure_cookies: bool) -> Response {
    let mut response = match outcome {
        ConsentOutcome::Connected {
            msp_name,
            integration_name,
            organization_name,
        } => page(
            StatusCode::OK,
            "Connected",
            &format!(
                "<p role=\"status\">Connected. {} can now use {} for {}. You can close this window.</p>",
                escape_html(msp_name),
                escape_html(integration_name),
                escape_html(organization_name)
            ),
            None,
        ),
        ConsentOutcome::Failed(message) => page(
            StatusCode::BAD_REQUEST,
            "Not connected",
            &format!("<p role=\"alert\">{}</p>", escape_html(message)),
            None,
        ),
    };
    if let Ok(cookie) = HeaderValue::from_str(&cleared_consent_cookie(secure_cookies)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn ask_page(page_data: &ConsentPage) -> Response {
    let scopes: String = page_data
        .scopes
        .iter()
        .map(|scope| format!("<li><code>{}</code></li>", escape_html(scope)))
        .collect();
    let scopes = if scopes.is_empty() {
        "<p>No particular permissions are listed; the provider will show what it grants.</p>"
            .to_string()
    } else {
        format!("<p>The permissions asked for:</p><ul class=\"scopes\">{scopes}</ul>")
    };
    let body = format!(
        "<p>{msp} asks you to connect <strong>{integration}</strong> for <strong>{organization}</strong>.</p>\
         <p>You will sign in at <strong>{host}</strong> and choose whether to grant access. \
         You need no account here; the link works once.</p>{scopes}\
         <form method=\"post\"><button type=\"submit\" class=\"button\">Continue to {host}</button></form>",
        msp = escape_html(&page_data.msp_name),
        integration = escape_html(&page_data.integration_name),
        organization = escape_html(&page_data.organization_name),
        host = escape_html(&page_data.provider_host),
    );
    // The form posts here, and the redirect that answers it goes to the provider: both are
    // form targets to the browser.
    let policy = format!(
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self' {}; frame-ancestors 'none'",
        page_data.provider_origin
    );
    page(StatusCode::OK, "Connect your account", &body, Some(policy))
}

fn refusal_page(refusal: ConsentRefusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = format!("<p role=\"alert\">{}</p>", escape_html(refusal.message()));
    page(status, "This link cannot be used", &body, None)
}

fn page(status: StatusCode, title: &str, body: &str, policy: Option<String>) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Bifrost</title><link rel=\"stylesheet\" href=\"/pkg/bifrost.css\">\
         <link rel=\"icon\" href=\"/favicon.svg\"></head><body><main class=\"auth-main\">\
         <div class=\"auth-card consent\"><h1>{title}</h1>{body}</div></main></body></html>",
        title = escape_html(title)
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    if let Some(policy) = policy.and_then(|policy| HeaderValue::from_str(&policy).ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    no_store(&mut response);
    response
}

/// The link's secret is in the address: no cache keeps the page.
fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
