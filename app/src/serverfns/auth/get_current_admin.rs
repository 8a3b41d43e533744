use leptos::prelude::*;

use crate::domain::admin::CurrentAdmin;
use crate::error::AppError;

/// Who is signed in, for the page header.
#[server(endpoint = "auth/me")]
pub async fn get_current_admin() -> Result<CurrentAdmin, AppError> {
    crate::ssr::with_status(crate::ssr::require_admin())
}
