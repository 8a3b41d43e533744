use leptos::prelude::*;

use crate::domain::transfer::DefinitionImported;
use crate::error::AppError;

/// Creates an integration from an exported definition; secrets are reported as to be filled in.
#[server(endpoint = "integrations/import-definition")]
pub async fn import_definition(definition: String) -> Result<DefinitionImported, AppError> {
    crate::ssr::as_admin(|services, admin| async move {
        services.import_definition(&admin, &definition).await
    })
    .await
}
