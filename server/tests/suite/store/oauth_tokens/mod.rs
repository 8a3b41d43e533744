//! The Connect flow and token lifecycle against an in-process provider, on both backends: state
//! bound to the session, single-use and expiring; the PKCE verifier sent; tokens sealed at
//! rest; refresh on expiry with rotation stored; `invalid_grant`; provider faults; exactly one
//! refresh for 100 concurrent requests across two server instances; client credentials per
//! organization with `{entity_id}` in the token URL; Disconnect with revocation.

mod connect_flow;
mod fixtures;
mod leases;
mod never_shown;
mod organization_tokens;
mod refresh;
mod revocation;
mod token_choice;

pub(super) use fixtures::{
    connect, connection_draft, consented, mapped_organization, services_with, setup, stored_texts,
    Setup, CONNECTION, SESSION,
};
