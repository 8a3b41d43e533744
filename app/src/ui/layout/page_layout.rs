use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use super::settings_nav::SettingsNav;
use crate::serverfns::auth::{get_current_admin, Logout};

/// Header with the product name and the signed-in administrator, the Settings navigation on the
/// side, the page in the middle.
#[component]
pub fn PageLayout() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Bifrost Integrations"
            </A>
            <AccountMenu />
        </header>
        <div class="app-body">
            <SettingsNav />
            <main id="main" class="app-main"><Outlet /></main>
        </div>
    }
}

#[component]
fn AccountMenu() -> impl IntoView {
    let admin = Resource::new(|| (), |_| get_current_admin());
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="account">
            <Transition fallback=|| ()>
                {move || admin.get().and_then(Result::ok).map(|admin| view! {
                    <span class="account-email" title="Signed in as">{admin.email}</span>
                })}
            </Transition>
            <ActionForm action=logout>
                <button type="submit" class="button secondary small">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
