//! The port of organizations, the audit log and the server's status.

use crate::domain::admin::CurrentAdmin;
use crate::domain::audit::{AuditEntryView, AuditFilter};
use crate::domain::ids::OrganizationId;
use crate::domain::organization::{DeletionImpact, OrganizationView};
use crate::domain::paging::Paged;
use crate::domain::status::ServerStatus;
use crate::error::AppError;

/// Settings > Organizations.
#[async_trait::async_trait]
pub trait OrganizationServices: Send + Sync {
    async fn organizations(
        &self,
        search: &str,
        page: i64,
    ) -> Result<Paged<OrganizationView>, AppError>;
    async fn create_organization(
        &self,
        admin: &CurrentAdmin,
        name: &str,
    ) -> Result<OrganizationView, AppError>;
    async fn rename_organization(
        &self,
        admin: &CurrentAdmin,
        id: OrganizationId,
        name: &str,
    ) -> Result<OrganizationView, AppError>;
    /// What deleting the organization would take with it; refused for the provider organization.
    async fn organization_deletion_impact(
        &self,
        id: OrganizationId,
    ) -> Result<DeletionImpact, AppError>;
    async fn delete_organization(
        &self,
        admin: &CurrentAdmin,
        id: OrganizationId,
    ) -> Result<(), AppError>;
}

/// Settings > Audit Log.
#[async_trait::async_trait]
pub trait AuditServices: Send + Sync {
    /// The audit log, newest first.
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        page: i64,
    ) -> Result<Paged<AuditEntryView>, AppError>;
}

/// The Dashboard's server status.
#[async_trait::async_trait]
pub trait StatusServices: Send + Sync {
    async fn server_status(&self) -> Result<ServerStatus, AppError>;
}

/// The Dashboard's health centre.
#[async_trait::async_trait]
pub trait HealthServices: Send + Sync {
    /// Each kind's count under the filter, and the page of the kind it names.
    async fn health(
        &self,
        filter: &crate::domain::health::HealthFilter,
        page: i64,
    ) -> Result<crate::domain::health::HealthView, AppError>;
}
