use leptos::prelude::*;

use crate::domain::admin::PASSWORD_HINT;
use crate::serverfns::auth::SetupFirstAdmin;
use crate::ui::components::form::{action_error, FormError, FormField, PendingButton};
use crate::ui::islands::{start_page_island, PageQuery};
use crate::ui::layout::auth_layout::AuthLayout;

/// First-run setup: shown only while no administrator exists.
#[island(lazy)]
pub fn SetupPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let setup = ServerAction::<SetupFirstAdmin>::new();
    let error = action_error(setup);

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
                <PendingButton pending=setup.pending() label="Create administrator" busy="Creating…" />
            </ActionForm>
        </AuthLayout>
    }
}
