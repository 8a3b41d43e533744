use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::FieldValueView;
use crate::error::AppError;

/// Each schema field with its default; secrets only say whether they are set.
#[server(endpoint = "integrations/defaults")]
pub async fn get_default_values(
    integration_id: IntegrationId,
) -> Result<Vec<FieldValueView>, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.default_values(integration_id).await })
        .await
}
