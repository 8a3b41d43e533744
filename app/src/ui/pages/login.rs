use leptos::prelude::*;

use crate::serverfns::auth::Login;
use crate::ui::components::form::{action_error, FormError, FormField, PendingButton};
use crate::ui::islands::{start_page_island, PageQuery};
use crate::ui::layout::auth_layout::AuthLayout;

/// Sign-in; returns to the page that was asked for (`?next=`).
// Not lazy: its code, the runtime every island shares, is the main WASM module the browser
// downloads first, in one file that compresses better than the many small shared ones.
#[island]
pub fn LoginPage(query: PageQuery) -> impl IntoView {
    let next = query.get("next").unwrap_or_default();
    start_page_island(query);
    let login = ServerAction::<Login>::new();
    let error = action_error(login);

    view! {
        <AuthLayout title="Sign in to Bifrost">
            <ActionForm action=login attr:class="form">
                <input type="hidden" name="next" value=next />
                <FormError error fields=&["email", "password"] />
                <FormField label="E-mail address" name="email" input_type="email" autocomplete="username" autofocus=true error />
                <FormField label="Password" name="password" input_type="password" autocomplete="current-password" error />
                <PendingButton pending=login.pending() label="Sign in" busy="Signing in…" />
            </ActionForm>
        </AuthLayout>
    }
}
