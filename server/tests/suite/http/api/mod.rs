//! The workflow API over HTTP, on both backends: every error code, the scope rules for provider
//! and customer keys, keys refused at once when revoked or expired, typed merged config, the
//! OAuth token (fresh, needing reconnect, provider failing), mappings, and the OpenAPI document.

mod consent;
mod customer_isolation;
mod fresh_answers;
mod index_answers;
mod keys_and_scopes;
mod oauth;
mod openapi;
mod world;
