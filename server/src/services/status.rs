//! What the server reports about itself.

use app::domain::status::ServerStatus;
use app::error::AppError;
use app::ssr::StatusServices;

use super::{internal, ServerServices};

#[async_trait::async_trait]
impl StatusServices for ServerServices {
    async fn server_status(&self) -> Result<ServerStatus, AppError> {
        let schema_version = self.store.schema_version().await.map_err(internal)?;
        Ok(ServerStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            backend: self.store.backend(),
            schema_version,
        })
    }
}
