//! The HTML shell and the router: every page of the app is listed here.
//!
//! Pages render on the server (the router runs there alone). The interactive part of each page
//! is one lazy island: built with `cargo leptos build --split`, its code is a WASM file of its
//! own that the browser downloads when it shows the page, so a first load carries the runtime
//! and one page's island rather than the whole app.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;
use leptos_router::{MatchNestedRoutes, SsrMode};

use crate::ui::islands::PageQuery;

use crate::ui::layout::page_layout::PageLayout;
use crate::ui::pages::integrations::{
    configuration::ConfigurationTab,
    entities::EntitiesTab,
    form::{CreateIntegrationPage, EditIntegrationPage},
    layout::IntegrationLayout,
    list::IntegrationsPage,
    mappings::MappingsTab,
    oauth::OAuthTab,
    overview::OverviewTab,
};
use crate::ui::pages::{
    administrators::AdministratorsPage, api_keys::ApiKeysPage, audit_log::AuditLogPage,
    dashboard::DashboardPage, login::LoginPage, login_code::LoginCodePage, not_found::NotFoundPage,
    notifications::NotificationsPage, oauth_connections::OAuthConnectionsPage,
    organizations::OrganizationsPage, setup::SetupPage, two_factor::TwoFactorPage,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    set_page_security_policy();

    view! {
        <Stylesheet id="leptos" href="/pkg/bifrost.css" />
        <Title formatter=page_title />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=|| view! {
                    <Title text="Sign in" /><LoginPage query=PageQuery::current() />
                } />
                <Route path=path!("/login/code") view=|| view! {
                    <Title text="Two-factor sign-in" /><LoginCodePage query=PageQuery::current() />
                } />
                <Route path=path!("/setup") view=|| view! {
                    <Title text="Set up Bifrost" /><SetupPage query=PageQuery::current() />
                } />
                <ParentRoute path=path!("") view=PageLayout>
                    <Route path=path!("") view=|| view! {
                        <Title text="Dashboard" /><DashboardPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/integrations") view=|| view! {
                        <Title text="Integrations" /><IntegrationsPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/integrations/new") view=|| view! {
                        <Title text="Create Integration" /><CreateIntegrationPage />
                    } />
                    <IntegrationRoutes />
                    <Route path=path!("settings/oauth") view=|| view! {
                        <Title text="OAuth Connections" /><OAuthConnectionsPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/organizations") view=|| view! {
                        <Title text="Organizations" /><OrganizationsPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/api-keys") view=|| view! {
                        <Title text="API Keys" /><ApiKeysPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/notifications") view=|| view! {
                        <Title text="Notifications" /><NotificationsPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/audit-log") view=|| view! {
                        <Title text="Audit Log" /><AuditLogPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/administrators") view=|| view! {
                        <Title text="Administrators" /><AdministratorsPage query=PageQuery::current() />
                    } />
                    <Route path=path!("settings/two-factor") view=|| view! {
                        <Title text="Two-factor sign-in" /><TwoFactorPage query=PageQuery::current() />
                    } />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The document's title for a page's `<Title>`.
fn page_title(page: String) -> String {
    if page.is_empty() {
        "Bifrost Integrations".to_string()
    } else {
        format!("{page} · Bifrost")
    }
}

/// An integration's page (`/settings/integrations/:name`): its tabs, and Edit.
#[component(transparent)]
fn IntegrationRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("settings/integrations/:name") ssr=SsrMode::Async
            view=|| view! { <IntegrationLayout name=integration_name() /> }>
            <Route path=path!("") view=|| view! {
                <OverviewTab name=integration_name() query=PageQuery::current() />
            } />
            <Route path=path!("configuration") view=|| view! {
                <ConfigurationTab name=integration_name() query=PageQuery::current() />
            } />
            <Route path=path!("mappings") view=|| view! {
                <MappingsTab name=integration_name() query=PageQuery::current() />
            } />
            <Route path=path!("oauth") view=|| view! {
                <OAuthTab name=integration_name() query=PageQuery::current() />
            } />
            <Route path=path!("entities") view=|| view! {
                <EntitiesTab name=integration_name() query=PageQuery::current() />
            } />
            <Route path=path!("edit") view=|| view! {
                <Title text="Edit integration" />
                <EditIntegrationPage name=integration_name() />
            } />
        </ParentRoute>
    }
    .into_inner()
}

/// The page's Content-Security-Policy: scripts from this origin and the inline ones Leptos writes
/// (hydration, streamed data) with this response's nonce; WASM compilation for the app and its
/// lazily loaded pages; no plugins, no framing, no `<base>`.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(response), Some(nonce)) =
        (use_context::<leptos_axum::ResponseOptions>(), use_nonce())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The integration the address names (`/settings/integrations/:name/...`), read on the server.
fn integration_name() -> String {
    use_params_map()
        .get_untracked()
        .get("name")
        .unwrap_or_default()
}
