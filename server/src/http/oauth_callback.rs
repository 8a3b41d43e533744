//! `GET /oauth/callback/{connection}`: where providers send the browser back. A customer's
//! consent from a consent link is bound to the consent cookie its browser holds; an admin's
//! Connect to the admin's session. Each state is checked against the binding it was made with.

use app::domain::admin::CurrentAdmin;
use app::ssr::SessionToken;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::consent::{consent_cookie_name, outcome_page};
use super::guard::cookie_value;
use crate::services::{CallbackOutcome, CallbackQuery};
use crate::startup::AppState;

const SIGN_IN_FIRST: &str =
    "This authorization belongs to a sign-in session this browser does not \
     have. Nothing was changed. Sign in to Bifrost, then start again with Connect.";

pub async fn oauth_callback(
    State(state): State<AppState>,
    admin: Option<Extension<CurrentAdmin>>,
    session: Option<Extension<SessionToken>>,
    headers: HeaderMap,
    Path(connection): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let secure = state.services.config().secure_cookies;
    if let Some(browser_secret) = cookie_value(&headers, consent_cookie_name(secure)) {
        match state
            .services
            .complete_consent(&browser_secret, &connection, &query)
            .await
        {
            Ok(Some(outcome)) => return outcome_page(&outcome, secure),
            Ok(None) => {}
            Err(error) => return refused_page(500, &format!("Connecting failed: {error}.")),
        }
    }
    let (Some(Extension(admin)), Some(Extension(session))) = (admin, session) else {
        return refused_page(401, SIGN_IN_FIRST);
    };
    match state
        .services
        .complete_authorization(&admin, &session.0, &connection, &query)
        .await
    {
        Ok(CallbackOutcome::Return(path)) => Redirect::to(&path).into_response(),
        Ok(CallbackOutcome::Refused { status, message }) => refused_page(status, message),
        Err(error) => refused_page(
            500,
            &format!("Connecting failed: {error}. Nothing was changed."),
        ),
    }
}

/// A small page of its own: the callback may have no integration page to return to.
fn refused_page(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connecting failed · Bifrost</title>\
         <link rel=\"stylesheet\" href=\"/pkg/bifrost.css\"><link rel=\"icon\" href=\"/favicon.svg\"></head><body><main class=\"page narrow\">\
         <h1>Connecting failed</h1><p role=\"alert\">{}</p>\
         <p><a href=\"/settings/integrations\">Back to Integrations</a></p></main></body></html>",
        escape_html(message)
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Text safe inside HTML elements and double-quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
