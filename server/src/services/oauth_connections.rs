//! OAuth connection rules: names usable in the redirect URI, absolute https URLs (plain http only
//! for loopback unless the operator allows it), `{entity_id}` as the only placeholder, extra
//! parameters that cannot override the ones the server sets, and a write-only client secret.

use app::domain::admin::CurrentAdmin;
use app::domain::integration::{parse_integration_name, parse_text};
use app::domain::oauth::{
    parse_extra_parameters, parse_scopes, EntityIdSource, GrantType, OAuthConnectionDraft,
    OAuthConnectionView, SecretChange, ENTITY_ID_PLACEHOLDER, MAX_OAUTH_TEXT_CHARS, MAX_URL_CHARS,
};
use app::error::{note, AppError, FieldError};
use app::ssr::OAuthServices;
use secrecy::SecretString;
use serde_json::{json, Map, Value};

use super::{actor_of, internal, ServerServices};
use crate::store::audit::change;
use crate::store::oauth_connections::{OAuthConnectionFields, OAuthConnectionRow, SecretWrite};
use crate::store::StoreError;
use crate::time::now_millis;

fn not_found() -> AppError {
    AppError::NotFound("the OAuth connection".to_string())
}

fn name_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::invalid("name", "an OAuth connection with this name already exists")
        }
        other => internal(other),
    }
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(address) => address.is_loopback(),
        url::Host::Ipv6(address) => address.is_loopback(),
    }
}

