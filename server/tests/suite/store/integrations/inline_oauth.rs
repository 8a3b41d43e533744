//! Create Integration with its OAuth provider: an existing connection linked, or one configured
//! inline and created in the same transaction, every broken rule of both reported at once, and
//! nothing half-made when the save fails.

use app::domain::ids::ConnectionId;
use app::domain::integration::{IntegrationDraft, IntegrationOAuthChoice};
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::error::AppError;
use app::ssr::{IntegrationServices, OAuthServices};
use bifrost::store::Store;

use super::fixtures::{admin, halo_draft};
use crate::helpers::services_for;
use crate::store::audit_log;

const SECRET: &str = "inline-client-secret-canary";

/// Custom OAuth settings as Create Integration sends them: no name (the integration's).
fn inline_settings() -> OAuthConnectionDraft {
    OAuthConnectionDraft {
        grant_type: GrantType::AuthorizationCode,
        authorization_url: "https://halo.example.com/auth/authorize".into(),
        token_url: "https://halo.example.com/auth/token".into(),
        client_id: "halo-client".into(),
        client_secret: SecretChange::Set(SECRET.into()),
        scopes: "all offline_access".into(),
        pkce: true,
        ..Default::default()
    }
}

fn custom(draft: OAuthConnectionDraft) -> Option<IntegrationOAuthChoice> {
    Some(IntegrationOAuthChoice::Custom {
        draft: Box::new(draft),
    })
}

fn field_errors(error: AppError) -> Vec<(String, String)> {
    error
        .into_field_errors()
        .into_iter()
        .map(|error| (error.field, error.message))
        .collect()
}

async fn custom_settings_create_the_connection_with_the_integration_and_link_it(store: Store) {
    let services = services_for(&store);
    let created = services
        .create_integration_with_oauth(&admin(), &halo_draft(), custom(inline_settings()).as_ref())
        .await
        .expect("create");
    let link = created.oauth_connection.expect("linked");
    assert_eq!(
        link.name, "HaloPSA",
        "an empty name takes the integration's"
    );
    let connection = services
        .oauth_connection(link.id)
        .await
        .expect("connection");
    assert_eq!(connection.client_id, "halo-client");
    assert!(connection.client_secret_set);
    assert_eq!(connection.scopes, vec!["all", "offline_access"]);
    let log = audit_log(&store).await;
    let actions: Vec<&str> = log.items.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(
        actions[..2],
        ["integration.create", "oauth_connection.create"]
    );
    assert!(
        log.items[0].changes.contains("HaloPSA"),
        "{}",
        log.items[0].changes
    );
    assert!(log.items.iter().all(|row| !row.changes.contains(SECRET)));
}

async fn every_broken_rule_of_the_integration_and_its_settings_shows_and_nothing_is_made(
    store: Store,
) {
    let services = services_for(&store);
    let draft = IntegrationDraft {
        name: "Halo PSA!".into(),
        ..halo_draft()
    };
    let settings = OAuthConnectionDraft {
        name: "HaloPSA".into(),
        token_url: "ftp://halo.example.com/token".into(),
        client_id: String::new(),
        ..inline_settings()
    };
    let error = services
        .create_integration_with_oauth(&admin(), &draft, custom(settings).as_ref())
        .await
        .expect_err("refused");
    let fields: Vec<String> = field_errors(error)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    for expected in ["name", "oauth.token_url", "oauth.client_id"] {
        assert!(
            fields.iter().any(|field| field == expected),
            "{expected} in {fields:?}"
        );
    }
    assert_eq!(services.integrations("", 1).await.expect("list").total, 0);
    assert!(services
        .oauth_connections()
        .await
        .expect("connections")
        .is_empty());
}

async fn a_taken_integration_name_rolls_back_the_new_connection(store: Store) {
    let services = services_for(&store);
    services
        .create_integration(&admin(), &halo_draft())
        .await
        .expect("first");
    let settings = OAuthConnectionDraft {
        name: "Halo_Connection".into(),
        ..inline_settings()
    };
    let error = services
        .create_integration_with_oauth(&admin(), &halo_draft(), custom(settings).as_ref())
        .await
        .expect_err("name taken");
    assert_eq!(
        error.for_field("name"),
        Some("an integration with this name already exists")
    );
    assert!(
        services
            .oauth_connections()
            .await
            .expect("connections")
            .is_empty(),
        "the connection written before the integration's insert failed is rolled back"
    );
}

async fn a_taken_connection_name_is_reported_on_the_inline_name(store: Store) {
    let services = services_for(&store);
    services
        .create_oauth_connection(
            &admin(),
            &OAuthConnectionDraft {
                name: "HaloPSA".into(),
                ..inline_settings()
            },
        )
        .await
        .expect("connection");
    let error = services
        .create_integration_with_oauth(&admin(), &halo_draft(), custom(inline_settings()).as_ref())
        .await
        .expect_err("connection name taken");
    let message = error.for_field("oauth.name").expect("on oauth.name");
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(services.integrations("", 1).await.expect("list").total, 0);
}

async fn an_existing_connection_is_linked_and_a_missing_one_is_refused(store: Store) {
    let services = services_for(&store);
    let connection = services
        .create_oauth_connection(
            &admin(),
            &OAuthConnectionDraft {
                name: "Shared_Halo".into(),
                ..inline_settings()
            },
        )
        .await
        .expect("connection");
    let missing = IntegrationOAuthChoice::Existing {
        connection_id: ConnectionId::from(connection.id.get() + 100),
    };
    let error = services
        .create_integration_with_oauth(&admin(), &halo_draft(), Some(&missing))
        .await
        .expect_err("no such connection");
    assert_eq!(
        error.for_field("oauth.connection_id"),
        Some("choose an existing OAuth connection")
    );
    let existing = IntegrationOAuthChoice::Existing {
        connection_id: connection.id,
    };
    let created = services
        .create_integration_with_oauth(&admin(), &halo_draft(), Some(&existing))
        .await
        .expect("create");
    assert_eq!(
        created.oauth_connection.map(|link| link.id),
        Some(connection.id)
    );
    assert_eq!(services.oauth_connections().await.expect("list").len(), 1);
}

crate::both_backends!(store:
    custom_settings_create_the_connection_with_the_integration_and_link_it,
    every_broken_rule_of_the_integration_and_its_settings_shows_and_nothing_is_made,
    a_taken_integration_name_rolls_back_the_new_connection,
    a_taken_connection_name_is_reported_on_the_inline_name,
    an_existing_connection_is_linked_and_a_missing_one_is_refused,
);
