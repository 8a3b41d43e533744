//! `seed-demo` on both backends: the counts asked for, overrides on a share of the mappings, a
//! second run beside the first, and data the services read like any other.

use app::ssr::IntegrationServices;
use bifrost::store::Store;

use crate::helpers::services_for;

async fn seed_demo_adds_what_was_asked_and_can_run_twice(store: Store) {
    bifrost::services::ensure_provider_organization(&store)
        .await
        .expect("provider");
    let services = services_for(&store);
    let report = services.seed_demo(30, 2, 20).await.expect("seed");
    assert_eq!(
        (report.organizations, report.integrations, report.mappings),
        (30, 2, 40)
    );
    // What a benchmark spreads its requests over: this run's integrations and organizations.
    assert_eq!(report.organization_ids.len(), 30);
    let names: Vec<String> = services
        .integrations("", 1)
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|integration| integration.name)
        .collect();
    for name in &report.integration_names {
        assert!(names.contains(name), "{name} in {names:?}");
    }
    assert_eq!(report.integration_names.len(), 2);
    let second = services.seed_demo(10, 1, 10).await.expect("second run");
    assert_eq!(second.mappings, 10);
    assert!(second
        .organization_ids
        .iter()
        .all(|id| !report.organization_ids.contains(id)));
    let pool = store.raw_pool();
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .expect(sql)
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM organizations WHERE is_provider = 0").await,
        40
    );
    assert_eq!(count("SELECT COUNT(*) FROM integration_mappings").await, 50);
    let overrides = count("SELECT COUNT(*) FROM config_values WHERE mapping_id IS NOT NULL").await;
    assert!(
        (3..=8).contains(&overrides),
        "{overrides} overrides, about a tenth of 50"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM config_values WHERE secret_value IS NOT NULL").await,
        3,
        "one sealed secret default per integration"
    );
    assert!(
        services.seed_demo(5, 1, 6).await.is_err(),
        "more mappings than organizations"
    );

    // The data resolves like any other.
    let (integration, organization): (String, i64) = sqlx::query_as(
        "SELECT i.name, m.organization_id FROM integration_mappings m \
         JOIN integrations i ON i.id = m.integration_id JOIN config_values v ON v.mapping_id = m.id \
         ORDER BY m.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("an overridden mapping");
    let merged = services
        .merged_config(&integration, Some(organization.into()))
        .await
        .expect("merged");
    assert!(merged.mapped);
    assert_eq!(merged.config["timeout"], 60);
    assert!(merged.config["api_key"]
        .as_str()
        .is_some_and(|s| s.starts_with("demo-secret-")));

    // A third of the integrations use OAuth: a shared token per run, and organization-specific
    // tokens on their first mappings; the sample answers with a fresh token of its own.
    assert_eq!(
        count("SELECT COUNT(*) FROM integrations WHERE oauth_connection_id IS NOT NULL").await,
        2,
        "the first integration of each run"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM oauth_tokens WHERE organization_id IS NULL").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM integration_mappings WHERE oauth_token_id IS NOT NULL").await,
        20
    );
    let (integration, organization) = report.sample.expect("a sample");
    let merged = services
        .merged_config(&integration, Some(organization))
        .await
        .expect("merged");
    let token = services
        .merged_config_token(&merged)
        .await
        .expect("token")
        .expect("an OAuth integration");
    use secrecy::ExposeSecret;
    assert_eq!(
        token.access_token.expose_secret(),
        format!(
            "demo-access-{}-{organization}",
            merged.integration.oauth_connection_id.expect("linked")
        )
    );
    assert!(token.expires_at > bifrost::time::now_millis() + 23 * 3_600_000);
}

crate::both_backends!(store: seed_demo_adds_what_was_asked_and_can_run_twice);
