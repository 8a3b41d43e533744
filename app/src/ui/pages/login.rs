use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::serverfns::auth::Login;
use crate::ui::components::form::{FormError, FormField};
use crate::ui::layout::auth_layout::AuthLayout;

/// Sign-in; returns to the page that was asked for (`?next=`).
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    let pending = login.pending();

    view! {
        <Title text="Sign in" />
        <AuthLayout title="Sign in to Bifrost">
            <ActionForm action=login attr:class="form">
                <input type="hidden" name="next" value=next />
                <FormError error fields=&["email", "password"] />
                <FormField label="E-mail address" name="email" input_type="email" autocomplete="username" autofocus=true error />
                <FormField label="Password" name="password" input_type="password" autocomplete="current-password" error />
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </AuthLayout>
    }
}
