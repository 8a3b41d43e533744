use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::FieldValueView;
use crate::error::AppError;

/// Each field with its default, for the Add Mapping form.
#[server(endpoint = "mappings/new-values")]
pub async fn get_new_mapping_values(
    integration_id: IntegrationId,
) -> Result<Vec<FieldValueView>, AppError> {
    crate::ssr::as_admin(|services, _| async move {
        services.override_values(integration_id, None).await
    })
    .await
}
