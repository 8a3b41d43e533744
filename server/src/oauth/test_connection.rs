//! Test Connection: a GET of the integration's `base_url` + a path with the scope's token,
//! through the outbound rules, answered with the status, the time and an excerpt of the body
//! in which the token and the scope's secret values are blanked.

use app::domain::ids::OrganizationId;
use std::time::Instant;

use app::domain::integration::FieldType;
use app::domain::oauth::ConnectionTestResult;
use app::error::AppError;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::api_call::{ApiAuth, ApiCallError};
use super::tokens::FreshToken;
use super::url_template::{UrlTemplate, ENTITY_ID};
use crate::services::configuration::MergedConfig;
use crate::services::ServerServices;
use crate::store::integrations::FieldRow;

/// How much of a Test Connection answer is shown.
const BODY_EXCERPT_CHARS: usize = 2000;
const MAX_TEST_PATH_CHARS: usize = 500;

/// `base_url` with its placeholders filled for the scope: `{entity_id}`, and any string field
/// from the merged config (a host per customer, say). A secret never goes into a URL.
pub(crate) fn filled_base_url(
    base_url: &str,
    merged: &MergedConfig,
    fields: &[FieldRow],
) -> Result<String, AppError> {
    let refused = |why: &str| AppError::invalid("path", &format!("base_url: {why}"));
    let template = UrlTemplate::parse(base_url).map_err(|error| refused(&error.to_string()))?;
    for key in template.placeholders() {
        if let Some(why) = super::url_values::unfit_url_field(key, fields) {
            return Err(refused(&why));
        }
    }
    template
        .fill(|key| match key {
            ENTITY_ID => Some(merged.entity_id.clone()),
            _ => merged.config.get(key)?.as_str().map(str::to_string),
        })
        .map_err(|error| refused(&error.to_string()))
}

/// `base_url` (filled for the scope) + `path`, checked, and the scope's secret values to blank
/// in anything shown. Errors name the `path` field.
pub(crate) fn scope_url(
    merged: &MergedConfig,
    fields: &[FieldRow],
    path: &str,
) -> Result<(String, Vec<String>), AppError> {
    let is_secret = |key: &str| {
        fields
            .iter()
            .any(|field| field.field_key == key && field.field_type == FieldType::Secret.as_str())
    };
    if is_secret("base_url") {
        return Err(AppError::invalid(
            "path",
            "cannot use base_url: it is a secret field, and a secret is never sent as a URL or shown in one; make base_url a string field",
        ));
    }
    let secrets: Vec<String> = merged
        .config
        .iter()
        .filter(|(key, _)| is_secret(key))
        .filter_map(|(_, value)| value.as_str().filter(|text| !text.is_empty()))
        .map(str::to_string)
        .collect();
    let Some(Value::String(base_url)) = merged.config.get("base_url") else {
        return Err(AppError::invalid(
            "path",
            "needs a base_url value: add a base_url field and set it on the Configuration tab",
        ));
    };
    let base_url = filled_base_url(base_url, merged, fields)?;
    let url = format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    match url::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok((url, secrets)),
        _ => Err(AppError::invalid(
            "path",
            "base_url and the path do not make an http(s) URL",
        )),
    }
}

/// Enough of a Test Connection answer for the excerpt.
const TEST_BODY_CAP: usize = 64 * 1024;

/// At most `cap` bytes of a response body, bounded whatever the API sends; and whether the body
/// went on past the cap.
pub(crate) async fn read_capped(mut response: reqwest::Response, cap: usize) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() > cap {
            body.truncate(cap);
            return (body, true);
        }
    }
    (body, false)
}

impl ServerServices {
    /// `base_url` + `path`, checked, with the scope's secret values (to blank in what is shown).
    pub(crate) async fn test_url(
        &self,
        integration_name: &str,
        organization_id: Option<OrganizationId>,
        path: &str,
    ) -> Result<(String, Vec<String>), AppError> {
        let path = path.trim();
        if path.chars().count() > MAX_TEST_PATH_CHARS || path.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "path",
                &format!("must be at most {MAX_TEST_PATH_CHARS} characters on one line"),
            ));
        }
        if path.contains("://") {
            return Err(AppError::invalid(
                "path",
                "is a path under base_url, such as /api/customers",
            ));
        }
        let merged = self
            .merged_config(integration_name, organization_id)
            .await?;
        let fields = self.fields_of(merged.integration.id).await?;
        scope_url(&merged, &fields, path)
    }

    /// Calls the URL and reports what came back, the token and `secrets` blanked.
    pub(crate) async fn call_test_url(
        &self,
        url: String,
        token: Option<FreshToken>,
        secrets: &[String],
    ) -> Result<ConnectionTestResult, AppError> {
        let started = Instant::now();
        let response = self
            .oauth
            .get(
                &url,
                token
                    .as_ref()
                    .map_or(ApiAuth::None, |token| ApiAuth::Bearer(&token.access_token)),
            )
            .await
            .map_err(|error| match error {
                ApiCallError::Refused(refused) => AppError::Conflict(refused.to_string()),
                other => AppError::Conflict(format!("{url} {other}")),
            })?;
        let status = response.status().as_u16();
        let (body, _) = read_capped(response, TEST_BODY_CAP).await;
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut body = String::from_utf8_lossy(&body).into_owned();
        // Blank the token and the secret values before cutting, so no part survives the cut.
        if let Some(token) = &token {
            let secret = token.access_token.expose_secret();
            if !secret.is_empty() {
                body = body.replace(secret, "[access token]");
            }
        }
        for secret in secrets {
            body = body.replace(secret.as_str(), "[secret]");
        }
        let excerpt: String = body.chars().take(BODY_EXCERPT_CHARS).collect();
        Ok(ConnectionTestResult {
            url,
            status,
            millis,
            body_excerpt: excerpt,
        })
    }
}
