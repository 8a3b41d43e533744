use leptos::prelude::*;

use crate::domain::admin::CurrentAdmin;

admin_server_fn! {
    #[server(endpoint = "admins/add")]
    pub async fn add_administrator(
        email: String,
        password: String,
        confirm_password: String,
        current_password: Option<String>,
    ) -> CurrentAdmin
    => |services, admin| {
        let given = crate::ssr::password_again(current_password)?;
        let proof = given.proof();
        services.add_administrator(&admin, proof, &email, &password, &confirm_password).await
    }
}
