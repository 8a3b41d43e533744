use leptos::prelude::*;

use crate::domain::ids::AdminId;

admin_server_fn! {
    #[server(endpoint = "admins/remove")]
    pub async fn remove_administrator(id: AdminId, current_password: Option<String>) -> ()
    => |services, admin| {
        let given = crate::ssr::password_again(current_password)?;
        services.remove_administrator(&admin, given.proof(), id).await
    }
}
