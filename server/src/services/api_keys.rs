//! API keys: created with a scope (the provider organization: any organization; a customer
//! organization: only itself) and an optional expiry, shown once, stored as a SHA-256 hash,
//! revoked at once. Authenticating a key records its last use at most once a minute, so the
//! hot path rarely writes.

use app::domain::admin::{CurrentAdmin, PasswordProof};
use app::domain::api_key::{
    parse_expiry, parse_key_name, status_of, ApiKeyDraft, ApiKeyStatus, ApiKeyView, CreatedApiKey,
    KEY_PREFIX,
};
use app::domain::ids::{ApiKeyId, OrganizationId};
use app::domain::paging::{PageRequest, Paged};
use app::error::{note, AppError, FieldError};
use app::ssr::ApiKeyServices;

use super::{actor_of, internal, ServerServices};
use crate::auth::session_token::{hash_token, new_token};
use crate::store::api_keys::{ApiKeyRow, NewApiKey};
use crate::store::audit::Actor;
use crate::time::now_millis;

pub const API_KEYS_PER_PAGE: i64 = 50;
/// How many characters of a key are kept to recognise it by.
const SHOWN_PREFIX_CHARS: usize = 12;
/// A key's last use is recorded at most this often.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// Who is calling the workflow API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCaller {
    pub key_id: ApiKeyId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    /// A provider key may act for any organization.
    pub provider: bool,
    pub expires_at: Option<i64>,
}

/// Whether a bearer string has the shape of a key at all; anything else is refused unread.
pub fn looks_like_api_key(key: &str) -> bool {
    key.starts_with(KEY_PREFIX) && key.len() <= 200
}

fn key_view(row: ApiKeyRow, now: i64) -> ApiKeyView {
    ApiKeyView {
        status: status_of(row.expires_at, row.revoked_at, now),
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        organization_id: row.organization_id,
        organization_name: row.organization_name,
        provider_scope: row.is_provider,
        created_by: row.created_by,
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
    }
}

impl ServerServices {
    /// The caller a bearer key belongs to, if the key exists, is not revoked and has not expired.
    pub async fn authenticate_api_key(&self, key: &str) -> Result<Option<ApiCaller>, AppError> {
        if !looks_like_api_key(key) {
            return Ok(None);
        }
        let Some(row) = self
            .store
            .find_api_key_by_hash(&hash_token(key))
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let now = now_millis();
        if status_of(row.expires_at, row.revoked_at, now) != ApiKeyStatus::Active {
            return Ok(None);
        }
        self.record_key_use(row.id, row.last_used_at, now);
        Ok(Some(ApiCaller {
            key_id: row.id,
            organization_id: row.organization_id,
            organization_name: row.organization_name,
            provider: row.is_provider,
            expires_at: row.expires_at,
        }))
    }

    /// Records a key's use, off the request's path, at most once a minute per key and process
    /// (`last_known`: when the store last recorded it, if just read).
    pub(crate) fn record_key_use(&self, key_id: ApiKeyId, last_known: Option<i64>, now: i64) {
        if !self
            .resolve_cache
            .key_use_due(key_id, last_known, now, LAST_USED_RESOLUTION_MS)
        {
            return;
        }
        // The store also skips it when another process just recorded it.
        let store = self.store.clone();
        tokio::spawn(async move {
            if let Err(error) = store
                .touch_api_key(key_id, now, LAST_USED_RESOLUTION_MS)
                .await
            {
                tracing::warn!(%error, key = key_id.get(), "recording an API key's use failed");
            }
        });
    }

    /// Creates a key on behalf of `actor` (an administrator, or the command line).
    pub async fn create_api_key_as(
        &self,
        actor: &Actor,
        draft: &ApiKeyDraft,
    ) -> Result<CreatedApiKey, AppError> {
        let now = now_millis();
        let mut errors: Vec<FieldError> = Vec::new();
        let name = note(&mut errors, parse_key_name(&draft.name));
        let expires_at = note(&mut errors, parse_expiry(&draft.expires_on, now));
        let organization = match draft.organization_id {
            Some(id) => self.store.find_organization(id).await.map_err(internal)?,
            None => None,
        };
        if organization.is_none() {
            errors.push(FieldError {
                field: "organization_id".into(),
                message: "choose the organization the key acts for".into(),
            });
        }
        AppError::check_fields(errors)?;
        let organization = organization.ok_or(AppError::Internal)?;
        let key = format!("{KEY_PREFIX}{}", new_token());
        let prefix: String = key.chars().take(SHOWN_PREFIX_CHARS).collect();
        let row = self
            .store
            .insert_api_key(
                &NewApiKey {
                    name: &name,
                    prefix: &prefix,
                    key_hash: &hash_token(&key),
                    organization_id: organization.id,
                    expires_at,
                },
                actor,
                now,
            )
            .await
            .map_err(internal)?;
        Ok(CreatedApiKey {
            view: key_view(row, now),
            key,
        })
    }
}

#[async_trait::async_trait]
impl ApiKeyServices for ServerServices {
    async fn api_keys(&self, page: i64) -> Result<Paged<ApiKeyView>, AppError> {
        let request = PageRequest::new(page, API_KEYS_PER_PAGE);
        let rows = self
            .store
            .list_api_keys(request.per_page, request.offset())
            .await
            .map_err(internal)?;
        let now = now_millis();
        Ok(rows.paged(request, |row| key_view(row, now)))
    }

    async fn create_api_key(
        &self,
        admin: &CurrentAdmin,
        proof: PasswordProof<'_>,
        draft: &ApiKeyDraft,
    ) -> Result<CreatedApiKey, AppError> {
        if let Some(id) = draft.organization_id {
            let organization = self.store.find_organization(id).await.map_err(internal)?;
            if organization.is_some_and(|row| row.is_provider) {
                // A provider key reaches every customer.
                self.confirm_recent_password(admin, proof).await?;
            }
        }
        self.create_api_key_as(&actor_of(admin), draft).await
    }

    async fn revoke_api_key(&self, admin: &CurrentAdmin, id: ApiKeyId) -> Result<(), AppError> {
        self.store
            .revoke_api_key(id, &actor_of(admin), now_millis())
            .await
            .map_err(internal)?
            .map(|_| ())
            .ok_or_else(|| AppError::NotFound("the API key".into()))
    }
}
