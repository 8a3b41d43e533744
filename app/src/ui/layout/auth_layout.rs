use leptos::prelude::*;

/// The frame of the sign-in and setup pages: no navigation, one centred card.
#[component]
pub fn AuthLayout(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main id="main" class="auth-main">
            <div class="auth-card">
                <p class="auth-brand"><span class="brand-mark" aria-hidden="true">"◆"</span>" Bifrost Integrations"</p>
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}
