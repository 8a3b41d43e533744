//! Organizations: list, create, rename, delete.

mod create_organization;
mod delete_organization;
mod get_deletion_impact;
mod list_organizations;
mod rename_organization;

pub use create_organization::*;
pub use delete_organization::*;
pub use get_deletion_impact::*;
pub use list_organizations::*;
pub use rename_organization::*;
