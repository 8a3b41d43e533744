use leptos::prelude::*;

use crate::domain::admin::PASSWORD_HINT;
use crate::serverfns::auth::SetupFirstAdmin;
use crate::ui::components::form::{FormError, FormField};
use crate::ui::islands::{start_page_island, PageQuery};
use crate::ui::layout::auth_layout::AuthLayout;

/// First-run setup: shown only while no administrator exists.
#[island(lazy)]
pub fn SetupPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let setup = ServerAction::<SetupFirstAdmin>::new();
    let error = Signal::derive(move || setup.value().get().and_then(Result::err));
    let pending = setup.pending();

    view! {
        <AuthLayout title="Welcome to Bifrost Integrations">
            <p class="muted">"Create the first administrator account. You can add more administrators later."</p>
            <ActionForm action=setup attr:class="form">
                <FormError error fields=&["setup_code", "email", "password", "confirm_password"] />
                <FormField label="Setup code" name="setup_code" autocomplete="off" autofocus=true
                    hint="Printed by the server when it started; run `bifrost setup-code` to see it again." error />
                <FormField label="E-mail address" name="email" input_type="email" autocomplete="username" error />
                <FormField label="Password" name="password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT error />
                <FormField label="Confirm password" name="confirm_password" input_type="password" autocomplete="new-password" error />
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { "Creating…" } else { "Create administrator" }}
                </button>
            </ActionForm>
        </AuthLayout>
    }
}
