//! Tokens per organization: client credentials with the mapping's entity ID in the token URL,
//! a grant in flight for an old entity ID, and mapping links written only over the mapping as it
//! was read.

use std::time::Duration;

use app::domain::integration::MappingDraft;
use app::domain::oauth::GrantType;
use app::ssr::{MappingServices, OAuthTokenServices};
use bifrost::store::audit::Actor;
use bifrost::store::mappings::{MappingAudit, MappingColumn};
use bifrost::store::{Store, StoreError};

use super::fixtures::*;
use crate::provider::{query_param, FakeProvider, Fault};

async fn client_credentials_get_a_token_per_organization_with_its_entity_id(store: Store) {
    let provider = FakeProvider::start().await;
    // An answer without expires_in gets the documented default lifetime (one hour).
    provider.set_expires_in(None);
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let mut organizations = Vec::new();
    for (name, tenant) in [("Contoso", "tenant-a"), ("Fabrikam", "tenant-b")] {
        organizations.push(mapped_organization(&setup, name, tenant).await.0);
    }
    use secrecy::ExposeSecret;
    let a = setup
        .token(Some(organizations[0]))
        .await
        .expect("a")
        .expect("oauth");
    let b = setup
        .token(Some(organizations[1]))
        .await
        .expect("b")
        .expect("oauth");
    setup.token(None).await.expect("global");
    assert_ne!(
        a.access_token.expose_secret(),
        b.access_token.expose_secret()
    );
    assert_eq!(
        provider.tenants(),
        vec!["tenant-a", "tenant-b", "global-tenant"]
    );
    // Cached until it expires.
    setup
        .services
        .integration_token(setup.integration_id, Some(organizations[0]))
        .await
        .expect("cached");
    assert_eq!(provider.count(&provider.state.calls.client_credentials), 3);
    let expiries: Vec<i64> = sqlx::query_scalar("SELECT expires_at FROM oauth_tokens")
        .fetch_all(store.raw_pool())
        .await
        .expect("expiries");
    for expires_at in expiries {
        let lifetime = expires_at - now();
        assert!((3_500_000..=3_600_000).contains(&lifetime), "{lifetime}");
    }
    for text in stored_texts(&store).await {
        assert!(!text.contains("canary"), "plaintext secret stored: {text}");
    }
}

/// A client-credentials grant for the old tenant is still in flight at a slow provider when the
/// mapping's entity ID changes: its token must not be stored for the new tenant.
async fn a_grant_in_flight_for_an_old_entity_is_not_stored_for_the_new_one(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    provider.set_fault(Fault::Slow(Duration::from_millis(800)));
    let in_flight = access_token_text(&setup, Some(organization));
    let moved_meanwhile = async {
        while provider.count(&provider.state.calls.client_credentials) == 0 {
            tokio::task::yield_now().await;
        }
        setup
            .services
            .update_mapping(
                &setup.admin,
                setup.integration_id,
                mapping,
                &MappingDraft {
                    organization_id: organization,
                    entity_id: "tenant-b".into(),
                    entity_name: String::new(),
                    overrides: Vec::new(),
                },
            )
            .await
            .expect("new entity");
        access_token_text(&setup, Some(organization)).await
    };
    let (_, after_the_move) = tokio::join!(in_flight, moved_meanwhile);
    assert!(after_the_move.ends_with("-of-tenant-b"), "{after_the_move}");
    provider.set_fault(Fault::None);
    let stored = access_token_text(&setup, Some(organization)).await;
    assert!(stored.ends_with("-of-tenant-b"), "{stored}");
}

/// A consent asked for one tenant that completes after the mapping moved to another does not
/// link its token to the mapping; adopting a detected entity ID over a mapping changed since it
/// was read is refused.
async fn mapping_links_are_written_only_over_the_mapping_as_it_was_read(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let move_to = |tenant: &'static str| {
        let services = &setup.services;
        let admin = &setup.admin;
        let integration_id = setup.integration_id;
        async move {
            services
                .update_mapping(
                    admin,
                    integration_id,
                    mapping,
                    &MappingDraft {
                        organization_id: organization,
                        entity_id: tenant.into(),
                        entity_name: String::new(),
                        overrides: Vec::new(),
                    },
                )
                .await
                .expect("move")
        }
    };
    let url = setup
        .services
        .start_oauth_connect(&setup.admin, SESSION, setup.integration_id, Some(mapping))
        .await
        .expect("start");
    move_to("tenant-b").await;
    setup
        .complete_authorization(SESSION, CONNECTION, &consented(&query_param(&url, "state")))
        .await;
    let row = setup.mapping_row(mapping).await;
    assert_eq!(
        row.oauth_token_id, None,
        "tenant-a's token is not linked to tenant-b"
    );

    connect(&setup, Some(mapping)).await;
    let read = setup.mapping_row(mapping).await;
    assert!(read.oauth_token_id.is_some());
    move_to("tenant-c").await;
    let actor = Actor {
        admin_id: None,
        label: "test".into(),
    };
    let stale = setup
        .services
        .store()
        .set_mapping_column(
            &read,
            MappingAudit {
                actor: &actor,
                integration_name: "HaloPSA",
                changes: serde_json::json!({}),
            },
            MappingColumn::EntityId("detected-tenant-9"),
            now(),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
}

crate::both_backends!(
    store: client_credentials_get_a_token_per_organization_with_its_entity_id,
    a_grant_in_flight_for_an_old_entity_is_not_stored_for_the_new_one,
    mapping_links_are_written_only_over_the_mapping_as_it_was_read,
);
