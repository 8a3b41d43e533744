//! After the kill: the stored OAuth token is whole, at least as new as the last one served, and
//! refreshing resumes once the killed server's lease runs out.

use std::time::Duration;

use bifrost::store::oauth_tokens::{token_identity, ACCESS_TOKEN_COLUMN, REFRESH_TOKEN_COLUMN};
use bifrost::store::Store;
use secrecy::ExposeSecret;

use super::token_number;
use crate::real_server::Installation;

/// After the restart the stored token is whole (access and refresh token from one grant), at
/// least as new as the last one a workflow was given, served at once despite the lease the
/// killed server left, and refreshed again once that lease runs out.
pub(super) async fn the_token_survived(
    installation: &Installation,
    store: &Store,
    server: &crate::real_server::Server,
    api_key: &str,
    name: &str,
    served_before: usize,
) {
    let stored_numbers = || async move {
        let (id, access, refresh): (i64, String, String) = sqlx::query_as(
            "SELECT t.id, t.access_token, t.refresh_token FROM oauth_tokens t \
             JOIN integrations i ON i.oauth_connection_id = t.connection_id WHERE i.name = $1",
        )
        .bind(name)
        .fetch_one(store.raw_pool())
        .await
        .expect("the token");
        let open = |column, sealed: &str| {
            let secret = installation
                .keyring
                .decrypt(token_identity(id.into(), column), sealed)
                .expect("sealed by this installation's key");
            token_number(secret.expose_secret())
        };
        (
            open(ACCESS_TOKEN_COLUMN, &access),
            open(REFRESH_TOKEN_COLUMN, &refresh),
        )
    };
    let (access, refresh) = stored_numbers().await;
    assert_eq!(access, refresh, "access and refresh token of one grant");
    assert!(
        access >= served_before,
        "stored {access}, served {served_before}"
    );

    let resolve = || async move {
        let started = std::time::Instant::now();
        let body: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/api/v1/integrations/{name}", server.address))
            .bearer_auth(api_key)
            .send()
            .await
            .expect("resolve")
            .json()
            .await
            .expect("JSON");
        let token = body["oauth"]["access_token"].as_str().unwrap_or_default();
        (
            token_number(token),
            started.elapsed(),
            body["error"].clone(),
        )
    };
    let lease: Option<String> = sqlx::query_scalar(
        "SELECT lease_owner FROM oauth_tokens WHERE lease_until > $1 AND lease_owner <> 'backoff'",
    )
    .bind(bifrost::time::now_millis())
    .fetch_optional(store.raw_pool())
    .await
    .expect("the lease")
    .flatten();
    assert!(lease.is_some(), "the killed server left its refresh lease");
    let (served, elapsed, error) = resolve().await;
    assert!(error.is_null(), "{error}");
    assert!(
        served >= served_before,
        "served {served}, before {served_before}"
    );
    // Not held until the lease runs out (50 s).
    assert!(elapsed < Duration::from_secs(10), "held {elapsed:?}");

    // The killed server's lease runs out (50 s; ended here): the next request refreshes.
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL")
        .execute(store.raw_pool())
        .await
        .expect("end the lease");
    // (This server's background pass may refresh first; requests see the new token soon.)
    let mut refreshed = served;
    for _ in 0..50 {
        refreshed = resolve().await.0;
        if refreshed > served {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refreshed > served, "refreshed {refreshed}, served {served}");
    let (access, refresh) = stored_numbers().await;
    assert_eq!((access, refresh), (refreshed, refreshed));
}
