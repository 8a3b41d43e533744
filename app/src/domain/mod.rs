//! Pure domain types shared by server and browser: no IO, validation in constructors.

pub mod admin;
pub mod navigation;
pub mod status;
