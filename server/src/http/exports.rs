//! Downloads: an integration's mappings as CSV and its definition as JSON. The guard lets only
//! signed-in administrators reach them.

use app::domain::admin::CurrentAdmin;
use app::error::AppError;
use app::ssr::TransferServices;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::startup::AppState;

/// `GET /settings/integrations/{name}/mappings.csv`
pub async fn mappings_csv(
    State(state): State<AppState>,
    Extension(_admin): Extension<CurrentAdmin>,
    Path(name): Path<String>,
) -> Response {
    let outcome = state.services.mappings_csv(&name).await;
    download(
        outcome,
        "text/csv; charset=utf-8",
        &format!("{name}-mappings.csv"),
    )
}

/// `GET /settings/integrations/{name}/definition.json`
pub async fn definition_json(
    State(state): State<AppState>,
    Extension(_admin): Extension<CurrentAdmin>,
    Path(name): Path<String>,
) -> Response {
    let outcome = state.services.definition_json(&name).await;
    download(outcome, "application/json", &format!("{name}.json"))
}

fn download(outcome: Result<String, AppError>, content_type: &str, file_name: &str) -> Response {
    match outcome {
        Ok(body) => {
            // Only the characters integration names may hold, whatever the address said.
            let file_name: String = file_name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            let disposition = format!("attachment; filename=\"{file_name}\"");
            (
                [
                    (header::CONTENT_TYPE, content_type.to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(AppError::NotFound(what)) => {
            (StatusCode::NOT_FOUND, format!("{what} was not found")).into_response()
        }
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
