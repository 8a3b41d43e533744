//! First-run setup, sign-in, sign-out and sessions, through the server functions.

use reqwest::StatusCode;
use serde_json::Value;

use super::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("bifrost_session="))
        .map(str::to_string)
}

async fn error_of(response: reqwest::Response) -> Value {
    assert!(
        !response.status().is_success(),
        "expected an error, got {}",
        response.status()
    );
    response.json().await.expect("error body")
}

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

    let me: Value = app
        .call_server_fn("/api/auth/me", &[])
        .await
        .json()
        .await
        .expect("json");
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
async fn repeated_failures_slow_the_account_down() {
    let app = TestApp::spawn_signed_in().await;
    let other = TestApp::client_for(&app);
    for _ in 0..5 {
        other.login(ADMIN_EMAIL, "wrong password guess").await;
    }
    let error = error_of(other.login(ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    let message = error["Invalid"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("too many failed attempts"), "{error}");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn_signed_in().await;
    assert_eq!(
        app.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::OK
    );
    let response = app.call_server_fn("/api/auth/logout", &[]).await;
    assert!(succeeded(&response));
    let cleared = session_cookie(&response).expect("clearing cookie");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        app.call_server_fn("/api/auth/me", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
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
