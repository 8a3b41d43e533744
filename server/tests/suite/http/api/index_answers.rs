//! The resolve index against the database path: for every key, integration and scope asked,
//! the index answers exactly the requests the database path answers with success, with the very
//! same answer, and leaves every refusal to that path; after each kind of change, made by
//! another server on the same database, and after the change log was pruned past it.

use app::domain::integration::MappingDraft;
use app::ssr::{ConfigurationServices, MappingServices, OrganizationServices};
use bifrost::services::{ServerServices, ServicesConfig};

use super::world::*;
use crate::helpers::{create_mapped_organization, set_value as set, TestDb};
use crate::provider::{connect_with_consent, FakeProvider};

/// A second server on the world's database, with its index loaded.
async fn replica(w: &World) -> ServerServices {
    let config = ServicesConfig::new(&w.app.address, false)
        .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
    let replica = ServerServices::new(w.app.db().store.clone(), config, w.app.keyring.clone());
    replica.load_resolve_index().await.expect("index");
    replica
}

/// Every key, name and scope of the matrix: the index answers what the database path answers
/// with success, and nothing else. Returns how many the index answered.
async fn index_agrees(w: &World, replica: &ServerServices, stage: &str) -> usize {
    let contoso_id = format!("id:{}", w.contoso.get());
    let fabrikam_bare = w.fabrikam.get().to_string();
    let scopes = [
        None,
        Some(""),
        Some("Contoso"),
        Some(" contoso "),
        Some("Contoso Group"),
        Some(contoso_id.as_str()),
        Some(fabrikam_bare.as_str()),
        Some("Fabrikam"),
        Some("GLOBAL"),
        Some("Northwind"),
        Some("nobody"),
        Some("id:999999"),
        Some("id:x"),
    ];
    let mut answered = 0;
    for key in [
        w.provider_key.as_str(),
        w.contoso_key.as_str(),
        "bfk_unknown",
    ] {
        for name in ["HaloPSA", " halopsa", "NinjaOne", "Nope"] {
            for scope in scopes {
                let by_store = replica.resolve_from_store_only(key, name, scope).await;
                let by_index = replica.resolve_from_index_only(key, name, scope).await;
                let what = format!("{stage}: {name} in {scope:?}");
                assert_eq!(by_index, by_store.ok(), "{what}");
                answered += usize::from(by_index.is_some());
            }
        }
    }
    answered
}

async fn the_index_answers_as_the_database_does(db: TestDb) {
    let w = world(db).await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    w.create_ninjaone().await;
    let contoso_mapping = w
        .services
        .mappings(w.integration_id, "Contoso", 1)
        .await
        .expect("mappings")
        .items[0]
        .id;
    // Contoso's own token, linked on its mapping.
    connect_with_consent(
        &w.services,
        &w.admin,
        "session",
        "Halo_Auth",
        w.integration_id,
        Some(contoso_mapping),
    )
    .await;
    let replica = replica(&w).await;
    assert!(index_agrees(&w, &replica, "start").await >= 12);

    w.services
        .save_defaults(
            &w.admin,
            w.integration_id,
            &[set("api_key", "rotated-secret"), set("timeout", "")],
        )
        .await
        .expect("defaults");
    index_agrees(&w, &replica, "defaults").await;

    w.services
        .update_mapping(
            &w.admin,
            w.integration_id,
            contoso_mapping,
            &MappingDraft {
                organization_id: w.contoso,
                entity_id: "tenant-a2".into(),
                entity_name: "Contoso Group Ltd".into(),
                overrides: vec![set("options", r#"{"region": "us"}"#), set("api_key", "own")],
            },
        )
        .await
        .expect("mapping");
    index_agrees(&w, &replica, "overrides").await;

    w.services
        .rename_organization(&w.admin, w.contoso, "Contoso Group")
        .await
        .expect("rename");
    create_mapped_organization(
        &w.services,
        &w.admin,
        w.integration_id,
        "Northwind",
        "tenant-n",
        "Northwind Inc",
        vec![set("timeout", "9")],
    )
    .await;
    index_agrees(&w, &replica, "renamed and added").await;

    let pool = w.app.db().store.raw_pool();
    sqlx::query("UPDATE integrations SET default_entity_id = 'edited-directly'")
        .execute(pool)
        .await
        .expect("edit");
    w.services
        .delete_organization(&w.admin, w.fabrikam)
        .await
        .expect("delete organization");
    index_agrees(&w, &replica, "edited directly, organization deleted").await;

    // Pruned past the index: it reloads whole, and still agrees.
    let generation = w.app.db().store.change_generation().await.expect("gen");
    w.services
        .delete_mapping(&w.admin, w.integration_id, contoso_mapping)
        .await
        .expect("delete mapping");
    w.app
        .db()
        .store
        .prune_change_log(generation + 1)
        .await
        .expect("prune");
    // The index steps aside (the database answers) until it has loaded whole again.
    assert_eq!(
        replica
            .resolve_from_index_only(&w.provider_key, "HaloPSA", Some("Contoso"))
            .await,
        None
    );
    replica.load_resolve_index().await.expect("reload");
    index_agrees(&w, &replica, "pruned, reloaded").await;

    sqlx::query("UPDATE api_keys SET revoked_at = 1")
        .execute(pool)
        .await
        .expect("revoke");
    assert_eq!(index_agrees(&w, &replica, "keys revoked").await, 0);
    w.app.finish().await;
}

/// A token that expired is refreshed by the database path: the index never serves it.
async fn a_token_due_for_refresh_is_left_to_the_database_path(db: TestDb) {
    let w = world(db).await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    let replica = replica(&w).await;
    let (key, scope) = (w.provider_key.as_str(), Some("Contoso"));
    let before = replica.resolve_from_index_only(key, "HaloPSA", scope).await;
    assert_eq!(
        before.expect("indexed")["oauth"]["access_token"],
        "canary-access-1"
    );
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(w.app.db().store.raw_pool())
        .await
        .expect("expire");
    assert_eq!(
        replica.resolve_from_index_only(key, "HaloPSA", scope).await,
        None
    );
    let refreshed = replica
        .resolve_from_store_only(key, "HaloPSA", scope)
        .await
        .expect("refreshed");
    assert_eq!(refreshed["oauth"]["access_token"], "canary-access-2");
    // The refresh is logged like any change: the index serves the new token.
    let after = replica.resolve_from_index_only(key, "HaloPSA", scope).await;
    assert_eq!(
        after.expect("indexed")["oauth"]["access_token"],
        "canary-access-2"
    );
    w.app.finish().await;
}

crate::both_backends!(
    db: the_index_answers_as_the_database_does,
        a_token_due_for_refresh_is_left_to_the_database_path,
);
