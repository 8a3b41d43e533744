//! The mapping form's "OAuth token": the shared token, the organization's own token, or
//! Connect after saving; a choice that breaks a rule is refused before the mapping is written.

use app::domain::ids::{MappingId, OrganizationId, TokenId};
use app::domain::integration::{MappingDraft, MappingTokenChoice};
use app::domain::oauth::GrantType;
use app::error::AppError;
use app::ssr::{MappingServices, OrganizationServices};
use bifrost::store::Store;

use super::fixtures::*;
use crate::provider::FakeProvider;

fn draft(organization_id: OrganizationId, entity_id: &str) -> MappingDraft {
    MappingDraft {
        organization_id,
        entity_id: entity_id.into(),
        entity_name: String::new(),
        overrides: Vec::new(),
    }
}

impl Setup {
    /// Saves a mapping (new for `mapping_id` `None`) with a token choice, as the form does.
    async fn save_with_token(
        &self,
        mapping_id: Option<MappingId>,
        draft: &MappingDraft,
        token: MappingTokenChoice,
    ) -> Result<MappingId, AppError> {
        self.services
            .save_mapping_with_token(&self.admin, self.integration_id, mapping_id, draft, token)
            .await
            .map(|saved| saved.id)
    }

    async fn new_organization(&self, name: &str) -> OrganizationId {
        self.services
            .create_organization(&self.admin, name)
            .await
            .expect("organization")
            .id
    }

    /// A new organization mapped to `tenant` with Connect after saving chosen: its id, and the
    /// mapping's or the refusal.
    async fn map_connecting_after_saving(
        &self,
        name: &str,
        tenant: &str,
    ) -> (OrganizationId, Result<MappingId, AppError>) {
        let organization = self.new_organization(name).await;
        let choice = MappingTokenChoice::ConnectAfterSaving;
        let saved = self
            .save_with_token(None, &draft(organization, tenant), choice)
            .await;
        (organization, saved)
    }

    /// The organization's own token on the integration's connection.
    async fn own_token(&self, organization_id: OrganizationId) -> TokenId {
        self.oauth_view()
            .await
            .organization_tokens
            .into_iter()
            .find(|token| token.organization_id == Some(organization_id))
            .expect("the organization's token")
            .id
    }
}

async fn the_shared_token_and_the_organizations_own_token_are_chosen_on_save(store: Store) {
    let (_provider, setup) = connected(&store).await;
    let (contoso, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    connect(&setup, Some(mapping)).await;
    let own = setup.own_token(contoso).await;
    assert_eq!(setup.mapping_row(mapping).await.oauth_token_id, Some(own));

    let same = draft(contoso, "tenant-a");
    setup
        .save_with_token(Some(mapping), &same, MappingTokenChoice::Shared)
        .await
        .expect("shared");
    assert_eq!(setup.mapping_row(mapping).await.oauth_token_id, None);
    setup
        .save_with_token(Some(mapping), &same, MappingTokenChoice::Own(own))
        .await
        .expect("own");
    assert_eq!(setup.mapping_row(mapping).await.oauth_token_id, Some(own));
    setup
        .save_with_token(Some(mapping), &same, MappingTokenChoice::Unchanged)
        .await
        .expect("unchanged");
    assert_eq!(setup.mapping_row(mapping).await.oauth_token_id, Some(own));
}

async fn another_organizations_token_is_refused_and_nothing_is_saved(store: Store) {
    let (_provider, setup) = connected(&store).await;
    let (contoso, contoso_mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    connect(&setup, Some(contoso_mapping)).await;
    let contoso_token = setup.own_token(contoso).await;
    let (fabrikam, fabrikam_mapping) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;

    let moved = draft(fabrikam, "tenant-moved");
    let error = setup
        .save_with_token(
            Some(fabrikam_mapping),
            &moved,
            MappingTokenChoice::Own(contoso_token),
        )
        .await
        .expect_err("another organization's token");
    assert_eq!(
        error.for_field("oauth_token"),
        Some("must be a token of this organization")
    );
    let row = setup.mapping_row(fabrikam_mapping).await;
    assert_eq!(
        (row.entity_id.as_str(), row.oauth_token_id),
        ("tenant-b", None)
    );

    let (northwind, _) = mapped_organization(&setup, "Northwind", "tenant-n").await;
    let unknown = MappingTokenChoice::Own(TokenId::from(contoso_token.get() + 1000));
    let error = setup
        .save_with_token(None, &draft(northwind, "tenant-x"), unknown)
        .await
        .expect_err("no such token");
    assert!(error.for_field("oauth_token").is_some(), "{error}");
}

async fn connect_after_saving_needs_the_authorization_code_grant(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let (_, saved) = setup
        .map_connecting_after_saving("Contoso", "tenant-a")
        .await;
    let error = saved.expect_err("no consent with client credentials");
    assert!(
        error
            .for_field("oauth_token")
            .is_some_and(|message| message.contains("authorization code")),
        "{error}"
    );
    assert_eq!(
        setup
            .services
            .mappings(setup.integration_id, "", 1)
            .await
            .expect("list")
            .total,
        0,
        "nothing is saved"
    );
}

async fn connect_after_saving_saves_the_mapping_with_the_shared_token_until_consent(store: Store) {
    let (_provider, setup) = connected(&store).await;
    let (fabrikam, saved) = setup
        .map_connecting_after_saving("Fabrikam", "tenant-b")
        .await;
    let saved = saved.expect("saved");
    assert_eq!(setup.mapping_row(saved).await.oauth_token_id, None);
    connect(&setup, Some(saved)).await;
    let own = setup.own_token(fabrikam).await;
    assert_eq!(setup.mapping_row(saved).await.oauth_token_id, Some(own));
}

crate::both_backends!(store:
    the_shared_token_and_the_organizations_own_token_are_chosen_on_save,
    another_organizations_token_is_refused_and_nothing_is_saved,
    connect_after_saving_needs_the_authorization_code_grant,
    connect_after_saving_saves_the_mapping_with_the_shared_token_until_consent,
);
