//! Everything OAuth, in one place:
//!
//! - `provider`: a provider call's settings, the token it granted, how it failed;
//! - `provider_client` and `provider_transport`: the HTTP client for token, revocation and
//!   Test Connection requests (the `oauth2` crate), through `outbound`, the rules on where
//!   requests may go;
//! - `connections` and `connection_rules`: OAuth connections (Settings > OAuth Connections) and
//!   the rules their settings must pass;
//! - `authorization` and `flow`: Connect, from the state and the authorization URL to the
//!   callback that stores the token; `consent_flow`: the same for a customer's consent link;
//! - `tokens` and `refresh`: a fresh access token for a scope, refreshed once across replicas;
//! - `token_actions`: the OAuth and Mappings tabs' actions on tokens (the `OAuthTokenServices`
//!   port: status, Refresh, Disconnect, links to mappings);
//! - `revocation`: revoking tokens at the provider, best effort and audited;
//! - `test_connection`: Test Connection's request and its blanked answer;
//! - `url_template` and `url_values`: URLs filled per organization, and the values an OAuth
//!   connection's URLs were filled with at Connect, kept with its token.
//!
//! Apart from `provider`, `provider_client` and `outbound`, these are services: they hold the
//! rules; SQL stays in the store. Nothing here logs a token, a code or a client secret.

pub mod api_call;
mod authorization;
pub mod connection_rules;
pub mod connections;
pub mod consent_flow;
pub mod flow;
pub mod outbound;
pub mod provider;
pub mod provider_client;
mod provider_transport;
pub mod refresh;
pub mod revocation;
pub mod test_connection;
pub mod token_actions;
pub mod tokens;
pub mod url_template;
pub mod url_values;

pub use flow::{CallbackOutcome, CallbackQuery};
pub use provider::*;
pub use provider_client::{OAuthClient, PROVIDER_TIMEOUT};
pub use tokens::{FreshToken, TokenError};
