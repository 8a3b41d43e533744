//! Server functions, one per file, grouped by domain. Each is a thin adapter: check the caller,
//! parse, call one service, map the result.

/// Declares server functions for signed-in administrators. Each one is the same adapter (check
/// the session, hand the services and the administrator to one call, give an error its HTTP
/// status), so a declaration states only what differs: the `#[server]` attribute, the arguments,
/// what it answers and the call.
///
/// ```ignore
/// admin_server_fn! {
///     /// Doc comment of the server function.
///     #[server(endpoint = "organizations/rename")]
///     pub async fn rename_organization(id: OrganizationId, name: String) -> OrganizationView
///     => |services, admin| services.rename_organization(&admin, id, &name).await
/// }
/// ```
macro_rules! admin_server_fn {
    ($(
        $(#[$attr:meta])*
        pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ok:ty
        => |$services:ident, $admin:pat_param| $body:expr
    )*) => {$(
        $(#[$attr])*
        pub async fn $name($($arg: $ty),*) -> Result<$ok, $crate::error::AppError> {
            $crate::ssr::as_admin(|$services, $admin| async move { $body }).await
        }
    )*};
}

pub mod admins;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod consent_links;
pub mod entities;
pub mod integrations;
pub mod mappings;
pub mod notifications;
pub mod oauth;
pub mod organizations;
pub mod status;