/// An absolute http(s) URL, or `""` when optional and empty.
pub(super) fn check_url(
    field: &str,
    raw: &str,
    required: bool,
    allow_plain_http: bool,
) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        return if required {
            Err(AppError::invalid(field, "is required"))
        } else {
            Ok(String::new())
        };
    }
    if text.chars().count() > MAX_URL_CHARS {
        return Err(AppError::invalid(
            field,
            &format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    // A stand-in that shows where the placeholder lands once parsed: never in the host, so an
    // entity ID can never send tokens elsewhere.
    const STAND_IN: &str = "bifrostentityidplaceholder";
    let probe = text.replace(ENTITY_ID_PLACEHOLDER, STAND_IN);
    if probe.contains('{') || probe.contains('}') {
        return Err(AppError::invalid(
            field,
            "only {entity_id} can be filled in",
        ));
    }
    let parsed = url::Url::parse(&probe).map_err(|_| {
        AppError::invalid(
            field,
            "must be an absolute URL such as https://login.example.com/oauth2/token",
        )
    })?;
    let Some(host) = parsed.host() else {
        return Err(AppError::invalid(field, "must name a host"));
    };
    // A port must be digits, so the placeholder can only land in the host or the user name.
    if parsed
        .host_str()
        .is_some_and(|name| name.contains(STAND_IN))
        || parsed.username().contains(STAND_IN)
    {
        return Err(AppError::invalid(
            field,
            "{entity_id} may appear in the path or query, not in the host",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::invalid(
            field,
            "must not hold a user name or password",
        ));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if allow_plain_http || is_loopback(&host) => {}
        "http" => return Err(AppError::invalid(
            field,
            "must use https (plain http only for localhost, or with BIFROST_ALLOW_HTTP_OAUTH=true)",
        )),
        _ => return Err(AppError::invalid(field, "must be an http or https URL")),
    }
    if parsed.fragment().is_some() {
        return Err(AppError::invalid(field, "must not have a #fragment"));
    }
    Ok(text.to_string())
}

/// The checked settings, or every rule broken.
fn check_draft(
    draft: &OAuthConnectionDraft,
    allow_plain_http: bool,
) -> Result<(OAuthConnectionFields, SecretWrite), AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let name = note(&mut errors, parse_integration_name(&draft.name));
    let needs_authorization = draft.grant_type == GrantType::AuthorizationCode;
    let authorization_url = note(
        &mut errors,
        check_url(
            "authorization_url",
            &draft.authorization_url,
            needs_authorization,
            allow_plain_http,
        ),
    );
    let token_url = note(
        &mut errors,
        check_url("token_url", &draft.token_url, true, allow_plain_http),
    );
    let revocation_url = note(
        &mut errors,
        check_url(
            "revocation_url",
            &draft.revocation_url,
            false,
            allow_plain_http,
        ),
    );
    let client_id = note(
        &mut errors,
        parse_text("client_id", &draft.client_id, MAX_OAUTH_TEXT_CHARS, false),
    );
    if client_id.is_empty() && !errors.iter().any(|e| e.field == "client_id") {
        errors.push(FieldError {
            field: "client_id".into(),
            message: "is required".into(),
        });
    }
    let scopes = note(&mut errors, parse_scopes(&draft.scopes));
    let extra_parameters = note(&mut errors, parse_extra_parameters(&draft.extra_parameters));
    let entity_id_source = note(&mut errors, EntityIdSource::parse(&draft.entity_id_source))
        .map(|source| source.as_text())
        .unwrap_or_default();
    let audience = note(
        &mut errors,
        parse_text("audience", &draft.audience, MAX_OAUTH_TEXT_CHARS, false),
    );
    let secret = match &draft.client_secret {
        SecretChange::Keep => SecretWrite::Keep,
        SecretChange::Clear => SecretWrite::Clear,
        SecretChange::Set(text) if text.is_empty() => SecretWrite::Keep,
        SecretChange::Set(text)
            if text.chars().any(char::is_control)
                || text.chars().count() > MAX_OAUTH_TEXT_CHARS =>
        {
            errors.push(FieldError {
                field: "client_secret".into(),
                message: format!(
                    "must be at most {MAX_OAUTH_TEXT_CHARS} characters without control characters"
                ),
            });
            SecretWrite::Keep
        }
        SecretChange::Set(text) => SecretWrite::Set(SecretString::from(text.clone())),
    };
    AppError::check_fields(errors)?;
    let fields = OAuthConnectionFields {
        name,
        grant_type: draft.grant_type.as_str(),
        authorization_url,
        token_url,
        client_id,
        scopes: scopes.join(" "),
        pkce: draft.pkce,
        extra_parameters: serde_json::to_string(&extra_parameters)
            .map_err(|_| AppError::Internal)?,
        audience,
        revocation_url,
        entity_id_source,
    };
    Ok((fields, secret))
}

/// The audit entry's changed settings; the secret appears only as set or cleared.
fn audit_changes(
    before: Option<&OAuthConnectionRow>,
    after: &OAuthConnectionFields,
    secret: &SecretWrite,
) -> Value {
    let mut changes = Map::new();
    let pkce_before = before.map(|row| if row.pkce == 1 { "on" } else { "off" });
    let pairs = [
        ("name", before.map(|r| r.name.as_str()), after.name.as_str()),
        (
            "grant_type",
            before.map(|r| r.grant_type.as_str()),
            after.grant_type,
        ),
        (
            "authorization_url",
            before.map(|r| r.authorization_url.as_str()),
            after.authorization_url.as_str(),
        ),
        (
            "token_url",
            before.map(|r| r.token_url.as_str()),
            after.token_url.as_str(),
        ),
        (
            "client_id",
            before.map(|r| r.client_id.as_str()),
            after.client_id.as_str(),
        ),
        (
            "scopes",
            before.map(|r| r.scopes.as_str()),
            after.scopes.as_str(),
        ),
        ("pkce", pkce_before, if after.pkce { "on" } else { "off" }),
        (
            "extra_parameters",
            before.map(|r| r.extra_parameters.as_str()),
            after.extra_parameters.as_str(),
        ),
        (
            "audience",
            before.map(|r| r.audience.as_str()),
            after.audience.as_str(),
        ),
        (
            "entity_id_source",
            before.map(|r| r.entity_id_source.as_str()),
            after.entity_id_source.as_str(),
        ),
        (
            "revocation_url",
            before.map(|r| r.revocation_url.as_str()),
            after.revocation_url.as_str(),
        ),
    ];
    for (field, old, new) in pairs {
        if old != Some(new) && !(old.is_none() && (new.is_empty() || new == "[]")) {
            changes.insert(field.to_string(), change(old, Some(new)));
        }
    }
    let was_set = before
        .is_some_and(|row| row.client_secret.is_some())
        .then_some("(secret set)");
    match secret {
        SecretWrite::Keep => {}
        SecretWrite::Set(_) => {
            changes.insert(
                "client_secret".into(),
                json!({ "from": was_set, "to": "(secret set)" }),
            );
        }
        SecretWrite::Clear if was_set.is_some() => {
            changes.insert(
                "client_secret".into(),
                json!({ "from": was_set, "to": null }),
            );
        }
        SecretWrite::Clear => {}
    }
    Value::Object(changes)
}

impl ServerServices {
    pub(super) fn connection_view(&self, row: OAuthConnectionRow) -> OAuthConnectionView {
        let extra_parameters: Vec<(String, String)> =
            serde_json::from_str(&row.extra_parameters).unwrap_or_default();
        OAuthConnectionView {
            redirect_uri: self.redirect_uri(&row.name),
            id: row.id,
            name: row.name,
            // The column's CHECK constraint admits only the two grants.
            grant_type: GrantType::parse(&row.grant_type).unwrap_or_default(),
            authorization_url: row.authorization_url,
            token_url: row.token_url,
            client_id: row.client_id,
            client_secret_set: row.client_secret.is_some(),
            scopes: row
                .scopes
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            pkce: row.pkce == 1,
            extra_parameters,
            audience: row.audience,
            revocation_url: row.revocation_url,
            entity_id_source: row.entity_id_source,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

#[async_trait::async_trait]
impl OAuthServices for ServerServices {
    async fn oauth_connections(&self) -> Result<Vec<OAuthConnectionView>, AppError> {
        let rows = self
            .store
            .list_oauth_connections()
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|row| self.connection_view(row))
            .collect())
    }

    async fn oauth_connection(&self, id: i64) -> Result<OAuthConnectionView, AppError> {
        let row = self
            .store
            .find_oauth_connection(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        Ok(self.connection_view(row))
    }

    async fn create_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError> {
        let (fields, secret) = check_draft(draft, self.config.allow_plain_http_oauth)?;
        let changes = audit_changes(None, &fields, &secret);
        let row = self
            .store
            .create_oauth_connection(
                &self.keyring,
                &fields,
                &secret,
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(name_taken)?;
        Ok(self.connection_view(row))
    }

    async fn update_oauth_connection(
        &self,
        admin: &CurrentAdmin,
        id: i64,
        draft: &OAuthConnectionDraft,
    ) -> Result<OAuthConnectionView, AppError> {
        let (fields, secret) = check_draft(draft, self.config.allow_plain_http_oauth)?;
        let before = self
            .store
            .find_oauth_connection(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        let moved_to = new_host(&before, &fields);
        if let (Some(host), SecretWrite::Keep, Some(_)) =
            (&moved_to, &secret, &before.client_secret)
        {
            return Err(AppError::invalid(
                "client_secret",
                &format!(
                    "enter the client secret again: the token or revocation URL now points at {host}, \
                     and the stored secret is sent only to the host it was entered for"
                ),
            ));
        }
        let tokens_moved = moved_to.as_ref().map(|host| {
            format!("the connection's token or revocation URL moved to {host}; connect again")
        });
        let changes = audit_changes(Some(&before), &fields, &secret);
        let row = self
            .store
            .update_oauth_connection(
                &self.keyring,
                id,
                draft.opened_at_version.unwrap_or(before.version),
                &fields,
                &secret,
                tokens_moved.as_deref(),
                (&actor_of(admin), changes),
                now_millis(),
            )
            .await
            .map_err(|error| match error {
                StoreError::Stale => AppError::Conflict(
                    "This OAuth connection was changed by someone else after you opened it; reload the page to see the changes, then edit again."
                        .to_string(),
                ),
                other => name_taken(other),
            })?
            .ok_or_else(not_found)?;
        Ok(self.connection_view(row))
    }

    /// Deletes the connection with its tokens, then revokes those at the provider.
    async fn delete_oauth_connection(&self, admin: &CurrentAdmin, id: i64) -> Result<(), AppError> {
        let actor = actor_of(admin);
        let tokens = self
            .store
            .oauth_tokens_held(Some(id), None)
            .await
            .map_err(internal)?;
        let connection = self
            .store
            .delete_oauth_connection(id, &actor, now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        for token in &tokens {
            self.revoke_quietly(&actor, &connection, token).await;
        }
        Ok(())
    }
}

/// The host the saved token or revocation URL reaches that the stored secret and tokens were
/// not sent to before; `None` when every host stays the same. Ports are not compared: the
/// host's operator owns them all.
fn new_host(before: &OAuthConnectionRow, after: &OAuthConnectionFields) -> Option<String> {
    let host = |url: &str| {
        url::Url::parse(&url.replace("{entity_id}", "x"))
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
    };
    let known: Vec<_> = [&before.token_url, &before.revocation_url]
        .into_iter()
        .filter_map(|url| host(url))
        .collect();
    [&after.token_url, &after.revocation_url]
        .into_iter()
        .filter_map(|url| host(url))
        .find(|target| !known.contains(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_https_with_only_the_entity_id_placeholder() {
        let ok = |raw: &str| check_url("token_url", raw, true, false);
        assert!(ok("https://login.microsoftonline.com/{entity_id}/oauth2/v2.0/token").is_ok());
        assert!(ok("http://127.0.0.1:3171/token").is_ok());
        assert!(ok("http://localhost/token").is_ok());
        for (raw, rule) in [
            ("", "is required"),
            ("login.example.com/token", "absolute URL"),
            ("http://login.example.com/token", "must use https"),
            ("ftp://example.com/x", "http or https"),
            ("https://example.com/{tenant}/token", "only {entity_id}"),
            ("https://example.com/token#x", "fragment"),
            ("https://{entity_id}.example.com/token", "not in the host"),
            (
                "https://login.example.com{entity_id}/token",
                "not in the host",
            ),
            (
                "https://user:pass@login.example.com/token",
                "user name or password",
            ),
        ] {
            let error = ok(raw).expect_err(raw);
            assert!(
                error
                    .for_field("token_url")
                    .is_some_and(|m| m.contains(rule)),
                "{raw}: {error}"
            );
        }
        assert!(
            check_url("token_url", "http://idp.internal/token", true, true).is_ok(),
            "allowed by the operator"
        );
        assert_eq!(
            check_url("revocation_url", "  ", false, false),
            Ok(String::new())
        );
    }

    #[test]
    fn a_draft_reports_every_broken_rule_and_needs_an_authorization_url_only_for_the_code_grant() {
        let draft = OAuthConnectionDraft {
            name: "Graph Tenant".into(),
            token_url: "http://example.com/token".into(),
            extra_parameters: "state=1".into(),
            ..Default::default()
        };
        let error = check_draft(&draft, false).expect_err("invalid");
        for field in [
            "name",
            "authorization_url",
            "token_url",
            "client_id",
            "extra_parameters",
        ] {
            assert!(error.for_field(field).is_some(), "{field}: {error}");
        }
        let client_credentials = OAuthConnectionDraft {
            name: "Halo".into(),
            grant_type: GrantType::ClientCredentials,
            token_url: "https://halo.example.com/auth/token".into(),
            client_id: "id".into(),
            client_secret: SecretChange::Set("s".into()),
            ..Default::default()
        };
        let (fields, secret) = check_draft(&client_credentials, false).expect("valid");
        assert_eq!(fields.authorization_url, "");
        assert!(matches!(secret, SecretWrite::Set(_)));
    }
}
