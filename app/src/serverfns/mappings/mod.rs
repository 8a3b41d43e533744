//! Mappings: an integration's organizations, entity IDs and overrides.

mod create_mapping;
mod delete_mapping;
mod get_mapping;
mod get_new_mapping_values;
mod import_mappings;
mod list_mappings;
mod list_unmapped_organizations;
mod preview_mapping_import;
mod update_mapping;

pub use create_mapping::*;
pub use delete_mapping::*;
pub use get_mapping::*;
pub use get_new_mapping_values::*;
pub use import_mappings::*;
pub use list_mappings::*;
pub use list_unmapped_organizations::*;
pub use preview_mapping_import::*;
pub use update_mapping::*;
