//! The services behind server functions and API handlers: the rules live here, SQL stays in the
//! store. Store errors are logged once here and reach callers as `AppError`.

use app::domain::status::ServerStatus;
use app::error::AppError;

use crate::store::{Store, StoreError};
use crate::time::now_millis;

/// The name the provider organization gets on first start; admins may rename it.
pub const DEFAULT_PROVIDER_NAME: &str = "Provider";

#[derive(Clone, Debug)]
pub struct ServerServices {
    store: Store,
}

impl ServerServices {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Creates the provider organization unless it exists; safe to run on every start and from
/// several replicas at once.
pub async fn ensure_provider_organization(store: &Store) -> Result<(), StoreError> {
    if store.find_provider_organization().await?.is_some() {
        return Ok(());
    }
    match store
        .insert_organization(DEFAULT_PROVIDER_NAME, true, now_millis())
        .await
    {
        Ok(_) | Err(StoreError::Conflict(_)) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Logs a store failure with its cause and returns what the caller may see.
pub fn internal(error: StoreError) -> AppError {
    tracing::error!(%error, "store operation failed");
    AppError::Internal
}

#[async_trait::async_trait]
impl app::ssr::Services for ServerServices {
    async fn server_status(&self) -> Result<ServerStatus, AppError> {
        let schema_version = self.store.schema_version().await.map_err(internal)?;
        Ok(ServerStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backend: self.store.backend(),
            schema_version,
        })
    }
}
