//! Crash safety, on both backends: the real `bifrost` binary is killed with SIGKILL while
//! administrators create organizations and their mappings and save config values and workflows
//! resolve, then started again on the same database. Every write the server acknowledged is
//! there (a mapping with its override), the latest value is at least the last acknowledged one,
//! and SQLite's file passes its integrity check.
//! The kill lands while the OAuth provider is answering a token refresh: the stored token is
//! whole and at least as new as the last one served, and refreshing resumes after the restart.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bifrost::store::Store;

use crate::helpers::TestDb;
use crate::provider::FakeProvider;
use crate::real_server::{oauth_integration, Installation, Prepared};

mod token_after_restart;

use token_after_restart::the_token_survived;

/// The number in a fake provider's token (`canary-access-7` → 7).
fn token_number(token: &str) -> usize {
    token
        .rsplit('-')
        .next()
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

/// The JSON answer of an acknowledged (2xx) request; `None` when the server failed or is gone.
async fn acknowledged_json(request: reqwest::RequestBuilder) -> Option<serde_json::Value> {
    let response = request.send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

async fn crash_loses_no_acknowledged_write(db: TestDb) {
    let installation = Installation::new(db.url());
    let Prepared {
        integration,
        integration_id,
        api_key,
    } = installation.prepare(&db.store, (20, 1, 10), "crash").await;
    // A token due for a refresh every second (the refresh margin is 5 minutes), at a provider
    // that answers after 300 ms and, like Okta or Auth0, accepts a used refresh token again
    // until its successor is used.
    let provider = FakeProvider::start().await;
    provider.set_expires_in(Some(301));
    provider.set_refresh_delay(Duration::from_millis(300));
    provider.allow_rotation_grace();
    let oauth = oauth_integration(&installation, &db.store, &provider, "Crash_OAuth", 2, 0).await;

    let mut server = installation.start().await;
    let admin = server.signed_in().await;
    let organizations = Arc::new(Mutex::new(Vec::<u32>::new()));
    let values = Arc::new(Mutex::new(Vec::<u32>::new()));
    let mut writers = Vec::new();
    // Each writer creates organizations and maps each one, with an override, to the sample.
    let mapped = Arc::new(Mutex::new(Vec::<u32>::new()));
    for writer in 0..2u32 {
        let (admin, server_address, acknowledged, mapped) = (
            admin.clone(),
            server.address.clone(),
            organizations.clone(),
            mapped.clone(),
        );
        writers.push(tokio::spawn(async move {
            let address = server_address.as_str();
            for i in 0.. {
                let name = format!("Crash {writer} {i:05}");
                let Some(created) = acknowledged_json(
                    admin
                        .post(format!("{address}/api/organizations/create"))
                        .header("origin", address)
                        .header("accept", "application/json")
                        .form(&[("name", name.as_str())]),
                )
                .await
                else {
                    break;
                };
                if let Ok(mut acknowledged) = acknowledged.lock() {
                    acknowledged.push(writer * 100_000 + i);
                }
                let body = serde_json::json!({
                    "integration_id": integration_id,
                    "draft": {
                        "organization_id": created["id"],
                        "entity_id": format!("tenant-{writer}-{i}"),
                        "entity_name": name,
                        "overrides": [{"key": "region", "change": {"Set": format!("eu-{i}")}}],
                    },
                });
                let request = admin
                    .post(format!("{address}/api/mappings/create"))
                    .header("origin", address)
                    .header("accept", "application/json")
                    .json(&body);
                if acknowledged_json(request).await.is_none() {
                    break;
                }
                if let Ok(mut mapped) = mapped.lock() {
                    mapped.push(writer * 100_000 + i);
                }
            }
        }));
    }
    {
        let (admin, address, acknowledged) =
            (admin.clone(), server.address.clone(), values.clone());
        writers.push(tokio::spawn(async move {
            for i in 1.. {
                let body = serde_json::json!({
                    "integration_id": integration_id,
                    "inputs": [{"key": "region", "change": {"Set": format!("region-{i:06}")}}],
                });
                let Ok(response) = admin
                    .post(format!("{address}/api/integrations/save-defaults"))
                    .header("origin", &address)
                    .header("accept", "application/json")
                    .json(&body)
                    .send()
                    .await
                else {
                    break;
                };
                if !response.status().is_success() {
                    // Shown only when the test fails: why the writer stopped before the kill.
                    eprintln!("save {i}: {}", response.status());
                    break;
                }
                if let Ok(mut acknowledged) = acknowledged.lock() {
                    acknowledged.push(i);
                }
            }
        }));
    }
    {
        let (address, key, integration) =
            (server.address.clone(), api_key.clone(), integration.clone());
        writers.push(tokio::spawn(async move {
            let workflow = reqwest::Client::new();
            while workflow
                .get(format!("{address}/api/v1/integrations/{integration}"))
                .bearer_auth(&key)
                .send()
                .await
                .is_ok()
            {}
        }));
    }
    let served_token = Arc::new(AtomicUsize::new(0));
    {
        let (address, key, name, served) = (
            server.address.clone(),
            api_key.clone(),
            oauth.name.clone(),
            served_token.clone(),
        );
        writers.push(tokio::spawn(async move {
            let workflow = reqwest::Client::new();
            while let Ok(response) = workflow
                .get(format!("{address}/api/v1/integrations/{name}"))
                .bearer_auth(&key)
                .send()
                .await
            {
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                let token = body["oauth"]["access_token"].as_str().unwrap_or_default();
                served.fetch_max(token_number(token), Ordering::SeqCst);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // Killed while the provider has rotated the token but not yet answered.
    provider.hold_refreshes(true);
    for _ in 0..250 {
        if provider.count(&provider.state.calls.refresh_in_flight) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refreshing = provider.count(&provider.state.calls.refresh_in_flight) > 0;
    server.kill();
    provider.hold_refreshes(false);
    for writer in writers {
        writer.await.expect("writer");
    }
    assert!(refreshing, "a refresh was in flight at the kill");
    let served_before = served_token.load(Ordering::SeqCst);
    assert!(served_before > 1, "the token was refreshed before the kill");
    let organizations = organizations.lock().expect("acknowledged").clone();
    let mapped = mapped.lock().expect("acknowledged").clone();
    let last_value = values.lock().expect("acknowledged").last().copied();
    assert!(
        organizations.len() > 5 && mapped.len() > 5 && last_value.is_some_and(|i| i > 5),
        "the writers wrote before the kill: {} organizations, {} mappings, value {last_value:?}",
        organizations.len(),
        mapped.len()
    );

    // Started again on the same database: it opens cleanly and holds every acknowledged write.
    let server = installation.start().await;
    let reopened = Store::connect(db.url()).await.expect("open");
    if let Some(pragmas) = reopened.sqlite_pragmas().await.expect("pragmas") {
        assert_eq!(pragmas.journal_mode, "wal");
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(reopened.raw_pool())
            .await
            .expect("integrity check");
        assert_eq!(check, "ok");
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM organizations WHERE name LIKE 'Crash %'")
            .fetch_all(reopened.raw_pool())
            .await
            .expect("organizations");
    for id in &organizations {
        let name = format!("Crash {} {:05}", id / 100_000, id % 100_000);
        assert!(names.contains(&name), "{name} was acknowledged and is gone");
    }
    let mappings: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.entity_id, v.value FROM integration_mappings m \
         JOIN config_values v ON v.mapping_id = m.id WHERE m.entity_id LIKE 'tenant-%'",
    )
    .fetch_all(reopened.raw_pool())
    .await
    .expect("mappings");
    for id in &mapped {
        let (writer, i) = (id / 100_000, id % 100_000);
        let expected = (format!("tenant-{writer}-{i}"), format!("eu-{i}"));
        assert!(
            mappings.contains(&expected),
            "mapping {expected:?} was acknowledged and is gone or half-written"
        );
    }
    let region: String = sqlx::query_scalar(
        "SELECT v.value FROM config_values v JOIN integration_fields f ON f.id = v.field_id \
         WHERE v.integration_id = $1 AND v.mapping_id IS NULL AND f.field_key = 'region'",
    )
    .bind(integration_id)
    .fetch_one(reopened.raw_pool())
    .await
    .expect("the region default");
    let stored: u32 = region
        .trim_start_matches("region-")
        .parse()
        .expect("a value a writer saved");
    assert!(
        last_value.is_some_and(|acknowledged| stored >= acknowledged),
        "stored {stored}, last acknowledged {last_value:?}"
    );
    the_token_survived(
        &installation,
        &reopened,
        &server,
        &api_key,
        &oauth.name,
        served_before,
    )
    .await;
    // The rotation the killed server never stored is recovered once, through the grace.
    assert_eq!(
        provider.count(&provider.state.calls.refused_refresh),
        0,
        "no refresh token was lost"
    );
    assert_eq!(provider.count(&provider.state.calls.grace_reuse), 1);

    // Still answering, reads and writes.
    let admin = server.signed_in().await;
    let response = admin
        .post(format!("{}/api/organizations/create", server.address))
        .header("origin", &server.address)
        .header("accept", "application/json")
        .form(&[("name", "After the crash")])
        .send()
        .await
        .expect("write after restart");
    assert!(response.status().is_success());
    let resolved = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/integrations/{integration}",
            server.address
        ))
        .bearer_auth(&api_key)
        .send()
        .await
        .expect("resolve after restart");
    assert_eq!(resolved.status(), 200);
    drop(server);
    reopened.close().await;
    db.finish().await;
}

crate::both_backends!(
    db: #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    crash_loses_no_acknowledged_write,
);
