//! API keys: list, create (the key is in the answer this once), revoke.

mod create_api_key;
mod list_api_keys;
mod revoke_api_key;

pub use create_api_key::*;
pub use list_api_keys::*;
pub use revoke_api_key::*;
