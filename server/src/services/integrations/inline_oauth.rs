//! Create Integration's "OAuth Provider": the existing connection to link, or a connection
//! configured inline, checked together with the integration so that every broken rule shows
//! beside its field before anything is written.

use app::domain::integration::{
    inline_oauth_field, IntegrationDraft, IntegrationOAuthChoice, ValidIntegration,
};
use app::domain::oauth::OAuthConnectionDraft;
use app::error::{AppError, FieldError};
use serde_json::Value;

use crate::oauth::connection_rules::check_draft;
use crate::oauth::connections::audit_changes as connection_changes;
use crate::services::{internal, ServerServices};
use crate::store::integration_links::{ConnectionLink, NewConnection};
use crate::store::oauth_connections::{OAuthConnectionFields, SecretWrite};

/// What the choice links, once checked: the connection's name (for the audit entry) and, for
/// one configured inline, what to write.
pub(super) enum CheckedLink {
    None,
    Existing {
        id: app::domain::ids::ConnectionId,
        name: String,
    },
    New {
        fields: Box<OAuthConnectionFields>,
        secret: SecretWrite,
        changes: Value,
    },
}

impl CheckedLink {
    pub fn connection_name(&self) -> Option<&str> {
        match self {
            CheckedLink::None => None,
            CheckedLink::Existing { name, .. } => Some(name),
            CheckedLink::New { fields, .. } => Some(&fields.name),
        }
    }

    pub fn to_store<'a>(&'a self, keyring: &'a crate::crypto::Keyring) -> ConnectionLink<'a> {
        match self {
            CheckedLink::None => ConnectionLink::None,
            CheckedLink::Existing { id, .. } => ConnectionLink::Existing(*id),
            CheckedLink::New {
                fields,
                secret,
                changes,
            } => ConnectionLink::New(NewConnection {
                keyring,
                fields,
                secret,
                changes,
            }),
        }
    }
}

/// A connection form's error with its fields named as on Create Integration (`oauth.<field>`).
fn inline_fields(error: AppError) -> AppError {
    let renamed = |error: FieldError| FieldError {
        field: inline_oauth_field(&error.field),
        message: error.message,
    };
    match error {
        AppError::Invalid { field, message } => AppError::Invalid {
            field: inline_oauth_field(&field),
            message,
        },
        AppError::InvalidFields(errors) => {
            AppError::InvalidFields(errors.into_iter().map(renamed).collect())
        }
        other => other,
    }
}

/// The value, or `None` with its field errors added to `errors`; another error ends the check.
fn note_fields<T>(
    errors: &mut Vec<FieldError>,
    checked: Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    match checked {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.is_about_fields() => {
            errors.extend(error.into_field_errors());
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

impl ServerServices {
    /// The draft and its OAuth choice checked together: every broken rule of both at once.
    pub(super) async fn check_new_integration(
        &self,
        draft: &IntegrationDraft,
        oauth: Option<&IntegrationOAuthChoice>,
    ) -> Result<(ValidIntegration, CheckedLink), AppError> {
        let mut errors = Vec::new();
        let valid = note_fields(&mut errors, draft.validated())?;
        let link = match oauth {
            None => Some(CheckedLink::None),
            Some(choice) => {
                let checked = self.check_oauth_choice(choice, draft.name.trim()).await;
                note_fields(&mut errors, checked)?
            }
        };
        AppError::check_fields(errors)?;
        valid.zip(link).ok_or(AppError::Internal)
    }

    async fn check_oauth_choice(
        &self,
        choice: &IntegrationOAuthChoice,
        integration_name: &str,
    ) -> Result<CheckedLink, AppError> {
        match choice {
            IntegrationOAuthChoice::Existing { connection_id } => {
                let row = self
                    .store
                    .find_oauth_connection(*connection_id)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| {
                        AppError::invalid(
                            &inline_oauth_field("connection_id"),
                            "choose an existing OAuth connection",
                        )
                    })?;
                Ok(CheckedLink::Existing {
                    id: row.id,
                    name: row.name,
                })
            }
            IntegrationOAuthChoice::Custom { draft } => {
                self.check_inline_connection(draft, integration_name).await
            }
        }
    }

    /// A connection configured inline: the connection form's rules, its fields named
    /// `oauth.<field>`; an empty name takes the integration's.
    async fn check_inline_connection(
        &self,
        draft: &OAuthConnectionDraft,
        integration_name: &str,
    ) -> Result<CheckedLink, AppError> {
        let mut draft = draft.clone();
        if draft.name.trim().is_empty() {
            draft.name = integration_name.to_string();
        }
        let (fields, secret) =
            check_draft(&draft, self.config.allow_plain_http_oauth).map_err(inline_fields)?;
        let taken = self
            .store
            .list_oauth_connections()
            .await
            .map_err(internal)?
            .iter()
            .any(|row| row.name.eq_ignore_ascii_case(&fields.name));
        if taken {
            return Err(AppError::invalid(
                &inline_oauth_field("name"),
                &format!(
                    "an OAuth connection named {} already exists: choose it as an existing connection, or name this one differently",
                    fields.name
                ),
            ));
        }
        let changes = connection_changes(None, &fields, &secret);
        Ok(CheckedLink::New {
            fields: Box::new(fields),
            secret,
            changes,
        })
    }
}
