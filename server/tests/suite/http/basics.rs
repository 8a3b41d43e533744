//! Probes, pages and the status server function.

use reqwest::StatusCode;
use serde_json::Value;

use super::test_app::TestApp;

/// A probe's status code and the `status` its JSON body reports.
async fn probe(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.get(path).await;
    let code = response.status();
    let body: Value = response.json().await.expect("json");
    (code, body["status"].clone())
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    assert_eq!(probe(&app, "/healthz").await, (StatusCode::OK, "ok".into()));
}

#[tokio::test]
async fn readyz_answers_ok_while_the_store_is_reachable_and_503_once_it_is_not() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    app.db().store.close().await;
    let unavailable = (StatusCode::SERVICE_UNAVAILABLE, "unavailable".into());
    assert_eq!(probe(&app, "/readyz").await, unavailable);
}

#[tokio::test]
async fn every_settings_page_renders_with_the_navigation() {
    let app = TestApp::spawn_signed_in().await;
    for (title, path) in app::ui::layout::settings_nav::SETTINGS_PAGES {
        let (status, html) = app.get_page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            html.contains("Bifrost Integrations"),
            "{path} lacks the product name"
        );
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{path} lacks its heading"
        );
        assert!(
            html.contains("aria-current=\"page\""),
            "{path} does not mark itself in the nav"
        );
    }
}

#[tokio::test]
async fn an_unknown_page_is_404() {
    let app = TestApp::spawn_signed_in().await;
    let (status, html) = app.get_page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn the_status_server_function_reports_the_backend_and_schema() {
    let app = TestApp::spawn_signed_in().await;
    let response = app.call_server_fn("/api/status/get", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["backend"], "Sqlite");
    assert!(
        body["schema_version"].as_i64().is_some_and(|v| v >= 1),
        "{body}"
    );
}
