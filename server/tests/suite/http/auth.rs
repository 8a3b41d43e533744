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

/// Signs in through a proxy that names the client in `X-Forwarded-For`.
async fn login_via(
    app: &TestApp,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/auth/login", app.address))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("request")
}

/// Behind a trusted proxy, an attacker's failures (random accounts and the administrator's own)
/// slow the attacker's address only: the administrator signs in from theirs.
#[tokio::test]
async fn an_attackers_failures_do_not_stop_the_administrator_from_another_address() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_configured(db, |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("network")];
    })
    .await;
    let setup = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
    assert!(succeeded(&setup));
    let attacker = TestApp::client_for(&app);
    for n in 0..25 {
        let email = if n % 3 == 0 {
            ADMIN_EMAIL.to_string()
        } else {
            format!("guess{n}-{}@example.com", rand::random::<u32>())
        };
        let response = login_via(&attacker, "203.0.113.9", &email, "wrong guess").await;
        assert!(!succeeded(&response));
    }
    let blocked = login_via(&attacker, "203.0.113.9", "fresh@example.com", "x").await;
    let error = error_of(blocked).await;
    assert!(
        error.to_string().contains("too many failed attempts"),
        "{error}"
    );

    let administrator = TestApp::client_for(&app);
    let response = login_via(&administrator, "198.51.100.7", ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(succeeded(&response), "{}", response.status());
    app.finish().await;
}

/// From a client that is not a trusted proxy the header is the client's own invention: changing
/// it on every attempt does not escape the throttle of the real address.
#[tokio::test]
async fn a_forwarded_header_from_an_untrusted_client_is_ignored() {
    let app = TestApp::spawn_signed_in().await;
    let attacker = TestApp::client_for(&app);
    for n in 0..20 {
        let email = format!("guess{n}@example.com");
        login_via(&attacker, &format!("192.0.2.{n}"), &email, "wrong guess").await;
    }
    let error = error_of(login_via(&attacker, "192.0.2.200", "new@example.com", "x").await).await;
    assert!(
        error.to_string().contains("too many failed attempts"),
        "{error}"
    );
    app.finish().await;
}

fn services_with_two_hash_slots(
    db: &crate::helpers::TestDb,
    wait: std::time::Duration,
) -> std::sync::Arc<bifrost::services::ServerServices> {
    let mut config = bifrost::services::ServicesConfig::new("http://127.0.0.1:3000", false);
    config.hashing_slots = 2;
    config.hashing_wait = wait;
    std::sync::Arc::new(bifrost::services::ServerServices::new(
        db.store.clone(),
        config,
        crate::helpers::test_keyring(),
    ))
}

/// 200 guesses for one account sent at once from one address: each is counted as it is
/// reserved, so only the free allowance reaches a password check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_are_each_counted_before_the_check() {
    let db = crate::helpers::TestDb::sqlite().await;
    let services = services_with_two_hash_slots(&db, std::time::Duration::from_secs(60));
    let guesses = (0..200).map(|n| {
        let services = services.clone();
        tokio::spawn(async move {
            services
                .sign_in(
                    "ops@example.com",
                    &format!("guess {n}"),
                    Some("203.0.113.9"),
                )
                .await
        })
    });
    let guesses: Vec<_> = guesses.collect();
    for guess in guesses {
        assert!(guess.await.expect("task").is_err());
    }
    assert_eq!(
        services.password_hashing().runs(),
        5,
        "only the free allowance was checked"
    );
}

/// 200 sign-ins from 200 addresses at once: at most two hashes run at a time, and whoever
/// waits too long for a slot is told to come back (429 with Retry-After at the edge).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ins_run_at_most_the_configured_hashes_at_once() {
    let db = crate::helpers::TestDb::sqlite().await;
    let services = services_with_two_hash_slots(&db, std::time::Duration::from_millis(200));
    let attempts = (0..200).map(|n| {
        let services = services.clone();
        tokio::spawn(async move {
            let address = format!("198.51.{}.{}", n / 250, n % 250);
            services
                .sign_in(&format!("user{n}@example.com"), "wrong", Some(&address))
                .await
        })
    });
    let attempts: Vec<_> = attempts.collect();
    let mut busy = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Err(app::error::AppError::Busy(seconds)) => {
                assert!(seconds >= 1);
                busy += 1;
            }
            Err(_) => {}
            Ok(_) => panic!("a wrong password signed in"),
        }
    }
    let hashing = services.password_hashing();
    assert!(hashing.peak() <= 2, "{} hashes ran at once", hashing.peak());
    assert_eq!(
        hashing.runs() + busy,
        200,
        "every attempt was checked or turned away"
    );
    assert!(busy > 0, "some had to wait longer than allowed");
}

/// At the edge, a sign-in turned away for want of a hashing slot is 429 with `Retry-After`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sign_in_turned_away_gets_429_with_retry_after() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_configured(db, |config| {
        config.hashing_slots = 1;
        config.hashing_wait = std::time::Duration::from_millis(20);
    })
    .await;
    let attempts = (0..30).map(|n| {
        let client = TestApp::client_for(&app);
        async move {
            client
                .login(&format!("user{n}@example.com"), "wrong guess")
                .await
        }
    });
    let responses = futures_util::future::join_all(attempts).await;
    let turned_away: Vec<&reqwest::Response> = responses
        .iter()
        .filter(|response| response.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(!turned_away.is_empty(), "30 at once with one slot");
    for response in turned_away {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        assert!(
            retry_after.is_some_and(|seconds| seconds >= 1),
            "{retry_after:?}"
        );
    }
    app.finish().await;
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
    let app = TestApp::spawn_configured(db, |config| {
        config.session_idle = std::time::Duration::from_millis(600);
    })
    .await;
    let response = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
    assert!(succeeded(&response));
    let me = app.call_server_fn("/api/auth/me", &[]).await;
    let me: Value = me.json().await.expect("json");
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
