//! OAuth connections through the services, on both backends: validation, the write-only client
//! secret sealed at rest, the redirect URI, and the audit log.

use app::domain::admin::CurrentAdmin;
use app::domain::ids::ConnectionId;
use app::domain::integration::IntegrationDraft;
use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use app::ssr::{IntegrationServices, OAuthServices};
use bifrost::store::Store;

use super::audit_log;
use crate::helpers::services_for;

const SECRET: &str = "client-secret-canary-42";

fn admin() -> CurrentAdmin {
    CurrentAdmin {
        id: 1.into(),
        email: "admin@example.com".into(),
    }
}

fn graph() -> OAuthConnectionDraft {
    OAuthConnectionDraft {
        name: "Microsoft_Graph".into(),
        grant_type: GrantType::AuthorizationCode,
        authorization_url: "https://login.microsoftonline.com/{entity_id}/oauth2/v2.0/authorize"
            .into(),
        token_url: "https://login.microsoftonline.com/{entity_id}/oauth2/v2.0/token".into(),
        client_id: "app-id".into(),
        client_secret: SecretChange::Set(SECRET.into()),
        scopes: "openid offline_access, User.Read".into(),
        pkce: true,
        extra_parameters: "prompt=consent".into(),
        audience: String::new(),
        revocation_url: String::new(),
        entity_id_source: String::new(),
        client_secret_expires_on: String::new(),
        opened_at_version: None,
    }
}

async fn a_connection_keeps_its_secret_sealed_and_shows_its_redirect_uri(store: Store) {
    let services = services_for(&store);
    let created = services
        .create_oauth_connection(&admin(), &graph())
        .await
        .expect("create");
    assert!(created.client_secret_set);
    assert_eq!(
        created.redirect_uri,
        "http://127.0.0.1:3000/oauth/callback/Microsoft_Graph"
    );
    assert_eq!(
        created.scopes,
        vec!["openid", "offline_access", "User.Read"]
    );
    assert_eq!(
        created.extra_parameters,
        vec![("prompt".to_string(), "consent".to_string())]
    );

    let sealed: Option<String> = sqlx::query_scalar("SELECT client_secret FROM oauth_connections")
        .fetch_one(store.raw_pool())
        .await
        .expect("row");
    let sealed = sealed.expect("sealed");
    assert!(sealed.starts_with("v1.") && !sealed.contains("canary"));
    let log = audit_log(&store).await.items;
    assert!(log.iter().all(|entry| !entry.changes.contains("canary")));
    assert!(log[0].changes.contains("(secret set)"));

    // Keep leaves the secret alone; Clear removes it.
    let mut draft = created.to_draft();
    draft.scopes = "User.Read".into();
    let kept = services
        .update_oauth_connection(&admin(), created.id, &draft)
        .await
        .expect("keep");
    assert!(kept.client_secret_set);
    // The next save is of the form as reopened after the first.
    draft.opened_at_version = Some(kept.version);
    draft.client_secret = SecretChange::Clear;
    let cleared = services
        .update_oauth_connection(&admin(), created.id, &draft)
        .await
        .expect("clear");
    assert!(!cleared.client_secret_set);

    let error = services
        .create_oauth_connection(
            &admin(),
            &OAuthConnectionDraft {
                name: "microsoft_graph".into(),
                ..graph()
            },
        )
        .await
        .expect_err("taken");
    assert_eq!(
        error.for_field("name"),
        Some("an OAuth connection with this name already exists")
    );

    services
        .delete_oauth_connection(&admin(), created.id)
        .await
        .expect("delete");
    assert!(services.oauth_connections().await.expect("list").is_empty());
}

async fn bad_settings_are_refused_field_by_field(store: Store) {
    let services = services_for(&store);
    let draft = OAuthConnectionDraft {
        name: "bad name".into(),
        authorization_url: "http://idp.example.com/authorize".into(),
        token_url: String::new(),
        client_id: String::new(),
        extra_parameters: "redirect_uri=https://evil.example.com".into(),
        ..graph()
    };
    let error = services
        .create_oauth_connection(&admin(), &draft)
        .await
        .expect_err("invalid");
    let refused = "name authorization_url token_url client_id extra_parameters";
    for field in refused.split(' ') {
        assert!(error.for_field(field).is_some(), "{field}: {error}");
    }
    assert!(services.oauth_connections().await.expect("list").is_empty());
}

async fn an_integration_links_a_connection_until_it_is_deleted(store: Store) {
    let services = services_for(&store);
    let connection = services
        .create_oauth_connection(&admin(), &graph())
        .await
        .expect("connection");
    let draft = IntegrationDraft {
        name: "Graph".into(),
        ..Default::default()
    };
    let integration = services
        .create_integration(&admin(), &draft)
        .await
        .expect("integration");
    let linked = services
        .link_oauth_connection(&admin(), integration.id, Some(connection.id))
        .await
        .expect("link");
    assert_eq!(
        linked.oauth_connection.map(|link| link.name),
        Some("Microsoft_Graph".to_string())
    );
    let list = services.integrations("", 1).await.expect("list");
    assert_eq!(
        list.items[0].oauth_connection.as_deref(),
        Some("Microsoft_Graph")
    );
    let error = services
        .link_oauth_connection(
            &admin(),
            integration.id,
            Some(ConnectionId::new(connection.id.get() + 100)),
        )
        .await
        .expect_err("unknown connection");
    assert!(error.for_field("oauth_connection_id").is_some());

    services
        .delete_oauth_connection(&admin(), connection.id)
        .await
        .expect("delete");
    let view = services.integration("Graph").await.expect("view");
    assert_eq!(
        view.oauth_connection, None,
        "deleting the connection unlinks it"
    );
    let log = audit_log(&store).await.items;
    assert!(log
        .iter()
        .any(|entry| entry.action == "integration.oauth_link"));
}

crate::both_backends!(store:
    an_integration_links_a_connection_until_it_is_deleted,
    a_connection_keeps_its_secret_sealed_and_shows_its_redirect_uri,
    bad_settings_are_refused_field_by_field,
);
