//! Organization rules: names unique in any case, the provider organization kept forever.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::OrganizationId;
use app::domain::organization::{
    DeletionImpact, OrganizationName, OrganizationView, ORGANIZATIONS_PER_PAGE,
};
use app::domain::paging::{PageRequest, Paged};
use app::error::AppError;
use app::ssr::OrganizationServices;

use super::{actor_of, internal, ServerServices};
use crate::store::organizations::OrganizationRow;
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

fn view(row: OrganizationRow) -> OrganizationView {
    OrganizationView {
        id: row.id,
        name: row.name,
        is_provider: row.is_provider,
        created_at: row.created_at,
    }
}

fn name_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::invalid("name", "an organization with this name already exists")
        }
        other => internal(other),
    }
}

fn not_found() -> AppError {
    AppError::NotFound("the organization".to_string())
}

#[async_trait::async_trait]
impl OrganizationServices for ServerServices {
    async fn organizations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<OrganizationView>, AppError> {
        let request = PageRequest::new(page, ORGANIZATIONS_PER_PAGE);
        let rows = self
            .store
            .list_organizations(search.trim(), request.per_page, request.offset())
            .await
            .map_err(internal)?;
        Ok(rows.paged(request, view))
    }

    async fn create_organization(
        &self,
        admin: &CurrentAdmin,
        name: &str,
    ) -> Result<OrganizationView, AppError> {
        let name = OrganizationName::parse(name)?;
        let row = self
            .store
            .create_organization(name.as_str(), &actor_of(admin), now_millis())
            .await
            .map_err(name_taken)?;
        Ok(view(row))
    }

    async fn rename_organization(
        &self,
        admin: &CurrentAdmin,
        id: OrganizationId,
        name: &str,
    ) -> Result<OrganizationView, AppError> {
        let name = OrganizationName::parse(name)?;
        let renamed = self
            .store
            .rename_organization(id, name.as_str(), &actor_of(admin), now_millis())
            .await
            .map_err(name_taken)?;
        renamed.map(view).ok_or_else(not_found)
    }

    /// What the confirmation before deleting must say.
    async fn organization_deletion_impact(
        &self,
        id: OrganizationId,
    ) -> Result<DeletionImpact, AppError> {
        let row = self.customer_organization(id).await?;
        Ok(DeletionImpact {
            mappings: self
                .store
                .mappings_of_organization(row.id)
                .await
                .map_err(internal)?,
            name: row.name,
        })
    }

    async fn delete_organization(
        &self,
        admin: &CurrentAdmin,
        id: OrganizationId,
    ) -> Result<(), AppError> {
        self.customer_organization(id).await?;
        let actor = actor_of(admin);
        let tokens = self
            .store
            .oauth_tokens_held(None, Some(id))
            .await
            .map_err(internal)?;
        self.store
            .delete_customer_organization(id, &actor, now_millis())
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        // The organization's tokens went with it; the providers are told after the fact.
        self.revoke_each_quietly(&actor, &tokens).await;
        Ok(())
    }
}

impl ServerServices {
    /// A customer organization; the provider organization is refused, since it is permanent.
    async fn customer_organization(&self, id: OrganizationId) -> Result<OrganizationRow, AppError> {
        let row = self
            .store
            .find_organization(id)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        if row.is_provider {
            return Err(provider_is_permanent());
        }
        Ok(row)
    }
}

fn provider_is_permanent() -> AppError {
    AppError::Conflict("the provider organization cannot be deleted".to_string())
}
