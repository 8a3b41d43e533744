//! Server-only part of the app: the port through which server functions reach the services that
//! the `bifrost` server crate implements (the store, crypto and OAuth never compile into WASM).

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::domain::status::ServerStatus;
use crate::error::AppError;

/// Everything server functions may ask of the server. Implemented by the server crate and
/// provided to every request as a Leptos context.
#[async_trait::async_trait]
pub trait Services: Send + Sync + 'static {
    async fn server_status(&self) -> Result<ServerStatus, AppError>;
}

/// Shared handle on the services, as stored in the Leptos context.
pub type SharedServices = Arc<dyn Services>;

/// The services of the current request.
pub fn services() -> Result<SharedServices, AppError> {
    use_context::<SharedServices>().ok_or_else(|| {
        tracing::error!("services missing from the Leptos context");
        AppError::Internal
    })
}
