//! Which organization a request acts for, and whether its key may.
//!
//! `scope` absent: the key's own organization. `scope=global`: the global scope (defaults and the
//! shared token), for provider keys only. `scope=id:42`: the organization with that id.
//! Otherwise an organization name, or, when no organization has that name, an id. A customer key
//! may act only for its own organization; asking for any other is 403 whether it exists or not,
//! so a customer key learns nothing about other organizations.

use super::WorkflowError;
use crate::services::api_keys::ApiCaller;
use crate::services::ServerServices;
use app::domain::ids::OrganizationId;

/// The organization a request acts for; `None` is the global scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub organization: Option<(OrganizationId, String)>,
}

pub const GLOBAL_SCOPE: &str = "global";

pub(super) async fn resolve_scope(
    services: &ServerServices,
    caller: &ApiCaller,
    requested: Option<&str>,
) -> Result<Scope, WorkflowError> {
    let own = Scope {
        organization: Some((caller.organization_id, caller.organization_name.clone())),
    };
    let requested = match requested.map(str::trim) {
        None | Some("") => return Ok(own),
        Some(text) => text,
    };
    if requested.eq_ignore_ascii_case(GLOBAL_SCOPE) {
        return if caller.provider {
            Ok(Scope { organization: None })
        } else {
            Err(WorkflowError::Forbidden)
        };
    }
    let store = services.store();
    let found = match requested
        .strip_prefix("id:")
        .map(str::parse::<OrganizationId>)
    {
        Some(Ok(id)) => store.find_organization(id).await?,
        Some(Err(_)) => None,
        None => match store.find_organization_by_name(requested).await? {
            Some(row) => Some(row),
            // A name wins over an id: an organization named "2024" is found by its name.
            None => match requested.parse::<OrganizationId>() {
                Ok(id) => store.find_organization(id).await?,
                Err(_) => None,
            },
        },
    };
    match found {
        Some(row) if row.id == caller.organization_id => Ok(own),
        _ if !caller.provider => Err(WorkflowError::Forbidden),
        Some(row) => Ok(Scope {
            organization: Some((row.id, row.name)),
        }),
        None => Err(WorkflowError::OrganizationNotFound(requested.to_string())),
    }
}
