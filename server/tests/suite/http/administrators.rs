//! Administrators through their server functions.

use reqwest::StatusCode;
use serde_json::Value;

use super::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

const SECOND: &str = "second@example.com";
const SECOND_PASSWORD: &str = "second admin long password";

async fn add_second(app: &TestApp) -> i64 {
    let form = [
        ("email", SECOND),
        ("password", SECOND_PASSWORD),
        ("confirm_password", SECOND_PASSWORD),
    ];
    let added: Value = app
        .call_server_fn("/api/admins/add", &form)
        .await
        .json()
        .await
        .expect("json");
    added["id"].as_i64().expect("id")
}

#[tokio::test]
async fn an_added_administrator_can_sign_in_and_be_removed_which_ends_their_session() {
    let app = TestApp::spawn_signed_in().await;
    let id = add_second(&app).await;
    let second = TestApp::client_for(&app);
    assert!(succeeded(&second.login(SECOND, SECOND_PASSWORD).await));

    let list: Value = app
        .call_server_fn("/api/admins/list", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(2));

    let removed = app
        .call_server_fn("/api/admins/remove", &[("id", &id.to_string())])
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(
        second.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn one_cannot_remove_oneself() {
    let app = TestApp::spawn_signed_in().await;
    let me: Value = app
        .call_server_fn("/api/auth/me", &[])
        .await
        .json()
        .await
        .expect("json");
    let id = me["id"].as_i64().expect("id").to_string();
    let response = app
        .call_server_fn("/api/admins/remove", &[("id", &id)])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = TestApp::spawn_signed_in().await;
    let elsewhere = TestApp::client_for(&app);
    assert!(succeeded(
        &elsewhere.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    ));
    let new_password = "a brand new long password";

    let wrong = [
        ("current_password", "not it at all"),
        ("password", new_password),
        ("confirm_password", new_password),
    ];
    let refused = app
        .call_server_fn("/api/admins/change-password", &wrong)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = refused.json().await.expect("json");
    assert_eq!(error["Invalid"]["field"], "current_password");

    let right = [
        ("current_password", ADMIN_PASSWORD),
        ("password", new_password),
        ("confirm_password", new_password),
    ];
    assert_eq!(
        app.call_server_fn("/api/admins/change-password", &right)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let fresh = TestApp::client_for(&app);
    assert!(
        !succeeded(&fresh.login(ADMIN_EMAIL, ADMIN_PASSWORD).await),
        "the old password no longer works"
    );
    assert!(succeeded(&fresh.login(ADMIN_EMAIL, new_password).await));
}
