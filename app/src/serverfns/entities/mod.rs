//! An integration's entity source: its settings, Preview, Refresh list, the mapping picker's
//! search, and Auto-match.

mod accept_matches;
mod get_entity_source;
mod preview_entities;
mod propose_matches;
mod refresh_entity_list;
mod save_entity_source;
mod search_entities;

pub use accept_matches::*;
pub use get_entity_source::*;
pub use preview_entities::*;
pub use propose_matches::*;
pub use refresh_entity_list::*;
pub use save_entity_source::*;
pub use search_entities::*;
