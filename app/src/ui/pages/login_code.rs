use leptos::prelude::*;

use crate::serverfns::auth::LoginCode;
use crate::ui::components::form::{action_error, FormError, FormField, PendingButton};
use crate::ui::islands::{start_page_island, PageQuery};
use crate::ui::layout::auth_layout::AuthLayout;

/// The second step of a sign-in for an administrator with two-factor sign-in.
#[island(lazy)]
pub fn LoginCodePage(query: PageQuery) -> impl IntoView {
    let next = query.get("next").unwrap_or_default();
    start_page_island(query);
    let answer = ServerAction::<LoginCode>::new();
    let error = action_error(answer);

    view! {
        <AuthLayout title="Two-factor sign-in">
            <p class="muted">"Enter the code your authenticator app shows for Bifrost Integrations, or one of your recovery codes."</p>
            <ActionForm action=answer attr:class="form">
                <input type="hidden" name="next" value=next />
                <FormError error fields=&["code"] />
                <FormField label="Code" name="code" autocomplete="one-time-code" autofocus=true error />
                <PendingButton pending=answer.pending() label="Verify" busy="Checking…" />
            </ActionForm>
            <p><a href="/login">"Start again"</a></p>
        </AuthLayout>
    }
}
