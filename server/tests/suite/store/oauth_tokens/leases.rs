//! The refresh lease: one left by a dead server holds no request, a live one is never taken, and
//! 100 concurrent requests on two server instances make one refresh.

use app::domain::ids::TokenId;
use std::sync::Arc;
use std::time::Duration;

use bifrost::store::Store;

use super::fixtures::*;
use crate::helpers::TestDb;

/// A server killed while refreshing leaves its lease behind: requests elsewhere are served the
/// still-valid token at once, and a token that runs out is refreshed once the lease ends.
async fn a_lease_left_by_a_dead_server_holds_no_request(store: Store) {
    let (provider, setup) = connected(&store).await;
    let leave_lease = |expires_at: i64, lease_until: i64| {
        sqlx::query(
            "UPDATE oauth_tokens SET expires_at = $1, lease_owner = 'killed-server', lease_until = $2",
        )
        .bind(expires_at)
        .bind(lease_until)
        .execute(store.raw_pool())
    };

    // Due for a refresh (2 minutes left) but leased for 50 s by the dead server: served now.
    leave_lease(now() + 120_000, now() + 50_000)
        .await
        .expect("lease");
    let started = std::time::Instant::now();
    assert_eq!(access_token_text(&setup, None).await, "canary-access-1");
    // Not held until the lease runs out (50 s).
    assert!(started.elapsed() < Duration::from_secs(5), "held");
    assert_eq!(provider.count(&provider.state.calls.refresh), 0);

    // Nearly expired, the lease ending in a second: waits for it, then refreshes once.
    leave_lease(now() + 5_000, now() + 1_000)
        .await
        .expect("lease");
    assert_eq!(access_token_text(&setup, None).await, "canary-access-2");
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
}

/// The refresh lease: never taken from a live refresh (even to end a pause), the pause after a
/// failure ended only when asked, and a lapsed lease free for anyone.
async fn a_refresh_lease_is_never_taken_from_a_live_refresh(store: Store) {
    let (_provider, _setup) = connected(&store).await;
    let (id, version): (TokenId, i64) = sqlx::query_as("SELECT id, version FROM oauth_tokens")
        .fetch_one(store.raw_pool())
        .await
        .expect("token");
    let lease = |owner: &'static str, until: i64| {
        sqlx::query("UPDATE oauth_tokens SET lease_owner = $1, lease_until = $2")
            .bind(owner)
            .bind(until)
            .execute(store.raw_pool())
    };
    let acquire = |end_pause: bool| {
        store.acquire_refresh_lease(
            id,
            version,
            "this-server",
            (now(), now() + 50_000),
            end_pause,
        )
    };
    lease("other-server", now() + 50_000).await.expect("lease");
    assert!(
        !acquire(true).await.expect("acquire"),
        "another server's refresh"
    );
    lease("backoff", now() + 30_000).await.expect("pause");
    assert!(
        !acquire(false).await.expect("acquire"),
        "the pause is respected"
    );
    assert!(
        acquire(true).await.expect("acquire"),
        "the pause is ended when asked"
    );
    lease("other-server", now() - 1).await.expect("lapsed");
    assert!(
        acquire(false).await.expect("acquire"),
        "a lapsed lease is free"
    );
}

/// 100 concurrent requests on an expired token, half through each of two server instances
/// (separate services and connection pools on one database): one refresh call.
async fn one_refresh_for_100_concurrent_requests_on_two_instances(db: TestDb) {
    let (provider, setup) = connected(&db.store).await;
    let second_store = Store::connect(db.url()).await.expect("second pool");
    let second = Arc::new(services(&second_store, setup.keyring.clone()));
    let first = Arc::new(setup.services);
    provider.set_refresh_delay(Duration::from_millis(300));
    expire_tokens(&db.store, now() - 1).await;
    let mut tasks = Vec::new();
    for n in 0..100 {
        let instance = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let integration_id = setup.integration_id;
        tasks.push(tokio::spawn(async move {
            instance.integration_token(integration_id, None).await
        }));
    }
    use secrecy::ExposeSecret;
    for task in tasks {
        let token = task.await.expect("task").expect("token").expect("oauth");
        assert_eq!(token.access_token.expose_secret(), "canary-access-2");
    }
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
    second_store.close().await;
    db.finish().await;
}

crate::both_backends!(
    store: a_lease_left_by_a_dead_server_holds_no_request,
    a_refresh_lease_is_never_taken_from_a_live_refresh;
    db: #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    one_refresh_for_100_concurrent_requests_on_two_instances,
);
