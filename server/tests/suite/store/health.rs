//! The Dashboard's health centre on both backends: each kind found through the real paths that
//! cause it (a provider refusing the grant, a provider down, a token without a refresh token, a
//! shared token never connected, a required field without a value), where each is fixed, the
//! filters, and a bad window refused by name.

use app::domain::health::{HealthFilter, HealthKind, HealthView};
use app::domain::integration::{FieldType, MappingDraft, SchemaField};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::{HealthServices, MappingServices, OAuthServices};
use bifrost::store::Store;

use super::oauth_tokens::{connect, connection_draft, mapped_organization, setup, Setup};
use crate::helpers::{schema_field, set_value};
use crate::provider::{FakeProvider, Fault};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

async fn health(setup: &Setup, kind: HealthKind, organization: &str, window: &str) -> HealthView {
    let filter = HealthFilter {
        kind,
        integration: String::new(),
        organization: organization.into(),
        window_days: window.into(),
    };
    setup.services.health(&filter, 1).await.expect("health")
}

fn count(view: &HealthView, kind: HealthKind) -> i64 {
    view.counts
        .iter()
        .find(|(counted, _)| *counted == kind)
        .map_or(-1, |(_, count)| *count)
}

async fn expire(store: &Store, organization: Option<i64>) {
    let sql = match organization {
        Some(_) => "UPDATE oauth_tokens SET expires_at = 1 WHERE organization_id = $1",
        None => "UPDATE oauth_tokens SET expires_at = 1 WHERE organization_id IS NULL AND $1 = $1",
    };
    sqlx::query(sql)
        .bind(organization.unwrap_or(0))
        .execute(store.raw_pool())
        .await
        .expect("expire");
}

