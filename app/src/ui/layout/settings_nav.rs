use leptos::prelude::*;
use leptos_router::components::A;

/// The Settings pages, in the order the navigation shows them.
pub const SETTINGS_PAGES: [(&str, &str); 8] = [
    ("Integrations", "/settings/integrations"),
    ("OAuth Connections", "/settings/oauth"),
    ("Organizations", "/settings/organizations"),
    ("API Keys", "/settings/api-keys"),
    ("Notifications", "/settings/notifications"),
    ("Audit Log", "/settings/audit-log"),
    ("Administrators", "/settings/administrators"),
    ("Two-factor sign-in", "/settings/two-factor"),
];

/// Side navigation; the router marks the current page with `aria-current="page"`.
#[component]
pub fn SettingsNav() -> impl IntoView {
    view! {
        <nav class="side-nav" aria-label="Settings">
            <A href="/" exact=true>"Dashboard"</A>
            <h2 class="side-nav-heading">"Settings"</h2>
            <ul>
                {SETTINGS_PAGES
                    .into_iter()
                    .map(|(label, href)| view! { <li><A href=href>{label}</A></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}
