use leptos::prelude::*;

use crate::domain::transfer::DefinitionImported;

admin_server_fn! {
    /// Creates an integration from an exported definition; secrets are reported as to be filled in.
    #[server(endpoint = "integrations/import-definition")]
    pub async fn import_definition(definition: String) -> DefinitionImported
    => |services, admin| services.import_definition(&admin, &definition).await
}
