use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::ValueInput;

admin_server_fn! {
    /// Checks every value, then saves all of them or none. The page loads again to show them, so
    /// nothing comes back: the browser has no code to read it.
    #[server(endpoint = "integrations/save-defaults", input = Json)]
    pub async fn save_default_values(integration_id: IntegrationId, inputs: Vec<ValueInput>) -> ()
    => |services, admin| services.save_defaults(&admin, integration_id, &inputs).await.map(drop)
}
