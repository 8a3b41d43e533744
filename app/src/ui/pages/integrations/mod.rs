//! Settings > Integrations: the list, the create and edit form, and the integration page with
//! its tabs.

pub mod configuration;
pub mod form;
pub mod layout;
pub mod list;
pub mod mapping_import;
pub mod mapping_token;
pub mod mappings;
pub mod oauth;
pub mod overview;
pub mod values;
