//! API keys and scopes over HTTP: every error code, the scope rules for provider and customer
//! keys, keys refused at once when revoked or expired, and the typed merged config.

use app::ssr::{ApiKeyServices, OrganizationServices};
use serde_json::{json, Value};

use super::world::*;
use crate::helpers::TestDb;

async fn keys_and_scopes(db: TestDb) {
    let w = world(db).await;
    let provider = Some(w.provider_key.as_str());
    let contoso = Some(w.contoso_key.as_str());

    // 401: no key, a malformed one, an unknown one.
    w.expect_error(None, "/api/v1/integrations/HaloPSA", 401, "unauthorized")
        .await;
    w.expect_error(
        Some("nonsense"),
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;
    w.expect_error(
        Some("bfk_unknown"),
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;

    // A provider key without a scope acts for the provider organization: no mapping, so the
    // global scope's defaults and default entity ID.
    let (status, body) = w.call(provider, "/api/v1/integrations/halopsa").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "HaloPSA");
    assert_eq!(body["entity_id"], "global-tenant");
    assert_eq!(body["mapped"], false);
    assert_eq!(body["config"]["timeout"], 30);
    assert_eq!(body["config"]["api_key"], SECRET_VALUE);
    assert_eq!(body["config"]["options"], json!({ "region": "eu" }));
    assert_eq!(body["oauth"], Value::Null);

    // Any organization, by name or id; the override applies.
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=contoso")
        .await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-a"), Some(45))
    );
    assert_eq!(body["entity_name"], "Contoso Ltd");
    assert_eq!(body["organization"]["id"], w.contoso.get());
    let (_, body) = w
        .call(
            provider,
            &format!("/api/v1/integrations/HaloPSA?scope={}", w.fabrikam),
        )
        .await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-b"), Some(30))
    );
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=global")
        .await;
    assert_eq!(
        (body["organization"].clone(), body["entity_id"].as_str()),
        (Value::Null, Some("global-tenant"))
    );

    // A customer key: its own organization only, whatever it asks.
    let (status, body) = w.call(contoso, "/api/v1/integrations/HaloPSA").await;
    assert_eq!(
        (status, body["entity_id"].as_str()),
        (200, Some("tenant-a"))
    );
    let (status, _) = w
        .call(
            contoso,
            &format!("/api/v1/integrations/HaloPSA?scope={}", w.contoso),
        )
        .await;
    assert_eq!(status, 200);
    for scope in ["Fabrikam", &w.fabrikam.to_string(), "global", "Nobody"] {
        w.expect_error(
            contoso,
            &format!("/api/v1/integrations/HaloPSA?scope={scope}"),
            403,
            "forbidden",
        )
        .await;
    }

    // A name made of digits is found by its name; `id:` always means an id.
    let numbered = w
        .services
        .create_organization(&w.admin, "2024")
        .await
        .expect("org 2024");
    let (_, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA?scope=2024")
        .await;
    assert_eq!(body["organization"]["id"], numbered.id.get(), "{body}");
    let (_, body) = w
        .call(
            provider,
            &format!("/api/v1/integrations/HaloPSA?scope=id:{}", w.contoso),
        )
        .await;
    assert_eq!(body["organization"]["name"], "Contoso");
    w.expect_error(
        contoso,
        "/api/v1/integrations/HaloPSA?scope=id:999999",
        403,
        "forbidden",
    )
    .await;

    // The scheme is case-insensitive.
    let lower = w
        .app
        .client
        .get(format!("{}/api/v1/integrations/HaloPSA", w.app.address))
        .header("authorization", format!("bearer {}", w.provider_key))
        .send()
        .await
        .expect("request");
    assert_eq!(lower.status(), 200);

    // Malformed requests, unknown routes and other methods get JSON errors too.
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA/mappings?page=abc",
        400,
        "bad_request",
    )
    .await;
    w.expect_error(None, "/api/v1/nothing/here", 404, "not_found")
        .await;
    let posted = w
        .app
        .client
        .post(format!("{}/api/v1/integrations/HaloPSA", w.app.address))
        .bearer_auth(&w.provider_key)
        .send()
        .await
        .expect("request");
    assert_eq!(posted.status(), 405);
    let body: Value = posted.json().await.expect("json");
    assert_eq!(body["error"], "method_not_allowed");

    // 404s.
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA?scope=Nobody",
        404,
        "organization_not_found",
    )
    .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/Nothing",
        404,
        "integration_not_found",
    )
    .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/Nothing/mappings",
        404,
        "integration_not_found",
    )
    .await;

    // Mappings: all for a provider key, only its own for a customer key.
    let (status, body) = w
        .call(provider, "/api/v1/integrations/HaloPSA/mappings")
        .await;
    assert_eq!((status, body["total"].as_i64()), (200, Some(2)));
    assert_eq!(body["items"][0]["organization_name"], "Contoso");
    assert_eq!(body["items"][1]["entity_id"], "tenant-b");
    let (_, body) = w
        .call(contoso, "/api/v1/integrations/HaloPSA/mappings")
        .await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["items"][0]["entity_id"], "tenant-a");
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA/mappings?page=0",
        400,
        "bad_request",
    )
    .await;

    // Revoked and expired keys are refused at once.
    let keys = w.services.api_keys(1).await.expect("keys");
    let contoso_key_id = keys
        .items
        .iter()
        .find(|k| k.name == "contoso automation")
        .expect("key")
        .id;
    w.services
        .revoke_api_key(&w.admin, contoso_key_id)
        .await
        .expect("revoke");
    w.expect_error(contoso, "/api/v1/integrations/HaloPSA", 401, "unauthorized")
        .await;
    sqlx::query("UPDATE api_keys SET expires_at = 1")
        .execute(w.app.db().store.raw_pool())
        .await
        .expect("expire");
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA",
        401,
        "unauthorized",
    )
    .await;

    // Only hashes are stored, and a use was recorded.
    let stored: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT key_hash, last_used_at FROM api_keys")
            .fetch_all(w.app.db().store.raw_pool())
            .await
            .expect("rows");
    assert!(stored
        .iter()
        .all(|(hash, _)| hash.len() == 64 && !w.provider_key.contains(hash.as_str())));
    assert!(stored.iter().all(|(_, used)| used.is_some()));
    w.app.finish().await;
}

crate::both_backends!(
    db: keys_and_scopes,
);
