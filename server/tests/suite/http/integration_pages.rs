//! The integration page's addresses: each tab of an existing integration renders under its
//! stored name, whatever the case in the address; an address naming no integration answers 404
//! with the not-found page rather than a page headed with that name.

use reqwest::StatusCode;
use serde_json::json;

use super::test_app::TestApp;

const TABS: [&str; 5] = ["", "/configuration", "/mappings", "/oauth", "/edit"];

/// Each tab of the integration the address names: its path, status and HTML.
async fn tabs_of(app: &TestApp, name: &str) -> Vec<(String, StatusCode, String)> {
    let mut pages = Vec::new();
    for tab in TABS {
        let path = format!("/settings/integrations/{name}{tab}");
        let (status, html) = app.get_page(&path).await;
        pages.push((path, status, html));
    }
    pages
}

#[tokio::test]
async fn an_unknown_integrations_tabs_are_not_found() {
    let app = TestApp::spawn_signed_in().await;
    for (path, status, html) in tabs_of(&app, "NoSuchThing").await {
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("Page not found"),
            "{path} shows the not-found page"
        );
        assert!(
            !html.contains("NoSuchThing"),
            "{path} does not head a page with the name"
        );
    }
}

#[tokio::test]
async fn an_existing_integrations_tabs_render_under_its_stored_name() {
    let app = TestApp::spawn_signed_in().await;
    let draft = json!({ "draft": {
        "name": "HaloPSA", "description": "", "entity_id_name": "", "default_entity_id": "",
        "fields": [], "confirm_field_removal": false
    }});
    let created = app.call_json("/api/integrations/create", &draft).await;
    assert_eq!(created.status(), StatusCode::OK);
    for (path, status, html) in tabs_of(&app, "halopsa").await {
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.contains("<h1>HaloPSA</h1>"),
            "{path} is headed with the stored name"
        );
    }
}
