use leptos::prelude::*;

use crate::domain::integration::IntegrationView;
use crate::error::AppError;

/// An integration with its schema, by name in any case.
#[server(endpoint = "integrations/get")]
pub async fn get_integration(name: String) -> Result<IntegrationView, AppError> {
    crate::ssr::as_admin(|services, _| async move { services.integration(&name).await }).await
}
