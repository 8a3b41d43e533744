//! Sign-in throttling: failures slow the account and the address (behind a trusted proxy, the
//! client's), every concurrent guess is counted, and hashing runs in a bounded number of slots.

use app::ssr::AuthenticationServices;
use reqwest::StatusCode;

use super::error_of;
use crate::http::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

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
                .login(
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
                .login(&format!("user{n}@example.com"), "wrong", Some(&address))
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
