//! The HTML shell and the router: every page of the app is listed here.
//!
//! Every page is a lazy route: built with `cargo leptos build --split`, its code is a WASM file
//! of its own that the browser downloads when it first shows the page, so the first load carries
//! the shell, the layout and one page rather than the whole app.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

use crate::ui::layout::page_layout::PageLayout;
use crate::ui::pages::integrations::{
    configuration::ConfigurationTab,
    form::{CreateIntegrationPage, EditIntegrationPage},
    layout::IntegrationLayout,
    list::IntegrationsPage,
    mappings::MappingsTab,
    oauth::OAuthTab,
    overview::OverviewTab,
};
use crate::ui::pages::{
    administrators::AdministratorsPage, api_keys::ApiKeysPage, audit_log::AuditLogPage,
    dashboard::DashboardPage, login::LoginPage, not_found::NotFoundPage,
    oauth_connections::OAuthConnectionsPage, organizations::OrganizationsPage, setup::SetupPage,
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
                <HydrationScripts options />
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
        <Title formatter=|page: String| {
            if page.is_empty() { "Bifrost Integrations".to_string() } else { format!("{page} · Bifrost") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} />
                <ParentRoute path=path!("") view=PageLayout>
                    <Route path=path!("") view={Lazy::<DashboardRoute>::new()} />
                    <Route path=path!("settings/integrations") view={Lazy::<IntegrationsRoute>::new()} />
                    <Route path=path!("settings/integrations/new") view={Lazy::<CreateIntegrationRoute>::new()} />
                    <ParentRoute path=path!("settings/integrations/:name") view=IntegrationLayout>
                        <Route path=path!("") view={Lazy::<OverviewRoute>::new()} />
                        <Route path=path!("configuration") view={Lazy::<ConfigurationRoute>::new()} />
                        <Route path=path!("mappings") view={Lazy::<MappingsRoute>::new()} />
                        <Route path=path!("oauth") view={Lazy::<OAuthTabRoute>::new()} />
                        <Route path=path!("edit") view={Lazy::<EditIntegrationRoute>::new()} />
                    </ParentRoute>
                    <Route path=path!("settings/oauth") view={Lazy::<OAuthConnectionsRoute>::new()} />
                    <Route path=path!("settings/organizations") view={Lazy::<OrganizationsRoute>::new()} />
                    <Route path=path!("settings/api-keys") view={Lazy::<ApiKeysRoute>::new()} />
                    <Route path=path!("settings/audit-log") view={Lazy::<AuditLogRoute>::new()} />
                    <Route path=path!("settings/administrators") view={Lazy::<AdministratorsRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts from this origin and the inline ones Leptos writes
/// (hydration, streamed data) with this response's nonce; WASM compilation for the app and its
/// lazily loaded pages; no plugins, no framing, no `<base>`.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
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

// One lazy route per page. The routes load no data of their own: each page's resources start
// when its view runs.

struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        LoginRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage /> }.into_any()
    }
}

struct SetupRoute;

#[lazy_route]
impl LazyRoute for SetupRoute {
    fn data() -> Self {
        SetupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SetupPage /> }.into_any()
    }
}

struct DashboardRoute;

#[lazy_route]
impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        DashboardRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <DashboardPage /> }.into_any()
    }
}

struct IntegrationsRoute;

#[lazy_route]
impl LazyRoute for IntegrationsRoute {
    fn data() -> Self {
        IntegrationsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <IntegrationsPage /> }.into_any()
    }
}

struct CreateIntegrationRoute;

#[lazy_route]
impl LazyRoute for CreateIntegrationRoute {
    fn data() -> Self {
        CreateIntegrationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <CreateIntegrationPage /> }.into_any()
    }
}

struct OverviewRoute;

#[lazy_route]
impl LazyRoute for OverviewRoute {
    fn data() -> Self {
        OverviewRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OverviewTab /> }.into_any()
    }
}

struct ConfigurationRoute;

#[lazy_route]
impl LazyRoute for ConfigurationRoute {
    fn data() -> Self {
        ConfigurationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ConfigurationTab /> }.into_any()
    }
}

struct MappingsRoute;

#[lazy_route]
impl LazyRoute for MappingsRoute {
    fn data() -> Self {
        MappingsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <MappingsTab /> }.into_any()
    }
}

struct OAuthTabRoute;

#[lazy_route]
impl LazyRoute for OAuthTabRoute {
    fn data() -> Self {
        OAuthTabRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OAuthTab /> }.into_any()
    }
}

struct EditIntegrationRoute;

#[lazy_route]
impl LazyRoute for EditIntegrationRoute {
    fn data() -> Self {
        EditIntegrationRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <EditIntegrationPage /> }.into_any()
    }
}

struct OAuthConnectionsRoute;

#[lazy_route]
impl LazyRoute for OAuthConnectionsRoute {
    fn data() -> Self {
        OAuthConnectionsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OAuthConnectionsPage /> }.into_any()
    }
}

struct OrganizationsRoute;

#[lazy_route]
impl LazyRoute for OrganizationsRoute {
    fn data() -> Self {
        OrganizationsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OrganizationsPage /> }.into_any()
    }
}

struct ApiKeysRoute;

#[lazy_route]
impl LazyRoute for ApiKeysRoute {
    fn data() -> Self {
        ApiKeysRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ApiKeysPage /> }.into_any()
    }
}

struct AuditLogRoute;

#[lazy_route]
impl LazyRoute for AuditLogRoute {
    fn data() -> Self {
        AuditLogRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AuditLogPage /> }.into_any()
    }
}

struct AdministratorsRoute;

#[lazy_route]
impl LazyRoute for AdministratorsRoute {
    fn data() -> Self {
        AdministratorsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AdministratorsPage /> }.into_any()
    }
}
