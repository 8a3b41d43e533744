use leptos::prelude::*;
use leptos_router::components::A;

use super::settings_nav::SettingsNav;

/// Header with the product name, the Settings navigation on the side, the page in the middle.
#[component]
pub fn PageLayout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Bifrost Integrations"
            </A>
        </header>
        <div class="app-body">
            <SettingsNav />
            <main id="main" class="app-main">{children()}</main>
        </div>
    }
}
