//! Settings > Integrations: the list, the create and edit form, and the integration page with
//! its tabs.

pub mod auto_match;
pub mod configuration;
pub mod consent_links;
pub mod entities;
pub mod entities_island;
pub mod entity_picker;
pub mod form;
pub mod form_island;
pub mod layout;
pub mod list;
pub mod mapping_editor;
pub mod mapping_form;
pub mod mapping_import;
pub mod mapping_list;
pub mod mapping_token;
pub mod mappings;
pub mod oauth;
pub mod oauth_choice;
pub mod oauth_choice_island;
pub mod overview;
pub mod schema_fields;
pub mod token_status;
pub mod values;
