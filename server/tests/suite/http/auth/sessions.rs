//! Sign-in and sessions: clear refusals, case-insensitive emails, sign-out on the server,
//! passwords stored only as Argon2id hashes, the `__Host-` cookie over https, idle sessions.

use reqwest::StatusCode;
use serde_json::Value;

use super::{error_of, session_cookie};
use crate::http::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_clear_message() {
    let app = TestApp::spawn_signed_in().await;
    let stranger = TestApp::client_for(&app);
    let response = stranger.login(ADMIN_EMAIL, "not the password at all").await;
    let error = error_of(response).await;
    assert_eq!(error["Invalid"]["field"], "password");
    assert_eq!(
        error["Invalid"]["message"],
        "the e-mail address or the password is wrong"
    );
}

#[tokio::test]
async fn login_is_case_insensitive_on_the_email_and_returns_to_the_page_asked_for() {
    let app = TestApp::spawn_signed_in().await;
    let other = TestApp::client_for(&app);
    let response = other
        .call_server_fn(
            "/api/auth/login",
            &[
                ("email", "ADMIN@example.com"),
                ("password", ADMIN_PASSWORD),
                ("next", "/settings/organizations"),
            ],
        )
        .await;
    assert!(succeeded(&response), "{}", response.status());
    assert_eq!(response.headers()["location"], "/settings/organizations");
    assert!(session_cookie(&response).is_some());
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn_signed_in().await;
    assert_eq!(app.me_status().await, StatusCode::OK);
    let response = app.call_server_fn("/api/auth/logout", &[]).await;
    assert!(succeeded(&response));
    let cleared = session_cookie(&response).expect("clearing cookie");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(app.me_status().await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() {
    let app = TestApp::spawn_signed_in().await;
    let admin = app
        .db()
        .store
        .find_admin_by_email_key(ADMIN_EMAIL)
        .await
        .expect("find")
        .expect("admin");
    assert!(
        admin
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        admin.password_hash
    );
    app.db().store.close().await;
    for file in app.db().files() {
        let bytes = std::fs::read(&file).expect("database file");
        let found = bytes
            .windows(ADMIN_PASSWORD.len())
            .any(|window| window == ADMIN_PASSWORD.as_bytes());
        assert!(!found, "the plaintext password is in {}", file.display());
    }
}

/// Over https the session cookie carries the `__Host-` prefix (so no sibling host can set or
/// shadow it), with `Secure` and `Path=/`, and lasts the configured lifetime.
#[tokio::test]
async fn an_https_server_sets_a_host_prefixed_secure_cookie() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_configured(db, |config| {
        config.secure_cookies = true;
        config.session_lifetime = std::time::Duration::from_secs(2 * 60 * 60);
    })
    .await;
    let response = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
    assert!(succeeded(&response), "{}", response.status());
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("__Host-bifrost_session="))
        .expect("a __Host- cookie")
        .to_string();
    for part in ["Secure", "Path=/", "HttpOnly", "Max-Age=7200"] {
        assert!(cookie.contains(part), "{part}: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    app.finish().await;
}

/// A session ends after the configured time without a request.
#[tokio::test]
async fn an_idle_session_ends() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_signed_in_on(db, |config| {
        config.session_idle = std::time::Duration::from_millis(600);
    })
    .await;
    let me: Value = app.call_server_fn_json("/api/auth/me", &[]).await;
    assert_eq!(me["email"], ADMIN_EMAIL, "active right after sign-in");
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    let after = app.call_server_fn("/api/auth/me", &[]).await;
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "signed out after the idle time"
    );
    app.finish().await;
}
