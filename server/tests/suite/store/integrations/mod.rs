//! Integrations, defaults, mappings and the merged config, through the services, on both backends.

mod concurrent_edits;
mod default_values;
mod fixtures;
mod inline_oauth;
mod mappings;
mod schema_changes;
