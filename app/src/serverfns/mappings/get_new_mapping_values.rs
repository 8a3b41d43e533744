use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::FieldValueView;

admin_server_fn! {
    /// Each field with its default, for the Add Mapping form.
    #[server(endpoint = "mappings/new-values")]
    pub async fn get_new_mapping_values(integration_id: IntegrationId) -> Vec<FieldValueView>
    => |services, _| services.override_values(integration_id, None).await
}
