//! `GET /oauth/callback/{connection}`: where providers send the admin's browser back. The guard
//! has already required a signed-in session; the services check the state against it.

use app::domain::admin::CurrentAdmin;
use app::ssr::SessionToken;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use crate::services::{CallbackOutcome, CallbackQuery};
use crate::startup::AppState;

pub async fn oauth_callback(
    State(state): State<AppState>,
    Extension(admin): Extension<CurrentAdmin>,
    Extension(session): Extension<SessionToken>,
    Path(connection): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
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
