//! Sign-in throttling: failures slow the account and the address (behind a trusted proxy, the
//! client's), every concurrent guess is counted, and hashing runs in a bounded number of slots.

use app::error::AppError;
use app::ssr::{AuthenticationServices, SignInStep};
use reqwest::StatusCode;

use super::error_of;
use crate::http::test_app::{succeeded, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn repeated_failures_slow_the_account_down() {
    let app = TestApp::spawn_signed_in().await;
    let other = TestApp::client_for(&app);
    // Until the delay outlasts the time between two attempts, however slow the machine.
    let mut refused = false;
    for _ in 0..12 {
        let guess = error_of(other.login(ADMIN_EMAIL, "wrong password guess").await).await;
        refused = guess.to_string().contains("too many failed attempts");
        if refused {
            break;
        }
    }
    assert!(refused, "wrong guesses are slowed down");
    // Refused right after, the right password waits too.
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

/// Wrong guesses from the address `forwarded_for` names, for the account `account` names, until
/// one is refused as too many: the number of the refused attempt, `None` if 40 were not.
///
/// The throttle delays an attempt for a time that doubles with each failure past the free ones,
/// so on a machine slow enough that a second passes between two attempts the first delayed one
/// may already be allowed again; going on until refused keeps the test about the rule, not the
/// machine's speed.
async fn guesses_until_refused(
    attacker: &TestApp,
    forwarded_for: impl Fn(usize) -> String,
    account: impl Fn(usize) -> String,
) -> Option<usize> {
    for n in 0..40 {
        let response = login_via(attacker, &forwarded_for(n), &account(n), "wrong guess").await;
        let answer = error_of(response).await.to_string();
        if answer.contains("too many failed attempts") {
            return Some(n);
        }
    }
    None
}

/// Behind a trusted proxy, an attacker's failures (random accounts and the administrator's own)
/// slow the attacker's address only: the administrator signs in from theirs.
#[tokio::test]
async fn an_attackers_failures_do_not_stop_the_administrator_from_another_address() {
    let db = crate::helpers::TestDb::sqlite().await;
    let app = TestApp::spawn_signed_in_on(db, |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("network")];
    })
    .await;
    let attacker = TestApp::client_for(&app);
    let account = |n: usize| match n % 3 {
        0 => ADMIN_EMAIL.to_string(),
        _ => format!("guess{n}-{}@example.com", rand::random::<u32>()),
    };
    let refused_at = guesses_until_refused(&attacker, |_| "203.0.113.9".into(), account).await;
    assert!(refused_at.is_some(), "the attacker's address is slowed");

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
    // Honoured, the header would give every attempt an address of its own, never slowed.
    let account = |n: usize| format!("guess{n}@example.com");
    let refused_at = guesses_until_refused(&attacker, |n| format!("192.0.2.{n}"), account).await;
    assert!(
        refused_at.is_some_and(|attempt| attempt >= 20),
        "the real address is slowed whatever the header says: {refused_at:?}"
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

/// 200 sign-ins sent at once to `services`, the `n`th with the e-mail address, password and
/// client address `attempt(n)` names; each one's outcome, in order.
async fn two_hundred_sign_ins_at_once(
    services: &std::sync::Arc<bifrost::services::ServerServices>,
    attempt: impl Fn(usize) -> (String, String, String),
) -> Vec<Result<SignInStep, AppError>> {
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let services = services.clone();
            let (email, password, address) = attempt(n);
            tokio::spawn(async move { services.login(&email, &password, Some(&address)).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    outcomes
}

/// 200 guesses for one account sent at once from one address: each is counted as it is
/// reserved, so only the free allowance reaches a password check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_are_each_counted_before_the_check() {
    let db = crate::helpers::TestDb::sqlite().await;
    let services = services_with_two_hash_slots(&db, std::time::Duration::from_secs(60));
    let guesses = two_hundred_sign_ins_at_once(&services, |n| {
        let guess = format!("guess {n}");
        ("ops@example.com".into(), guess, "203.0.113.9".into())
    })
    .await;
    for guess in guesses {
        assert!(guess.is_err());
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
    let attempts = two_hundred_sign_ins_at_once(&services, |n| {
        let address = format!("198.51.{}.{}", n / 250, n % 250);
        (format!("user{n}@example.com"), "wrong".into(), address)
    })
    .await;
    let mut busy = 0;
    for attempt in attempts {
        match attempt {
            Err(AppError::Busy(seconds)) => {
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
