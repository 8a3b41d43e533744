//! Organization rules.

use crate::store::{Store, StoreError};
use crate::time::now_millis;

/// The name the provider organization gets on first start; admins may rename it.
pub const DEFAULT_PROVIDER_NAME: &str = "Provider";

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
