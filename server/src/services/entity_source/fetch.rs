//! Fetching an entity source: `base_url` (filled for the global scope) + the path, with the
//! shared token or a config field as a header, page after page through the outbound rules. A
//! failure says which page and what the API answered, with the token and secrets blanked.

use app::domain::integration::{EntityList, EntityView};
use app::error::AppError;
use reqwest::header::{HeaderName, LINK};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::pages::{Entity, PageAnswer};
use crate::oauth::api_call::{ApiAuth, ApiCallError};
use crate::oauth::test_connection::{read_capped, scope_url};
use crate::services::configuration::MergedConfig;
use crate::services::ServerServices;
use crate::store::entity_sources::EntitySourceRow;
use crate::store::integrations::IntegrationRow;
use crate::time::now_millis;

/// The most of one page read: a page of a few hundred entities is far below it.
const PAGE_CAP: usize = 4 * 1024 * 1024;
/// The most entities a list may hold: bounds what one source can make the server keep.
const MAX_ENTITIES: usize = 100_000;
/// How much of a failed answer an error shows.
const EXCERPT_CHARS: usize = 300;

/// The credential a fetch sends, and the values to blank in anything shown.
struct Credential {
    header: Option<(HeaderName, SecretString)>,
    bearer: Option<SecretString>,
    blanks: Vec<String>,
}

impl Credential {
    fn auth(&self) -> ApiAuth<'_> {
        match (&self.header, &self.bearer) {
            (Some((name, value)), _) => ApiAuth::Header(name, value),
            (None, Some(token)) => ApiAuth::Bearer(token),
            (None, None) => ApiAuth::None,
        }
    }

    fn blanked(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.blanks {
            text = text.replace(secret.as_str(), "[secret]");
        }
        text.chars().take(EXCERPT_CHARS).collect()
    }
}

fn fetch_failed(message: String) -> AppError {
    AppError::Conflict(message)
}

impl ServerServices {
    /// The entities on up to `page_limit` pages; `truncated` when more pages remained.
    pub(super) async fn fetch_entity_pages(
        &self,
        integration: &IntegrationRow,
        source: &EntitySourceRow,
        page_limit: i64,
    ) -> Result<EntityList, AppError> {
        let (first, credential) = self.entity_request(integration, source).await?;
        let (paging, shape) = (source.paging(), source.shape());
        let mut url = paging.first_page(&first);
        let mut page_number = u32::try_from(source.first_page).unwrap_or(1);
        let mut entities: Vec<Entity> = Vec::new();
        let mut pages: u32 = 0;
        let truncated = loop {
            pages += 1;
            let (body, link) = self.entity_page(&url, &credential, pages).await?;
            let found = shape.entities_of(&body).map_err(|error| {
                fetch_failed(format!(
                    "page {pages}: {}",
                    credential.blanked(&error.to_string())
                ))
            })?;
            let answer = PageAnswer {
                url: &url,
                body: &body,
                link_header: link.as_deref(),
                entities: found.len(),
                page_number,
            };
            let next = paging
                .next_page(&answer)
                .map_err(|error| fetch_failed(format!("page {pages}: {error}")))?;
            entities.extend(found);
            if entities.len() > MAX_ENTITIES {
                return Err(fetch_failed(format!(
                    "the list holds more than {MAX_ENTITIES} entities by page {pages}: narrow it with the path's query"
                )));
            }
            match next {
                // A next page that is this page again ends the list rather than looping.
                Some(next) if next != url => {
                    if i64::from(pages) >= page_limit {
                        break true;
                    }
                    url = next;
                    page_number = page_number.saturating_add(1);
                }
                _ => break false,
            }
        };
        let entities = distinct(entities);
        Ok(EntityList {
            total: entities.len(),
            entities,
            pages,
            truncated,
            fetched_at: now_millis(),
        })
    }

