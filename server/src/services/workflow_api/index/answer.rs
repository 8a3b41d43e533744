//! A resolve answer from the index. Only the plain success is answered here: an unknown key,
//! scope or integration, a refusal, a token to refresh or to create (client credentials) give
//! `None`, and the database path decides, with the same rules as always.

use app::domain::api_key::{status_of, ApiKeyStatus};
use app::domain::ids::OrganizationId;
use app::domain::oauth::GrantType;

use axum::body::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;

use super::data::{ConfigJson, IndexData, IntegrationEntry, MappingEntry};
use crate::oauth::refresh::REFRESH_MARGIN_MS;
use crate::services::api_keys::ApiCaller;
use crate::services::workflow_api::answers::OAuthAccess;
use crate::services::workflow_api::GLOBAL_SCOPE;
use crate::services::{FreshToken, ServerServices};
use crate::store::config_values::ValueRow;
use crate::store::oauth_tokens::STATUS_CONNECTED;

/// An answer from the index: the JSON body to send, and who asked.
pub struct IndexedAnswer {
    pub caller: ApiCaller,
    /// Holds secrets: never logged.
    pub body: Bytes,
}

/// The JSON an answer from the index sends: `ResolvedIntegration`'s fields in its order,
/// borrowed from the index, with the scope's config already serialized.
#[derive(Serialize)]
struct IndexedBody<'a> {
    name: &'a str,
    entity_id: &'a str,
    entity_name: &'a str,
    organization: Option<OrganizationRef<'a>>,
    mapped: bool,
    config: &'a RawValue,
    oauth: Option<OAuthAccess>,
    missing_required: &'a RawValue,
}

#[derive(Serialize)]
struct OrganizationRef<'a> {
    id: OrganizationId,
    name: &'a str,
}

impl ServerServices {
    pub(in crate::services::workflow_api) fn answer_from_index(
        &self,
        data: &IndexData,
        key_hash: &str,
        name: &str,
        scope: Option<&str>,
        now: i64,
    ) -> Option<IndexedAnswer> {
        let caller = caller_of(data, key_hash, now)?;
        let organization = scope_of(data, &caller, scope)?;
        let integration = data.integration(name)?;
        let mapping = organization.and_then(|id| data.mapping(integration.row.id, id));
        if mapping.is_none() && !caller.provider {
            return None;
        }
        let token = self.token_from_index(data, integration, mapping, now)?;
        let overrides = mapping
            .filter(|entry| entry.has_overrides)
            .and_then(|entry| data.overrides.get(&entry.id));
        let own_config;
        let config = match overrides {
            Some(values) => {
                own_config = self.config_json(integration, |field_id| {
                    values.iter().find(|value| value.field_id == field_id)
                })?;
                &own_config
            }
            // Most organizations override nothing: their config is the defaults', made once.
            None => integration
                .defaults_json
                .get_or_init(|| self.config_json(integration, |_| None))
                .as_ref()?,
        };
        let (entity_id, entity_name) = match mapping {
            Some(entry) => (entry.entity_id(), entry.entity_name()),
            None => (integration.row.default_entity_id.as_str(), ""),
        };
        let organization = match organization {
            Some(id) => Some(OrganizationRef {
                id,
                name: &data.organizations.get(&id)?.name,
            }),
            None => None,
        };
        let body = IndexedBody {
            name: &integration.row.name,
            entity_id,
            entity_name,
            organization,
            mapped: mapping.is_some(),
            config: &config.config,
            oauth: token.map(OAuthAccess::from),
            missing_required: &config.missing_required,
        };
        let body = Bytes::from(serde_json::to_vec(&body).ok()?);
        Some(IndexedAnswer { caller, body })
    }

    /// The integration's config with `override_of` a field id over its defaults, serialized;
    /// `None` when a secret cannot be opened (the database path then reports it).
    fn config_json<'v>(
        &self,
        integration: &'v IntegrationEntry,
        override_of: impl Fn(i64) -> Option<&'v ValueRow>,
    ) -> Option<ConfigJson> {
        let (config, missing_required) = self
            .merge(&integration.fields, |field_id| {
                override_of(field_id).or_else(|| integration.defaults.get(&field_id))
            })
            .ok()?;
        Some(ConfigJson {
            config: serde_json::value::to_raw_value(&config).ok()?,
            missing_required: serde_json::value::to_raw_value(&missing_required).ok()?,
        })
    }

    /// `Some(None)`: no OAuth connection. `None`: the database path must decide (no usable
    /// token, one to refresh, or client credentials, whose tokens are made on demand).
    fn token_from_index(
        &self,
        data: &IndexData,
        integration: &IntegrationEntry,
        mapping: Option<&MappingEntry>,
        now: i64,
    ) -> Option<Option<FreshToken>> {
        let Some(connection_id) = integration.row.oauth_connection_id else {
            return Some(None);
        };
        if integration.grant_type.as_deref()? == GrantType::ClientCredentials.as_str() {
            return None;
        }
        let linked = mapping.and_then(MappingEntry::token).filter(|id| {
            data.tokens
                .get(id)
                .is_some_and(|token| token.connection_id == connection_id)
        });
        let token_id = linked.or_else(|| data.shared_tokens.get(&connection_id).copied())?;
        let row = data.tokens.get(&token_id)?;
        let fresh = row.status == STATUS_CONNECTED
            && row.access_token.is_some()
            && row
                .expires_at
                .is_some_and(|expires_at| expires_at > now.saturating_add(REFRESH_MARGIN_MS));
        if !fresh {
            return None;
        }
        self.open_token(row).ok().map(Some)
    }
}

/// The caller of an unrevoked, unexpired key in the index.
fn caller_of(data: &IndexData, key_hash: &str, now: i64) -> Option<ApiCaller> {
    let key = data.settings.keys.get(key_hash)?;
    if status_of(key.expires_at, None, now) != ApiKeyStatus::Active {
        return None;
    }
    let organization = data.organizations.get(&key.organization_id)?;
    Some(ApiCaller {
        key_id: key.id,
        organization_id: key.organization_id,
        organization_name: organization.name.clone(),
        provider: organization.provider,
        expires_at: key.expires_at,
    })
}

/// The scope the caller may act in (`Some(None)`: global), by the rules of `scope.rs`;
/// `None` for anything that path refuses or cannot find.
fn scope_of(
    data: &IndexData,
    caller: &ApiCaller,
    requested: Option<&str>,
) -> Option<Option<OrganizationId>> {
    let requested = match requested.map(str::trim) {
        None | Some("") => return Some(Some(caller.organization_id)),
        Some(text) => text,
    };
    if requested.eq_ignore_ascii_case(GLOBAL_SCOPE) {
        return caller.provider.then_some(None);
    }
    let found = match requested.strip_prefix("id:") {
        Some(id) => id.parse::<OrganizationId>().ok(),
        None => data
            .organization_named(requested)
            .or_else(|| requested.parse::<OrganizationId>().ok()),
    }
    .filter(|id| data.organizations.contains_key(id))?;
    (found == caller.organization_id || caller.provider).then_some(Some(found))
}
