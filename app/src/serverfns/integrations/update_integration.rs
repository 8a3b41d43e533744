use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{IntegrationDraft, IntegrationView};

admin_server_fn! {
    /// Saves details and schema; removing fields with values needs `confirm_field_removal`.
    #[server(endpoint = "integrations/update", input = Json)]
    pub async fn update_integration(id: IntegrationId, draft: IntegrationDraft) -> IntegrationView
    => |services, admin| services.update_integration(&admin, id, &draft).await
}
