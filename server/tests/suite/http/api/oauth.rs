//! The OAuth token over the API: states mapped to their error codes, and a hanging provider that
//! holds only its own integration's requests.

use std::time::Duration;

use serde_json::Value;

use super::world::*;
use crate::helpers::TestDb;
use crate::provider::{FakeProvider, Fault};

async fn oauth_states_map_to_their_codes(db: TestDb) {
    let w = world(db).await;
    let provider_key = Some(w.provider_key.as_str());
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_not_connected",
    )
    .await;
    w.connect_halo().await;
    let (status, body) = w
        .call(provider_key, "/api/v1/integrations/HaloPSA?scope=Contoso")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["oauth"]["access_token"], "canary-access-1");
    assert_eq!(body["oauth"]["token_type"], "Bearer");
    assert!(body["oauth"]["expires_at"]
        .as_str()
        .is_some_and(|at| at.ends_with('Z')));

    // Expired with the provider failing: 502, and the stored token kept.
    let pool = w.app.db().store.raw_pool();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    provider.set_fault(Fault::ServerError);
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        502,
        "oauth_provider_error",
    )
    .await;

    // The grant revoked at the provider: 409 until someone reconnects.
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(pool)
        .await
        .expect("end backoff");
    provider.set_fault(Fault::None);
    provider.revoke_all_refresh_tokens();
    w.expect_error(
        provider_key,
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_needs_reconnect",
    )
    .await;
    w.app.finish().await;
}

/// A provider that hangs holds only its own integration's requests, and those no longer than
/// the provider timeout allows (3 attempts); every other integration and page keeps answering.
/// The API and the OAuth tab say what went wrong, and the integration recovers with the provider.
async fn a_hanging_provider_holds_only_its_own_integration(db: TestDb) {
    let w = world_configured(db, |config| {
        config.provider_timeout = Duration::from_secs(2);
        config.retry_pause = Duration::from_millis(100);
    })
    .await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    w.create_ninjaone().await;
    let pool = w.app.db().store.raw_pool();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    provider.set_fault(Fault::Slow(Duration::from_secs(60)));

    let mut hanging = Vec::new();
    for n in 0..8 {
        let (address, key) = (w.app.address.clone(), w.provider_key.clone());
        let scope = if n % 2 == 0 { "?scope=Contoso" } else { "" };
        hanging.push(tokio::spawn(async move {
            let started = std::time::Instant::now();
            let response = reqwest::Client::new()
                .get(format!("{address}/api/v1/integrations/HaloPSA{scope}"))
                .bearer_auth(key)
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, body, started.elapsed())
        }));
    }
    // Meanwhile the other integration and the admin pages answer as fast as ever.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut slowest = Duration::ZERO;
    let meanwhile = std::time::Instant::now();
    while meanwhile.elapsed() < Duration::from_millis(1_500) {
        let started = std::time::Instant::now();
        let (status, body) = w
            .call_as_workflow(Some(&w.provider_key), "/api/v1/integrations/NinjaOne")
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["entity_id"], "ninja-global");
        let page = w.app.get("/settings/integrations").await;
        assert_eq!(page.status(), 200);
        slowest = slowest.max(started.elapsed());
        assert!(
            hanging.iter().all(|task| !task.is_finished()),
            "the HaloPSA requests are waiting on the provider meanwhile"
        );
    }
    assert!(slowest < Duration::from_secs(3), "slowest {slowest:?}");

    // At most 3 attempts of 2 s with pauses of 0.1 and 0.4 s, then a clear error.
    for task in hanging {
        let (status, body, elapsed) = task.await.expect("task");
        assert_eq!(
            (status, body["error"].as_str()),
            (502, Some("oauth_provider_error")),
            "{body}"
        );
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains("no answer in time"), "{message}");
        assert!(elapsed < Duration::from_secs(10), "held {elapsed:?}");
    }
    assert_eq!(
        provider.count(&provider.state.calls.refresh),
        3,
        "one series of attempts"
    );
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Provider error") && html.contains("no answer in time"),
        "{html}"
    );

    // The provider answers again: once the 30 s pause is over (ended here), a fresh token.
    provider.set_fault(Fault::None);
    sqlx::query("UPDATE oauth_tokens SET lease_owner = NULL, lease_until = NULL")
        .execute(pool)
        .await
        .expect("end the pause");
    let (status, body) = w
        .call_as_workflow(Some(&w.provider_key), "/api/v1/integrations/HaloPSA")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["oauth"]["access_token"], "canary-access-2");
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    assert_eq!(tab.status(), 200);
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Connected") && !html.contains("Provider error"),
        "{html}"
    );

    // A revoked grant: the tab says Needs reconnect, the API answers 409.
    provider.revoke_all_refresh_tokens();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(pool)
        .await
        .expect("expire");
    w.expect_error(
        Some(&w.provider_key),
        "/api/v1/integrations/HaloPSA",
        409,
        "oauth_needs_reconnect",
    )
    .await;
    let tab = w.app.get("/settings/integrations/HaloPSA/oauth").await;
    let html = tab.text().await.expect("html");
    assert!(
        html.contains("Needs reconnect") && html.contains("invalid_grant"),
        "{html}"
    );
    w.app.finish().await;
}

crate::both_backends!(
    db: oauth_states_map_to_their_codes,
    a_hanging_provider_holds_only_its_own_integration,
);