async fn every_kind_is_found_where_it_arises_and_links_to_its_fix(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (contoso, contoso_mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let (fabrikam, fabrikam_mapping) = mapped_organization(&setup, "Fabrikam", "tenant-b").await;
    let view = health(&setup, HealthKind::NeverConnected, "", "").await;
    assert_eq!(count(&view, HealthKind::NeverConnected), 1);
    assert_eq!(
        view.items.items[0].fix_href,
        "/settings/integrations/HaloPSA/oauth"
    );

    connect(&setup, None).await;
    connect(&setup, Some(contoso_mapping)).await;
    connect(&setup, Some(fabrikam_mapping)).await;
    let view = health(&setup, HealthKind::NeedsReconnect, "", "").await;
    assert!(view.counts.iter().all(|(_, count)| *count == 0), "{view:?}");

    // The provider refuses Contoso's grant: Needs reconnect, fixed on the Mappings tab.
    provider.revoke_all_refresh_tokens();
    expire(&store, Some(contoso.get())).await;
    setup.token(Some(contoso)).await.expect_err("invalid_grant");
    // The provider is down for the shared token: Refresh failing, fixed on the OAuth tab.
    provider.set_fault(Fault::ServerError);
    expire(&store, None).await;
    setup.token(None).await.expect_err("provider down");
    provider.set_fault(Fault::None);
    // Fabrikam's token has no refresh token and expires in three days.
    sqlx::query(
        "UPDATE oauth_tokens SET refresh_token = NULL, expires_at = $1 WHERE organization_id = $2",
    )
    .bind(bifrost::time::now_millis() + 3 * DAY_MS)
    .bind(fabrikam.get())
    .execute(store.raw_pool())
    .await
    .expect("no refresh token");

    let view = health(&setup, HealthKind::NeedsReconnect, "", "").await;
    let item = &view.items.items[0];
    assert_eq!(view.items.total, 1);
    assert_eq!(item.organization_name.as_deref(), Some("Contoso"));
    assert!(item.detail.contains("invalid_grant"), "{item:?}");
    assert_eq!(
        item.fix_href,
        "/settings/integrations/HaloPSA/mappings?search=Contoso"
    );
    let view = health(&setup, HealthKind::RefreshFailing, "", "").await;
    assert_eq!(view.items.total, 1);
    assert_eq!(view.items.items[0].organization_name, None);
    assert_eq!(
        view.items.items[0].fix_href,
        "/settings/integrations/HaloPSA/oauth"
    );
    assert_eq!(
        count(
            &health(&setup, HealthKind::Expiring, "", "2").await,
            HealthKind::Expiring
        ),
        0
    );
    let view = health(&setup, HealthKind::Expiring, "", "").await;
    assert_eq!(view.items.total, 1, "within the default 7 days");
    assert_eq!(
        view.items.items[0].organization_name.as_deref(),
        Some("Fabrikam")
    );

    // A required field without a default: every mapping lacks it until it has a value.
    let site_id = SchemaField {
        required: true,
        ..schema_field("site_id", FieldType::String)
    };
    setup.add_fields(vec![site_id]).await;
    assert_eq!(
        count(
            &health(&setup, HealthKind::MissingValues, "", "").await,
            HealthKind::MissingValues
        ),
        2
    );
    let contoso_draft = MappingDraft {
        organization_id: contoso,
        entity_id: "tenant-a".into(),
        entity_name: String::new(),
        overrides: vec![set_value("site_id", "7")],
    };
    setup
        .services
        .update_mapping(
            &setup.admin,
            setup.integration_id,
            contoso_mapping,
            &contoso_draft,
        )
        .await
        .expect("override");
    let view = health(&setup, HealthKind::MissingValues, "", "").await;
    assert_eq!(view.items.total, 1);
    assert_eq!(view.items.items[0].detail, "site_id");
    assert_eq!(
        view.items.items[0].fix_href,
        "/settings/integrations/HaloPSA/mappings?search=Fabrikam"
    );

    // Filters: by organization and by integration; a bad window is refused by name.
    let contoso_only = health(&setup, HealthKind::MissingValues, "conto", "").await;
    assert_eq!(count(&contoso_only, HealthKind::NeedsReconnect), 1);
    assert_eq!(count(&contoso_only, HealthKind::MissingValues), 0);
    assert_eq!(
        count(&contoso_only, HealthKind::RefreshFailing),
        0,
        "the shared token is no organization's"
    );
    let filter = HealthFilter {
        integration: "ninja".into(),
        ..HealthFilter::default()
    };
    let other = setup.services.health(&filter, 1).await.expect("health");
    assert!(
        other.counts.iter().all(|(_, count)| *count == 0),
        "{other:?}"
    );
    let filter = HealthFilter {
        window_days: "0".into(),
        ..HealthFilter::default()
    };
    let error = setup
        .services
        .health(&filter, 1)
        .await
        .expect_err("bad window");
    assert!(error.for_field("window_days").is_some(), "{error}");
}

/// The connection form's optional client secret expiry: a bad date refused by name, the date
/// kept and audited, and the Dashboard listing it from 30 days ahead, linking to the connection.
async fn a_client_secret_expiring_within_30_days_is_listed(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let services = &setup.services;
    let edit = |expires_on: &str, version: i64| OAuthConnectionDraft {
        client_secret: SecretChange::Keep,
        client_secret_expires_on: expires_on.into(),
        opened_at_version: Some(version),
        ..connection_draft(&provider, GrantType::AuthorizationCode)
    };
    let view = services
        .oauth_connection(setup.connection_id)
        .await
        .expect("view");
    let error = services
        .update_oauth_connection(
            &setup.admin,
            setup.connection_id,
            &edit("2027-02-30", view.version),
        )
        .await
        .expect_err("no such day");
    assert!(
        error.for_field("client_secret_expires_on").is_some(),
        "{error}"
    );

    let in_days =
        |days: i64| app::domain::time::format_date(bifrost::time::now_millis() + days * DAY_MS);
    let far = services
        .update_oauth_connection(
            &setup.admin,
            setup.connection_id,
            &edit(&in_days(45), view.version),
        )
        .await
        .expect("45 days ahead");
    assert_eq!(far.to_draft().client_secret_expires_on, in_days(45));
    let kind = HealthKind::ClientSecretExpiring;
    assert_eq!(
        count(&health(&setup, kind, "", "").await, kind),
        0,
        "not yet"
    );
    services
        .update_oauth_connection(
            &setup.admin,
            setup.connection_id,
            &edit(&in_days(20), far.version),
        )
        .await
        .expect("20 days ahead");
    let view = health(&setup, kind, "", "").await;
    assert_eq!(count(&view, kind), 1);
    let item = &view.items.items[0];
    assert_eq!(
        (item.integration_name.as_str(), item.detail.as_str()),
        ("HaloPSA", "Halo_Auth")
    );
    assert_eq!(item.fix_href, "/settings/oauth");
    assert_eq!(
        count(&health(&setup, kind, "contoso", "").await, kind),
        0,
        "no organization's"
    );
    let audit = super::audit_log(&store).await;
    let changes = audit.items[0].changes.clone();
    assert!(changes.contains("client_secret_expires_on"), "{changes}");
}

crate::both_backends!(store:
    every_kind_is_found_where_it_arises_and_links_to_its_fix,
    a_client_secret_expiring_within_30_days_is_listed,
);
