//! Administrators through their server functions.

use reqwest::StatusCode;
use serde_json::Value;

use super::test_app::{succeeded, unprocessable_error, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

const SECOND: &str = "second@example.com";
const SECOND_PASSWORD: &str = "second admin long password";

/// The form that adds the second administrator.
fn second_admin_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("email", SECOND),
        ("password", SECOND_PASSWORD),
        ("confirm_password", SECOND_PASSWORD),
    ]
}

async fn add_second(app: &TestApp) -> i64 {
    let added: Value = app
        .call_server_fn_json("/api/admins/add", &second_admin_form())
        .await;
    added["id"].as_i64().expect("id")
}

#[tokio::test]
async fn an_added_administrator_can_sign_in_and_be_removed_which_ends_their_session() {
    let app = TestApp::spawn_signed_in().await;
    let id = add_second(&app).await;
    let second = TestApp::client_for(&app);
    assert!(succeeded(&second.login(SECOND, SECOND_PASSWORD).await));

    let list: Value = app.call_server_fn_json("/api/admins/list", &[]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(2));

    let removed = app
        .call_server_fn("/api/admins/remove", &[("id", &id.to_string())])
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(second.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn one_cannot_remove_oneself() {
    let app = TestApp::spawn_signed_in().await;
    let me: Value = app.call_server_fn_json("/api/auth/me", &[]).await;
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
    let error = unprocessable_error(refused).await;
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
    assert_eq!(app.me_status().await, StatusCode::OK, "this session stays");
    assert_eq!(elsewhere.me_status().await, StatusCode::UNAUTHORIZED);
    let fresh = TestApp::client_for(&app);
    assert!(
        !succeeded(&fresh.login(ADMIN_EMAIL, ADMIN_PASSWORD).await),
        "the old password no longer works"
    );
    assert!(succeeded(&fresh.login(ADMIN_EMAIL, new_password).await));
}

/// Guessing the current password from a signed-in browser is throttled like a sign-in.
#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = TestApp::spawn_signed_in().await;
    let new_password = "a brand new long password";
    // Until the delay (doubling with each failure) outlasts the time between two attempts,
    // however slow the machine.
    let mut slowed = false;
    for n in 0..12 {
        let guess = format!("guess number {n}");
        let form = [
            ("current_password", guess.as_str()),
            ("password", new_password),
            ("confirm_password", new_password),
        ];
        let answer = app
            .call_server_fn("/api/admins/change-password", &form)
            .await;
        slowed = answer
            .text()
            .await
            .is_ok_and(|body| body.contains("too many wrong passwords"));
        if slowed {
            break;
        }
    }
    assert!(slowed, "wrong guesses are slowed down");
    // Refused right after, the right password waits too.
    let right = [
        ("current_password", ADMIN_PASSWORD),
        ("password", new_password),
        ("confirm_password", new_password),
    ];
    let refused = app
        .call_server_fn("/api/admins/change-password", &right)
        .await;
    let error: Value = refused.json().await.expect("json");
    assert_eq!(error["Invalid"]["field"], "current_password");
    assert!(
        error.to_string().contains("too many wrong passwords"),
        "{error}"
    );
    app.finish().await;
}

/// Adding or removing an administrator and creating a provider key, once the password was last
/// given longer ago than allowed (here: at once), need it again; a customer's key does not.
#[tokio::test]
async fn actions_that_reach_every_customer_ask_for_the_password_again() {
    let app = TestApp::spawn_signed_in_with_the_password_given_long_ago().await;
    let add = |current: &'static str| {
        let app = &app;
        async move {
            let form = [second_admin_form(), vec![("current_password", current)]].concat();
            app.call_server_fn("/api/admins/add", &form).await
        }
    };
    for (given, rule) in [
        ("", "enter your password again"),
        ("not it", "is not your password"),
    ] {
        let error = unprocessable_error(add(given).await).await;
        assert_eq!(error["Invalid"]["field"], "current_password", "{error}");
        assert!(error.to_string().contains(rule), "{error}");
    }
    assert_eq!(add(ADMIN_PASSWORD).await.status(), StatusCode::OK);

    let provider_id: i64 = sqlx::query_scalar("SELECT id FROM organizations WHERE is_provider = 1")
        .fetch_one(app.db().store.raw_pool())
        .await
        .expect("provider");
    let key = |organization_id: i64, current: &'static str| {
        let app = &app;
        async move {
            let body = serde_json::json!({
                "draft": { "name": "Runner", "organization_id": organization_id, "expires_on": "" },
                "current_password": current,
            });
            app.call_json("/api/api-keys/create", &body).await
        }
    };
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let refused = key(provider_id, "").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        key(provider_id, ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );

    let organization: Value = app
        .call_server_fn_json("/api/organizations/create", &[("name", "Contoso")])
        .await;
    let customer = organization["id"].as_i64().expect("id");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(
        key(customer, "").await.status(),
        StatusCode::OK,
        "a customer's key reaches one customer"
    );
    app.finish().await;
}
