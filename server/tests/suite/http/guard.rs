//! The guard: every server function and page refuses anonymous callers, except sign-in,
//! sign-out and setup; cross-origin state changes are refused.

use app::serverfns::auth::PUBLIC_SERVER_FN_PATHS;
use leptos_axum::generate_route_list;
use reqwest::StatusCode;

use super::test_app::TestApp;

#[tokio::test]
async fn every_server_function_refuses_an_anonymous_caller() {
    let app = TestApp::spawn_signed_in().await;
    let anonymous = TestApp::client_for(&app);
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(paths.len() >= 5, "server functions found: {paths:?}");
    for path in paths
        .iter()
        .filter(|path| !PUBLIC_SERVER_FN_PATHS.contains(&path.as_str()))
    {
        let response = anonymous.call_server_fn(path, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn every_page_sends_an_anonymous_visitor_to_sign_in_and_back() {
    let app = TestApp::spawn_signed_in().await;
    let anonymous = TestApp::client_for(&app);
    // Parameters get a concrete value: the guard must answer before any lookup happens.
    let pages: Vec<String> = generate_route_list(app::App)
        .iter()
        .map(|route| route.path().replace("{name}", "HaloPSA"))
        .collect();
    assert!(pages.len() >= 7, "pages found: {pages:?}");
    for page in pages
        .iter()
        .filter(|page| !matches!(page.as_str(), "/login" | "/login/code" | "/setup"))
    {
        let response = anonymous.get(page).await;
        assert!(
            response.status().is_redirection(),
            "{page}: {}",
            response.status()
        );
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert_eq!(
            location,
            format!("/login?next={}", urlencoding::encode(page)),
            "{page}"
        );
    }
    assert_eq!(anonymous.get("/login").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn before_setup_every_page_leads_to_the_setup_page() {
    let app = TestApp::spawn().await;
    for page in ["/", "/settings/organizations", "/login"] {
        let response = app.get(page).await;
        assert_eq!(response.headers()["location"], "/setup", "{page}");
    }
    assert_eq!(app.get("/setup").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn after_setup_the_setup_page_leads_to_sign_in() {
    let app = TestApp::spawn_signed_in().await;
    let anonymous = TestApp::client_for(&app);
    assert_eq!(
        anonymous.get("/setup").await.headers()["location"],
        "/login"
    );
}

#[tokio::test]
async fn a_state_change_from_another_origin_is_refused() {
    let app = TestApp::spawn_signed_in().await;
    let response = app
        .client
        .post(format!("{}/api/auth/logout", app.address))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn probes_and_static_files_need_no_session() {
    let app = TestApp::spawn_signed_in().await;
    let anonymous = TestApp::client_for(&app);
    assert_eq!(anonymous.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(anonymous.get("/readyz").await.status(), StatusCode::OK);
}
