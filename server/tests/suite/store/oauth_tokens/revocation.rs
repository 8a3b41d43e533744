//! An organization's own token, linked and unlinked, and revocation at the provider on
//! Disconnect and when a mapping, an organization or a connection is removed.

use app::domain::oauth::GrantType;
use app::ssr::{MappingServices, OAuthServices, OAuthTokenServices, OrganizationServices};
use bifrost::services::{CallbackOutcome, TokenError};
use bifrost::store::Store;

use super::fixtures::*;
use crate::provider::FakeProvider;

async fn an_organization_connects_its_own_token_and_disconnect_revokes(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (organization, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    connect(&setup, None).await;
    let (_, outcome) = connect(&setup, Some(mapping)).await;
    assert_eq!(
        outcome,
        CallbackOutcome::Return("/settings/integrations/HaloPSA/mappings?oauth=connected".into())
    );
    assert_eq!(
        access_token_text(&setup, Some(organization)).await,
        "canary-access-2"
    );
    assert_eq!(access_token_text(&setup, None).await, "canary-access-1");
    let listed = setup
        .services
        .mappings(setup.integration_id, "", 1)
        .await
        .expect("mappings");
    assert!(matches!(
        listed.items[0].oauth_token,
        Some((_, app::domain::oauth::TokenState::Connected))
    ));

    // The provider reported the organization's tenant in the ID token: the admin may adopt it.
    assert_eq!(
        listed.items[0].detected_entity_id.as_deref(),
        Some("detected-tenant-2")
    );
    setup
        .services
        .adopt_detected_entity_id(&setup.admin, setup.integration_id, mapping)
        .await
        .expect("adopt");
    let adopted = setup
        .services
        .mappings(setup.integration_id, "", 1)
        .await
        .expect("mappings");
    assert_eq!(adopted.items[0].entity_id, "detected-tenant-2");
    assert_eq!(adopted.items[0].detected_entity_id, None);
    assert!(setup
        .services
        .adopt_detected_entity_id(&setup.admin, setup.integration_id, mapping)
        .await
        .is_err());

    // Another organization's token cannot be linked to this mapping.
    let (_, other_mapping) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;
    let contoso_token = listed.items[0].oauth_token.expect("linked").0;
    let refused = setup
        .services
        .link_mapping_token(
            &setup.admin,
            setup.integration_id,
            other_mapping,
            Some(contoso_token),
        )
        .await;
    assert!(refused
        .expect_err("foreign token")
        .for_field("oauth_token")
        .is_some());

    // Unlinking falls back to the shared token.
    setup
        .services
        .link_mapping_token(&setup.admin, setup.integration_id, mapping, None)
        .await
        .expect("unlink");
    assert_eq!(
        access_token_text(&setup, Some(organization)).await,
        "canary-access-1"
    );

    let view = setup.oauth_view().await;
    let shared_id = view.shared.expect("shared").id;
    setup
        .services
        .disconnect_oauth_token(&setup.admin, setup.integration_id, shared_id)
        .await
        .expect("disconnect");
    assert_eq!(provider.count(&provider.state.calls.revoke), 1);
    assert_eq!(
        provider.last_form().get("token").map(String::as_str),
        Some("canary-refresh-1")
    );
    let gone = setup.token(None).await;
    assert!(matches!(gone, Err(TokenError::NotConnected)), "{gone:?}");
    let view = setup.oauth_view().await;
    assert_eq!(
        view.shared.expect("shared").state,
        app::domain::oauth::TokenState::Disconnected
    );
    let _ = setup.connection_id;
    let _ = &setup.keyring;
}

/// Deleting a mapping (whose organization's token nothing else links), an organization or a
/// connection revokes the tokens that go with it, each revocation in the audit log.
async fn removing_a_mapping_an_organization_or_a_connection_revokes_its_tokens(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (_, mapping_a) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let (organization_b, mapping_b) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;
    connect(&setup, None).await;
    connect(&setup, Some(mapping_a)).await;
    connect(&setup, Some(mapping_b)).await;
    let revoked = |count: usize, token: &str, what: &str| {
        assert_eq!(
            provider.count(&provider.state.calls.revoke),
            count,
            "{what}"
        );
        assert_eq!(
            provider.last_form().get("token").map(String::as_str),
            Some(token),
            "{what}"
        );
    };
    assert_eq!(provider.count(&provider.state.calls.revoke), 0);
    let services = &setup.services;
    services
        .delete_mapping(&setup.admin, setup.integration_id, mapping_a)
        .await
        .expect("delete mapping");
    revoked(1, "canary-refresh-2", "the mapping's own token");
    services
        .delete_organization(&setup.admin, organization_b)
        .await
        .expect("delete organization");
    revoked(2, "canary-refresh-3", "the organization's token");
    services
        .delete_oauth_connection(&setup.admin, setup.connection_id)
        .await
        .expect("delete connection");
    revoked(3, "canary-refresh-1", "the shared token");
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE action = 'oauth_token.revoke' ORDER BY id",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("audit");
    assert_eq!(audited.len(), 3);
    for changes in audited {
        assert!(changes.contains("revoked at the provider"), "{changes}");
        assert!(!changes.contains("canary"), "{changes}");
    }
}

crate::both_backends!(
    store: an_organization_connects_its_own_token_and_disconnect_revokes,
    removing_a_mapping_an_organization_or_a_connection_revokes_its_tokens,
);
