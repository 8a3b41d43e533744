use leptos::prelude::*;

use crate::domain::integration::IntegrationView;

admin_server_fn! {
    /// An integration with its schema, by name in any case.
    #[server(endpoint = "integrations/get")]
    pub async fn get_integration(name: String) -> IntegrationView
    => |services, _| services.integration(&name).await
}
