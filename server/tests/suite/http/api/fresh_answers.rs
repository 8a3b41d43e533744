//! Answers kept in memory: every change, made by another server on the same database, shows
//! in the very next answer.

use app::domain::integration::MappingDraft;
use app::domain::status::Backend;
use app::ssr::{ConfigurationServices, IntegrationServices, MappingServices, OrganizationServices};

use super::world::*;
use crate::helpers::{set_value as set, TestDb};

/// Answers are kept in memory; every kind of change, made by another server on the same
/// database (`w.services`, as a second replica would), shows in the very next answer.
async fn every_change_shows_in_the_next_answer(db: TestDb) {
    let w = world(db).await;
    let provider = Some(w.provider_key.as_str());
    let contoso_path = "/api/v1/integrations/HaloPSA?scope=Contoso";
    let resolve_twice = |path: &'static str| {
        let w = &w;
        async move {
            let (first_status, first) = w.call(provider, path).await;
            let (second_status, second) = w.call(provider, path).await;
            assert_eq!((first_status, &first), (second_status, &second), "{path}");
            (second_status, second)
        }
    };
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(body["config"]["base_url"], "https://halo.example.com");

    // A default.
    w.services
        .save_defaults(
            &w.admin,
            w.integration_id,
            &[set("base_url", "https://halo2.example.com")],
        )
        .await
        .expect("defaults");
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(body["config"]["base_url"], "https://halo2.example.com");

    // An override and the entity ID.
    let mappings = w
        .services
        .mappings(w.integration_id, "Contoso", 1)
        .await
        .expect("mappings");
    let mapping_id = mappings.items[0].id;
    w.services
        .update_mapping(
            &w.admin,
            w.integration_id,
            mapping_id,
            &MappingDraft {
                organization_id: w.contoso,
                entity_id: "tenant-a2".into(),
                entity_name: "Contoso Ltd".into(),
                overrides: vec![set("timeout", "46")],
            },
        )
        .await
        .expect("mapping");
    let (_, body) = resolve_twice(contoso_path).await;
    assert_eq!(
        (
            body["entity_id"].as_str(),
            body["config"]["timeout"].as_i64()
        ),
        (Some("tenant-a2"), Some(46))
    );

    // The organization's name, which the scope names.
    w.services
        .rename_organization(&w.admin, w.contoso, "Contoso Group")
        .await
        .expect("rename");
    w.expect_error(provider, contoso_path, 404, "organization_not_found")
        .await;
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["organization"]["name"], "Contoso Group");

    // The mapping, gone: the global scope applies.
    w.services
        .delete_mapping(&w.admin, w.integration_id, mapping_id)
        .await
        .expect("delete mapping");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(
        (body["mapped"].as_bool(), body["entity_id"].as_str()),
        (Some(false), Some("global-tenant"))
    );

    // A change the services did not make (another tool on the database) shows too.
    sqlx::query("UPDATE integrations SET default_entity_id = 'edited-directly'")
        .execute(w.app.db().store.raw_pool())
        .await
        .expect("edit");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["entity_id"], "edited-directly");

    // The answers do come from memory: with the trigger that reports this table's changes
    // gone, a change goes unseen.
    let drop_trigger = match w.app.db().store.backend() {
        Backend::Sqlite => "DROP TRIGGER integrations_update_logs_change",
        Backend::Postgres => "DROP TRIGGER integrations_logs_change ON integrations",
    };
    let pool = w.app.db().store.raw_pool();
    sqlx::query(drop_trigger).execute(pool).await.expect("drop");
    sqlx::query("UPDATE integrations SET default_entity_id = 'unseen'")
        .execute(pool)
        .await
        .expect("edit");
    let (_, body) = resolve_twice("/api/v1/integrations/HaloPSA?scope=Contoso%20Group").await;
    assert_eq!(body["entity_id"], "edited-directly", "answered from memory");

    // The integration, gone.
    w.services
        .delete_integration(&w.admin, w.integration_id)
        .await
        .expect("delete integration");
    w.expect_error(provider, contoso_path, 404, "organization_not_found")
        .await;
    w.expect_error(
        provider,
        "/api/v1/integrations/HaloPSA?scope=Contoso%20Group",
        404,
        "integration_not_found",
    )
    .await;
    w.app.finish().await;
}

crate::both_backends!(
    db: every_change_shows_in_the_next_answer,
);