    /// The first page's URL and the credential, from the integration's global-scope config.
    async fn entity_request(
        &self,
        integration: &IntegrationRow,
        source: &EntitySourceRow,
    ) -> Result<(Url, Credential), AppError> {
        let merged = self.merged_config(&integration.name, None).await?;
        let fields = self.fields_of(integration.id).await?;
        let (text, blanks) = scope_url(&merged, &fields, &source.path)?;
        let first = Url::parse(&text).map_err(|_| {
            AppError::invalid("path", "base_url and the path do not make an http(s) URL")
        })?;
        let credential = self
            .entity_credential(integration, source, &merged, blanks)
            .await?;
        Ok((first, credential))
    }

    /// The shared token, or the config field to send as a header; `blanks` gains its value.
    async fn entity_credential(
        &self,
        integration: &IntegrationRow,
        source: &EntitySourceRow,
        merged: &MergedConfig,
        mut blanks: Vec<String>,
    ) -> Result<Credential, AppError> {
        match source.auth_kind.as_str() {
            "header" => {
                let value = merged
                    .config
                    .get(&source.header_field)
                    .and_then(Value::as_str)
                    .filter(|value| !value.is_empty())
                    .ok_or_else(|| {
                        AppError::invalid(
                            "header_field",
                            &format!(
                                "{} has no value: set it on the Configuration tab",
                                source.header_field
                            ),
                        )
                    })?;
                let name = HeaderName::from_bytes(source.header_name.as_bytes())
                    .map_err(|_| AppError::invalid("header_name", "is not an HTTP header name"))?;
                blanks.push(value.to_string());
                Ok(Credential {
                    header: Some((name, SecretString::from(value.to_string()))),
                    bearer: None,
                    blanks,
                })
            }
            _ => {
                let token = self
                    .integration_token(integration.id, None)
                    .await
                    .map_err(AppError::from)?
                    .ok_or_else(|| {
                        AppError::invalid(
                            "auth_kind",
                            "needs the shared OAuth token: link an OAuth connection and Connect, or send a config field as a header",
                        )
                    })?;
                blanks.push(token.access_token.expose_secret().to_string());
                Ok(Credential {
                    header: None,
                    bearer: Some(token.access_token),
                    blanks,
                })
            }
        }
    }

    /// One page's JSON and its `Link` header.
    async fn entity_page(
        &self,
        url: &Url,
        credential: &Credential,
        page: u32,
    ) -> Result<(Value, Option<String>), AppError> {
        let response = self
            .oauth
            .get(url.as_str(), credential.auth())
            .await
            .map_err(|error| match error {
                ApiCallError::Refused(refused) => fetch_failed(refused.to_string()),
                other => fetch_failed(format!("page {page} ({url}) {other}")),
            })?;
        let status = response.status();
        let link = response
            .headers()
            .get(LINK)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        let (body, over_cap) = read_capped(response, PAGE_CAP).await;
        let text = String::from_utf8_lossy(&body);
        if !status.is_success() {
            return Err(fetch_failed(format!(
                "page {page} answered {}: {}",
                status.as_u16(),
                credential.blanked(&text)
            )));
        }
        if over_cap {
            return Err(fetch_failed(format!(
                "page {page} is larger than {} MB",
                PAGE_CAP / (1024 * 1024)
            )));
        }
        let json = serde_json::from_str(&text).map_err(|_| {
            fetch_failed(format!(
                "page {page} is not JSON: {}",
                credential.blanked(&text)
            ))
        })?;
        Ok((json, link))
    }
}

/// Each ID once, the first page's entity kept (pages can overlap while the list changes).
fn distinct(entities: Vec<Entity>) -> Vec<EntityView> {
    let mut seen = std::collections::HashSet::new();
    entities
        .into_iter()
        .filter(|entity| seen.insert(entity.id.clone()))
        .map(|entity| EntityView {
            id: entity.id,
            name: entity.name,
        })
        .collect()
}
