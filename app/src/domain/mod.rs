//! Pure domain types shared by server and browser: no IO, validation in constructors.

pub mod admin;
pub mod api_key;
pub mod audit;
pub mod health;
pub mod ids;
pub mod integration;
pub mod navigation;
pub mod notifications;
pub mod oauth;
pub mod organization;
pub mod paging;
pub mod status;
pub mod time;
pub mod transfer;
