//! The Add/Edit Mapping form's "OAuth token": the shared token, a token the organization
//! already has on the integration's connection, or Connect after saving. The choice is checked
//! before the mapping is written, so a bad one loses nothing.

use app::domain::ids::{OrganizationId, TokenId};
use app::domain::integration::MappingTokenChoice;
use app::error::AppError;

use crate::services::ServerServices;
use crate::store::integrations::IntegrationRow;

const FIELD: &str = "oauth_token";

/// The link a checked choice writes: `None` leaves it, `Some(None)` is the shared token.
pub(super) type LinkChange = Option<Option<TokenId>>;

impl ServerServices {
    /// The link the choice writes, checked; an error names the `oauth_token` field.
    pub(super) async fn check_token_choice(
        &self,
        integration: &IntegrationRow,
        organization_id: OrganizationId,
        choice: MappingTokenChoice,
    ) -> Result<LinkChange, AppError> {
        match choice {
            MappingTokenChoice::Unchanged => Ok(None),
            MappingTokenChoice::Shared => Ok(Some(None)),
            MappingTokenChoice::Own(token_id) => {
                let token = self
                    .token_of_integration(integration.id, token_id)
                    .await
                    .map_err(|_| {
                        AppError::invalid(
                            FIELD,
                            "choose a token of this integration's OAuth connection",
                        )
                    })?;
                if token.organization_id != Some(organization_id) {
                    return Err(AppError::invalid(
                        FIELD,
                        "must be a token of this organization",
                    ));
                }
                Ok(Some(Some(token_id)))
            }
            MappingTokenChoice::ConnectAfterSaving => {
                self.check_connectable(integration).await?;
                Ok(None)
            }
        }
    }

    /// Connect after saving needs a connection that asks the provider for consent.
    async fn check_connectable(&self, integration: &IntegrationRow) -> Result<(), AppError> {
        if self.consents_in_browser(integration).await? {
            return Ok(());
        }
        Err(AppError::invalid(
            FIELD,
            "Connect after saving needs an OAuth connection with the authorization code grant",
        ))
    }
}
