//! Editing an alert destination: its kind stays; a URL or password left empty is kept, so the
//! form never needs them back.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::AlertDestinationId;
use app::domain::notifications::{DestinationDraft, DestinationView};
use app::error::AppError;
use secrecy::{ExposeSecret, SecretString};

use super::notifications::{
    destination_row_of, destination_view, name_taken_or_internal, stored_parts,
};
use super::{actor_of, internal, ServerServices};
use crate::alerts::destination_rules::{check_destination, Target};
use crate::store::alert_destinations::{AlertDestinationRow, NewAlertDestination};
use crate::time::now_millis;

impl ServerServices {
    pub(super) async fn edit_alert_destination(
        &self,
        admin: &CurrentAdmin,
        id: AlertDestinationId,
        draft: &DestinationDraft,
    ) -> Result<DestinationView, AppError> {
        let row = destination_row_of(self, id).await?;
        if draft.kind != row.kind {
            return Err(AppError::invalid(
                "kind",
                "cannot be changed: add a destination of the other kind instead",
            ));
        }
        // A URL left empty is kept as it is sealed, not sealed again.
        let url_given = !draft.url.trim().is_empty();
        let draft = self.with_kept_secrets(&row, draft)?;
        let checked = check_destination(&draft, self.config.allow_plain_http_oauth)?;
        self.ensure_allowed_target(&checked.target).await?;
        let (settings, events, target) = stored_parts(&checked);
        let (url, secret, keep_secret) = match &checked.target {
            Target::Url(url) => (
                url_given.then(|| SecretString::from(url.to_string())),
                None,
                true,
            ),
            Target::Smtp { password, .. } => (
                None,
                (!password.is_empty()).then(|| SecretString::from(password.clone())),
                false,
            ),
        };
        let edit = NewAlertDestination {
            name: &checked.name,
            kind: checked.kind.as_str(),
            target: &target,
            settings: &settings,
            url,
            secret,
            events: &events,
        };
        let saved = self
            .store
            .update_alert_destination(
                &self.keyring,
                (id, edit, keep_secret),
                &actor_of(admin),
                now_millis(),
            )
            .await
            .map_err(name_taken_or_internal)?
            .ok_or_else(|| AppError::NotFound("the alert destination".into()))?;
        Ok(destination_view(&saved))
    }

    /// The draft with the stored URL where it left the URL empty, and the stored password where
    /// it names a user but left the password empty.
    fn with_kept_secrets(
        &self,
        row: &AlertDestinationRow,
        draft: &DestinationDraft,
    ) -> Result<DestinationDraft, AppError> {
        let mut draft = draft.clone();
        if draft.url.trim().is_empty() {
            if let Some(url) = row.open_url(&self.keyring).map_err(internal)? {
                draft.url = url.expose_secret().to_string();
            }
        }
        if draft.smtp_password.is_empty() && !draft.smtp_username.trim().is_empty() {
            if let Some(password) = row.open_secret(&self.keyring).map_err(internal)? {
                draft.smtp_password = password.expose_secret().to_string();
            }
        }
        Ok(draft)
    }
}
