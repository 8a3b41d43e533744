//! First-run setup: the first administrator with a hardened session cookie, refused once one
//! exists, without the printed code or for another host, and fields checked by name.

use reqwest::StatusCode;
use serde_json::Value;

use super::{error_of, session_cookie};
use crate::http::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn setup_creates_the_first_admin_with_a_hardened_session_cookie() {
    let app = TestApp::spawn().await;
    let response = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
    assert!(succeeded(&response), "{}", response.status());
    let cookie = session_cookie(&response).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain-http servers cannot use Secure cookies: {cookie}"
    );
    let token = cookie
        .trim_start_matches("bifrost_session=")
        .split(';')
        .next()
        .unwrap_or_default();
    assert!(
        token.len() >= 43,
        "256-bit token expected, got {} characters",
        token.len()
    );

    let me: Value = app.call_server_fn_json("/api/auth/me", &[]).await;
    assert_eq!(me["email"], ADMIN_EMAIL);
}

#[tokio::test]
async fn setup_is_refused_once_an_admin_exists() {
    let app = TestApp::spawn_signed_in().await;
    let again = app
        .setup("other@example.com", ADMIN_PASSWORD, ADMIN_PASSWORD)
        .await;
    let error = error_of(again).await;
    assert!(
        error["Conflict"]
            .as_str()
            .is_some_and(|m| m.contains("already")),
        "{error}"
    );
    assert_eq!(app.db().store.count_admins().await.expect("count"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_setups_create_exactly_one_admin() {
    let app = TestApp::spawn().await;
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..6 {
        let browser = TestApp::client_for(&app);
        attempts.spawn(async move {
            let email = format!("admin{n}@example.com");
            succeeded(&browser.setup(&email, ADMIN_PASSWORD, ADMIN_PASSWORD).await)
        });
    }
    let successes = attempts
        .join_all()
        .await
        .into_iter()
        .filter(|won| *won)
        .count();
    assert_eq!(successes, 1);
    assert_eq!(app.db().store.count_admins().await.expect("count"), 1);
}

#[tokio::test]
async fn setup_validates_each_field_by_name() {
    let app = TestApp::spawn().await;
    let cases = [
        ("not-an-email", ADMIN_PASSWORD, ADMIN_PASSWORD, "email"),
        (ADMIN_EMAIL, "short", "short", "password"),
        (
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            "something else entirely",
            "confirm_password",
        ),
    ];
    for (email, password, confirm, field) in cases {
        let error = error_of(app.setup(email, password, confirm).await).await;
        assert_eq!(error["Invalid"]["field"], field, "{error}");
    }
    assert_eq!(app.db().store.count_admins().await.expect("count"), 0);
}

/// The setup page belongs to whoever has the code the server printed, not to the first visitor.
#[tokio::test]
async fn setup_is_refused_without_the_code_the_server_printed() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.setup_code.len(),
        14,
        "XXXX-XXXX-XXXX: {}",
        app.setup_code
    );
    for code in ["", "AAAA-BBBB-CCCC"] {
        let error = error_of(
            app.setup_with_code(code, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD)
                .await,
        )
        .await;
        assert_eq!(error["Invalid"]["field"], "setup_code", "{error}");
    }
    let typed = app.setup_code.to_lowercase().replace('-', " ");
    let response = app
        .setup_with_code(&typed, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD)
        .await;
    assert!(
        succeeded(&response),
        "case, spaces and dashes do not matter"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM setup_code")
        .fetch_one(app.db().store.raw_pool())
        .await
        .expect("count");
    assert_eq!(count, 0, "the code is gone with the setup");
    app.finish().await;
}

/// DNS rebinding: a page served under another name that resolves to this server may not sign
/// in or set up, even though it is same-origin with itself.
#[tokio::test]
async fn sign_in_and_setup_for_another_host_are_refused() {
    let app = TestApp::spawn().await;
    for path in ["/api/auth/setup", "/api/auth/login"] {
        let response = app
            .client
            .post(format!("{}{path}", app.address))
            .header("host", "rebound.example:80")
            .header("origin", "http://rebound.example:80")
            .header("accept", "application/json")
            .form(&[
                ("setup_code", app.setup_code.as_str()),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("confirm_password", ADMIN_PASSWORD),
            ])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{path}");
    }
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admins")
        .fetch_one(app.db().store.raw_pool())
        .await
        .expect("count");
    assert_eq!(admins, 0);
    app.finish().await;
}
