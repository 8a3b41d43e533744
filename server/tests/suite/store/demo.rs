//! `seed-demo` on both backends: the counts asked for, overrides on a share of the mappings, a
//! second run beside the first, and data the services read like any other.

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
    let second = services.seed_demo(10, 1, 10).await.expect("second run");
    assert_eq!(second.mappings, 10);
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
        .merged_config(&integration, Some(organization))
        .await
        .expect("merged");
    assert!(merged.mapped);
    assert_eq!(merged.config["timeout"], 60);
    assert!(merged.config["api_key"]
        .as_str()
        .is_some_and(|s| s.starts_with("demo-secret-")));
}

crate::store_cases!(seed_demo_adds_what_was_asked_and_can_run_twice);
