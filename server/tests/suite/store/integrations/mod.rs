//! Integrations, defaults, mappings and the merged config, through the services, on both backends.

mod concurrent_edits;
mod default_values;
mod fixtures;
mod mappings;
mod schema_changes;
