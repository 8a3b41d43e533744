//! The HTML shell and the router: every page of the app is listed here.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

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

    view! {
        <Stylesheet id="leptos" href="/pkg/bifrost.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Bifrost Integrations".to_string() } else { format!("{page} · Bifrost") }
        } />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/setup") view=SetupPage />
                <ParentRoute path=path!("") view=PageLayout>
                    <Route path=path!("") view=DashboardPage />
                    <Route path=path!("settings/integrations") view=IntegrationsPage />
                    <Route path=path!("settings/integrations/new") view=CreateIntegrationPage />
                    <ParentRoute path=path!("settings/integrations/:name") view=IntegrationLayout>
                        <Route path=path!("") view=OverviewTab />
                        <Route path=path!("configuration") view=ConfigurationTab />
                        <Route path=path!("mappings") view=MappingsTab />
                        <Route path=path!("oauth") view=OAuthTab />
                        <Route path=path!("edit") view=EditIntegrationPage />
                    </ParentRoute>
                    <Route path=path!("settings/oauth") view=OAuthConnectionsPage />
                    <Route path=path!("settings/organizations") view=OrganizationsPage />
                    <Route path=path!("settings/api-keys") view=ApiKeysPage />
                    <Route path=path!("settings/audit-log") view=AuditLogPage />
                    <Route path=path!("settings/administrators") view=AdministratorsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
