use leptos::prelude::*;

use crate::domain::ids::OrganizationId;
use crate::error::AppError;

#[server(endpoint = "organizations/delete")]
pub async fn delete_organization(id: OrganizationId) -> Result<(), AppError> {
    crate::ssr::as_admin(
        |services, admin| async move { services.delete_organization(&admin, id).await },
    )
    .await
}
