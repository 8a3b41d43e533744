//! Refresh on expiry: the rotated refresh token stored, `invalid_grant` asking for a reconnect,
//! provider faults that keep the tokens and recover, and one series of attempts for many
//! waiting requests.

use app::domain::ids::TokenId;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::OAuthTokenServices;
use bifrost::services::TokenError;
use bifrost::store::Store;

use super::fixtures::*;
use crate::provider::Fault;

async fn an_expiring_token_is_refreshed_with_its_rotation_stored(store: Store) {
    let (provider, setup) = connected(&store).await;

    // Fresh: no refresh.
    setup.token(None).await.expect("fresh");
    assert_eq!(provider.count(&provider.state.calls.refresh), 0);

    // Within the margin: refreshed, with the scopes sent again.
    expire_tokens(&store, now() + 60_000).await;
    assert_eq!(access_token_text(&setup, None).await, "canary-access-2");
    assert_eq!(provider.count(&provider.state.calls.refresh), 1);
    let form = provider.last_form();
    assert_eq!(
        form.get("refresh_token").map(String::as_str),
        Some("canary-refresh-1")
    );
    assert_eq!(
        form.get("scope").map(String::as_str),
        Some("api.read offline_access")
    );

    // The rotated refresh token was stored: the next refresh presents it (the old one is dead).
    expire_tokens(&store, now() - 1).await;
    setup.token(None).await.expect("again");
    assert_eq!(
        provider
            .last_form()
            .get("refresh_token")
            .map(String::as_str),
        Some("canary-refresh-2")
    );

    // A provider that forgot the grant: Needs reconnect, with the record kept.
    provider.revoke_all_refresh_tokens();
    expire_tokens(&store, now() - 1).await;
    let refused = setup.token(None).await;
    assert!(
        matches!(refused, Err(TokenError::NeedsReconnect(_))),
        "{refused:?}"
    );
    let (status, kept) = stored_status_and_refresh_token(&store).await;
    assert_eq!(status, "needs_reconnect");
    assert!(kept.is_some());
    let view = setup.oauth_view().await;
    assert!(view
        .shared
        .expect("shared")
        .last_error
        .contains("invalid_grant"));
    // Reconnecting restores it.
    connect(&setup, None).await;
    setup.token(None).await.expect("reconnected");
}

/// Ends the pause after a failed refresh, as 30 seconds would.
async fn end_backoff(store: &Store) {
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(store.raw_pool())
        .await
        .expect("end the backoff");
}

async fn provider_faults_keep_the_tokens_and_recover(store: Store) {
    let (provider, setup) = connected(&store).await;
    expire_tokens(&store, now() - 1).await;

    provider.set_fault(Fault::ServerError);
    let failed = setup.token(None).await;
    assert!(matches!(failed, Err(TokenError::Provider(_))), "{failed:?}");
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "retried with backoff"
    );

    // Within the backoff no new call, whoever asks.
    let paused = setup.token(None).await;
    assert!(matches!(paused, Err(TokenError::Provider(_))), "{paused:?}");
    assert_eq!(provider.count(&provider.state.calls.refresh), 3);

    end_backoff(&store).await;
    provider.set_fault(Fault::Garbage);
    let garbage = setup.token(None).await;
    assert!(
        matches!(garbage, Err(TokenError::Provider(_))),
        "{garbage:?}"
    );

    end_backoff(&store).await;
    provider.set_fault(Fault::Slow(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    let slow = setup.token(None).await;
    assert!(matches!(slow, Err(TokenError::Provider(_))), "{slow:?}");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "bounded by the timeout"
    );

    let (status, refresh) = stored_status_and_refresh_token(&store).await;
    assert_eq!(status, "connected");
    assert!(refresh.is_some(), "nothing discarded");

    // Provider back, still within the pause: requests and the background pass keep waiting it
    // out (no call), while an administrator's Refresh now tries at once, stores the new token
    // and clears the error.
    provider.set_fault(Fault::None);
    let calls = provider.count(&provider.state.calls.refresh);
    let paused = setup.token(None).await;
    assert!(matches!(paused, Err(TokenError::Provider(_))), "{paused:?}");
    assert_eq!(
        setup
            .services
            .refresh_expiring_tokens()
            .await
            .expect("pass"),
        0
    );
    assert_eq!(provider.count(&provider.state.calls.refresh), calls);
    let token_id: TokenId = sqlx::query_scalar("SELECT id FROM oauth_tokens")
        .fetch_one(store.raw_pool())
        .await
        .expect("token");
    let view = setup
        .services
        .refresh_oauth_token(&setup.admin, setup.integration_id, token_id)
        .await
        .expect("refreshed now");
    assert_eq!(provider.count(&provider.state.calls.refresh), calls + 1);
    assert!(view.last_error.is_empty(), "{}", view.last_error);
    assert!(view.expires_at.is_some_and(|at| at > now()));
    setup.token(None).await.expect("recovered");
}

async fn requests_waiting_on_a_failing_refresh_do_not_repeat_it(store: Store) {
    let (provider, setup) = connected(&store).await;
    expire_tokens(&store, now() - 1).await;
    provider.set_fault(Fault::ServerError);
    let integration_id = setup.integration_id;
    let services = Arc::new(setup.services);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let services = services.clone();
        tasks.push(tokio::spawn(async move {
            services.integration_token(integration_id, None).await
        }));
    }
    for task in tasks {
        let outcome = task.await.expect("task");
        assert!(
            matches!(outcome, Err(TokenError::Provider(_))),
            "{outcome:?}"
        );
    }
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "one series of attempts"
    );

    // A token without a refresh token that is still valid is served, not marked for reconnecting.
    sqlx::query("UPDATE oauth_tokens SET refresh_token = NULL, lease_owner = NULL, lease_until = NULL, expires_at = $1")
        .bind(now() + 60_000)
        .execute(store.raw_pool())
        .await
        .expect("drop the refresh token");
    services
        .integration_token(integration_id, None)
        .await
        .expect("still valid");
    expire_tokens(&store, now() - 1).await;
    let expired = services.integration_token(integration_id, None).await;
    assert!(
        matches!(expired, Err(TokenError::NeedsReconnect(_))),
        "{expired:?}"
    );
}

crate::both_backends!(
    store: an_expiring_token_is_refreshed_with_its_rotation_stored,
    provider_faults_keep_the_tokens_and_recover,
    requests_waiting_on_a_failing_refresh_do_not_repeat_it,
);
