use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::FieldValueView;

admin_server_fn! {
    /// Each schema field with its default; secrets only say whether they are set.
    #[server(endpoint = "integrations/defaults")]
    pub async fn get_default_values(integration_id: IntegrationId) -> Vec<FieldValueView>
    => |services, _| services.default_values(integration_id).await
}
