//! The change generation: a counter that database triggers move forward on every change to what
//! the workflow API answers (migration 0010), read to know whether answers kept in memory are
//! still current.

use super::{Store, StoreError};

impl Store {
    /// The current change generation; it only grows.
    pub async fn change_generation(&self) -> Result<i64, StoreError> {
        let generation: i64 =
            sqlx::query_scalar("SELECT generation FROM change_generation WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(generation)
    }
}
