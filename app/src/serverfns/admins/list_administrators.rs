use leptos::prelude::*;

use crate::domain::admin::AdminView;

admin_server_fn! {
    #[server(endpoint = "admins/list")]
    pub async fn list_administrators() -> Vec<AdminView>
    => |services, admin| services.administrators(&admin).await
}
