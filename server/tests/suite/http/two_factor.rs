//! Two-factor sign-in through the server functions, as a browser and an authenticator app would.

use reqwest::StatusCode;
use serde_json::Value;
use totp_rs::{Algorithm, Secret, TOTP};

use super::test_app::{succeeded, unprocessable_error, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// The app's code for `secret` at `at` (seconds since the epoch).
fn code_at(secret: &str, at: u64) -> String {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .expect("base32");
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
        .expect("totp")
        .generate(at)
}

fn now_secs() -> u64 {
    u64::try_from(bifrost::time::now_millis() / 1000).expect("time")
}

/// Enrols the signed-in administrator; returns the secret and the recovery codes.
async fn enrol(app: &TestApp) -> (String, Vec<String>) {
    let started: Value = app.call_server_fn_json("/api/two-factor/start", &[]).await;
    let secret = started["secret"].as_str().expect("secret").to_string();
    assert!(started["otpauth_url"]
        .as_str()
        .is_some_and(|url| url.starts_with("otpauth://totp/")));
    assert!(started["qr_svg"]
        .as_str()
        .is_some_and(|svg| svg.contains("<svg")));
    let wrong = app
        .call_server_fn("/api/two-factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = code_at(&secret, now_secs());
    let codes: Vec<String> = app
        .call_server_fn_json("/api/two-factor/confirm", &[("code", &code)])
        .await;
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Password, then the second step with `code`; the response of the second step.
async fn sign_in_with(app: &TestApp, code: &str) -> reqwest::Response {
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let location = first
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(location.starts_with("/login/code"), "{location}");
    assert_eq!(
        app.me_status().await,
        StatusCode::UNAUTHORIZED,
        "the password alone signs nobody in"
    );
    app.call_server_fn("/api/auth/login-code", &[("code", code), ("next", "/")])
        .await
}

#[tokio::test]
async fn a_second_factor_is_asked_after_the_password_and_a_code_works_once() {
    let app = TestApp::spawn_signed_in().await;
    let (secret, recovery) = enrol(&app).await;

    let browser = TestApp::client_for(&app);
    let wrong = sign_in_with(&browser, "123 456").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The enrolment used up the current step's code; the next step's is accepted (one step of
    // skew), once.
    let next_step_code = code_at(&secret, now_secs() + 30);
    let accepted = sign_in_with(&browser, &next_step_code).await;
    assert!(succeeded(&accepted), "{}", accepted.status());
    assert_eq!(browser.me_status().await, StatusCode::OK);

    let replay = TestApp::client_for(&app);
    // The very code that was accepted: recomputing it could cross into the next step.
    let replayed = sign_in_with(&replay, &next_step_code).await;
    assert_eq!(
        replayed.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code is not accepted twice"
    );

    let with_recovery = TestApp::client_for(&app);
    assert!(succeeded(&sign_in_with(&with_recovery, &recovery[0]).await));
    let again = TestApp::client_for(&app);
    let refused = sign_in_with(&again, &recovery[0]).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "recovery codes are single-use"
    );
    app.finish().await;
}

#[tokio::test]
async fn required_two_factor_sends_every_page_to_enrolment_until_it_is_set_up() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_signed_in_on(db, |config| config.require_two_factor = true).await;
    let page = app.get("/settings/integrations").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/settings/two-factor")
    );
    let call = app
        .call_server_fn("/api/organizations/create", &[("name", "Contoso")])
        .await;
    assert_eq!(call.status(), StatusCode::FORBIDDEN);
    enrol(&app).await;
    assert_eq!(
        app.get("/settings/integrations").await.status(),
        StatusCode::OK
    );
    app.finish().await;
}

#[tokio::test]
async fn the_command_line_resets_a_lost_second_factor() {
    let app = TestApp::spawn_signed_in().await;
    enrol(&app).await;
    let actor = bifrost::store::audit::Actor {
        admin_id: None,
        label: "cli".into(),
    };
    app.services()
        .reset_two_factor(ADMIN_EMAIL, &actor)
        .await
        .expect("reset");
    let browser = TestApp::client_for(&app);
    assert!(succeeded(&browser.login(ADMIN_EMAIL, ADMIN_PASSWORD).await));
    app.finish().await;
}

/// Setting up a second factor is a sign-in setting: with the password given long ago (here: at
/// once), it is asked for again.
#[tokio::test]
async fn setting_up_asks_for_the_password_when_it_was_given_long_ago() {
    let app = TestApp::spawn_signed_in_with_the_password_given_long_ago().await;
    let refused = app.call_server_fn("/api/two-factor/start", &[]).await;
    let error = unprocessable_error(refused).await;
    assert_eq!(error["Invalid"]["field"], "current_password", "{error}");
    let started = app
        .call_server_fn(
            "/api/two-factor/start",
            &[("current_password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(started.status(), StatusCode::OK);
    app.finish().await;
}

/// Turning the second factor off from an unattended signed-in browser needs the password, and
/// guessing it there is throttled.
#[tokio::test]
async fn guessing_the_password_to_turn_it_off_is_throttled() {
    let app = TestApp::spawn_signed_in().await;
    let (secret, _) = enrol(&app).await;
    for n in 0..5 {
        let guess = format!("guess number {n}");
        let refused = app
            .call_server_fn(
                "/api/two-factor/disable",
                &[("password", guess.as_str()), ("code", "000000")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let code = code_at(&secret, now_secs() + 30);
    let throttled = app
        .call_server_fn(
            "/api/two-factor/disable",
            &[("password", ADMIN_PASSWORD), ("code", &code)],
        )
        .await;
    let error: Value = throttled.json().await.expect("json");
    assert!(
        error.to_string().contains("too many wrong passwords"),
        "{error}"
    );
    let status: Value = app.call_server_fn_json("/api/two-factor/status", &[]).await;
    assert_eq!(status["enabled"], true, "still on");
    app.finish().await;
}
