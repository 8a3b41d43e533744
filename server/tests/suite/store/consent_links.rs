//! Consent links from the customer's side and the attacker's: a link kept only as a hash,
//! its page, a consent bound to the link and to the browser that started it (neither another
//! browser nor an administrator's session can finish it), the organization's own token stored
//! and linked, single use (also when two consents race), expiry, revocation and a denial that
//! leaves the link usable; every step audited.

use app::domain::ids::{ConsentLinkId, MappingId};
use app::domain::oauth::{ConsentLinkState, GrantType};
use app::ssr::{ConsentLinkServices, OAuthTokenServices};
use bifrost::oauth::consent_flow::{ConsentOutcome, ConsentRefusal};
use bifrost::services::{CallbackOutcome, CallbackQuery};
use bifrost::store::Store;

use super::audit_log;
use super::oauth_tokens::{
    consented, mapped_organization, setup, stored_texts, Setup, CONNECTION, SESSION,
};
use crate::provider::{query_param, FakeProvider};

/// HaloPSA on an authorization-code connection, Contoso mapped: the setup and the mapping.
async fn contoso(store: &Store, provider: &FakeProvider) -> (Setup, MappingId) {
    let setup = setup(store, provider, GrantType::AuthorizationCode).await;
    let (_, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    (setup, mapping)
}

/// A new link for the mapping: its id and the secret its address ends with.
async fn new_link(setup: &Setup, mapping: MappingId) -> (ConsentLinkId, String) {
    let created = setup
        .services
        .create_consent_link(&setup.admin, setup.integration_id, mapping, "7")
        .await
        .expect("link");
    let secret = created
        .url
        .rsplit_once("/consent/")
        .map(|(_, secret)| secret.to_string())
        .expect("a consent address");
    (created.link.id, secret)
}

/// Continue on the link's page in the browser holding `browser`: the provider URL's state.
async fn start(setup: &Setup, secret: &str, browser: &str) -> Result<String, ConsentRefusal> {
    let url = setup.services.start_consent(secret, browser).await?;
    Ok(query_param(&url, "state"))
}

async fn finish(setup: &Setup, browser: &str, query: &CallbackQuery) -> Option<ConsentOutcome> {
    setup
        .services
        .complete_consent(browser, CONNECTION, query)
        .await
        .expect("callback")
}

async fn link_state(setup: &Setup, mapping: MappingId) -> ConsentLinkState {
    let links = setup
        .services
        .consent_links(setup.integration_id, mapping)
        .await
        .expect("links");
    links.first().expect("a link").state
}

async fn a_link_is_kept_as_a_hash_and_its_page_names_the_scope(store: Store) {
    let provider = FakeProvider::start().await;
    let (setup, mapping) = contoso(&store, &provider).await;
    let (_, secret) = new_link(&setup, mapping).await;
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM consent_links")
        .fetch_all(store.raw_pool())
        .await
        .expect("hashes");
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0], secret);
    for text in stored_texts(&store).await {
        assert!(
            !text.contains(&secret),
            "the link's secret is stored: {text}"
        );
    }

    let page = setup.services.consent_page(&secret).await.expect("page");
    assert_eq!(page.organization_name, "Contoso");
    assert_eq!(page.integration_name, "HaloPSA");
    assert_eq!(page.scopes, vec!["api.read", "offline_access"]);
    assert_eq!(page.provider_origin, provider.base_url);
    for forged in ["", "x", &secret[..secret.len() - 1], &format!("{secret}x")] {
        assert_eq!(
            setup.services.consent_page(forged).await,
            Err(ConsentRefusal::Unknown),
            "{forged}"
        );
    }

    let error = setup
        .services
        .create_consent_link(&setup.admin, setup.integration_id, mapping, "31")
        .await
        .expect_err("too long");
    assert!(error.for_field("days").is_some(), "{error}");
}

async fn client_credentials_take_no_consent_link(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::ClientCredentials).await;
    let (_, mapping) = mapped_organization(&setup, "Contoso", "tenant-a").await;
    let error = setup
        .services
        .create_consent_link(&setup.admin, setup.integration_id, mapping, "7")
        .await
        .expect_err("no consent in a browser");
    assert!(error.to_string().contains("authorization code"), "{error}");
}

async fn the_customers_consent_stores_the_organizations_token_once(store: Store) {
    let provider = FakeProvider::start().await;
    let (setup, mapping) = contoso(&store, &provider).await;
    let (_, secret) = new_link(&setup, mapping).await;
    let state = start(&setup, &secret, "customer-browser")
        .await
        .expect("start");

    // Another browser, or the admin's own session, cannot finish the customer's consent.
    assert_eq!(
        finish(&setup, "other-browser", &consented(&state)).await,
        None
    );
    let admin_try = setup
        .services
        .complete_authorization(&setup.admin, SESSION, CONNECTION, &consented(&state))
        .await
        .expect("callback");
    assert!(
        matches!(admin_try, CallbackOutcome::Refused { status: 403, .. }),
        "{admin_try:?}"
    );

    let outcome = finish(&setup, "customer-browser", &consented(&state)).await;
    assert!(
        matches!(&outcome, Some(ConsentOutcome::Connected { organization_name, .. }) if organization_name == "Contoso"),
        "{outcome:?}"
    );
    let view = setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("view")
        .expect("oauth");
    assert!(view.shared.is_none(), "the shared token is untouched");
    let token = view
        .organization_tokens
        .first()
        .expect("Contoso's own token");
    assert_eq!(token.organization_name.as_deref(), Some("Contoso"));
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT oauth_token_id FROM integration_mappings WHERE id = $1")
            .bind(mapping.get())
            .fetch_one(store.raw_pool())
            .await
            .expect("mapping");
    assert_eq!(linked, Some(token.id.get()), "linked on Contoso's mapping");

    // Used: the page, a new start and a replayed callback are all refused.
    assert_eq!(link_state(&setup, mapping).await, ConsentLinkState::Used);
    assert_eq!(
        setup.services.consent_page(&secret).await,
        Err(ConsentRefusal::Used)
    );
    assert_eq!(
        start(&setup, &secret, "customer-browser").await,
        Err(ConsentRefusal::Used)
    );
    assert_eq!(
        finish(&setup, "customer-browser", &consented(&state)).await,
        None,
        "a state works once"
    );
    let actions: Vec<String> = audit_log(&store)
        .await
        .items
        .iter()
        .map(|row| row.action.clone())
        .collect();
    for action in [
        "consent_link.create",
        "consent_link.start",
        "oauth_token.connect",
        "consent_link.complete",
    ] {
        assert!(
            actions.iter().any(|seen| seen == action),
            "{action}: {actions:?}"
        );
    }
    assert_eq!(provider.count(&provider.state.calls.code), 1);
}

async fn two_consents_racing_on_one_link_store_one_token(store: Store) {
    let provider = FakeProvider::start().await;
    let (setup, mapping) = contoso(&store, &provider).await;
    let (_, secret) = new_link(&setup, mapping).await;
    let first = start(&setup, &secret, "browser-1").await.expect("first");
    let second = start(&setup, &secret, "browser-2").await.expect("second");
    let (first, second) = (consented(&first), consented(&second));
    let (a, b) = tokio::join!(
        finish(&setup, "browser-1", &first),
        finish(&setup, "browser-2", &second),
    );
    let connected = [&a, &b]
        .iter()
        .filter(|outcome| matches!(outcome, Some(ConsentOutcome::Connected { .. })))
        .count();
    assert_eq!(connected, 1, "{a:?} {b:?}");
    let refused = [a, b]
        .into_iter()
        .flatten()
        .find_map(|outcome| match outcome {
            ConsentOutcome::Failed(message) => Some(message),
            ConsentOutcome::Connected { .. } => None,
        });
    assert!(refused.is_some_and(|message| message.contains("already used")));
}

async fn revoked_expired_and_denied_links(store: Store) {
    let provider = FakeProvider::start().await;
    let (setup, mapping) = contoso(&store, &provider).await;

    // A denial at the provider changes nothing; the link still works.
    let (_, secret) = new_link(&setup, mapping).await;
    let state = start(&setup, &secret, "browser").await.expect("start");
    let denied = CallbackQuery {
        code: None,
        state: Some(state),
        error: Some("access_denied".into()),
    };
    let outcome = finish(&setup, "browser", &denied).await;
    assert!(
        matches!(&outcome, Some(ConsentOutcome::Failed(message)) if message.contains("access_denied")),
        "{outcome:?}"
    );
    assert_eq!(link_state(&setup, mapping).await, ConsentLinkState::Open);
    assert!(setup.services.consent_page(&secret).await.is_ok());

    // Revoked: refused, also for a consent already under way.
    let state = start(&setup, &secret, "browser")
        .await
        .expect("start again");
    let (id, _) = new_link(&setup, mapping).await;
    let links = setup
        .services
        .consent_links(setup.integration_id, mapping)
        .await
        .expect("links");
    let first = links
        .iter()
        .find(|link| link.id != id)
        .expect("the first link")
        .id;
    setup
        .services
        .revoke_consent_link(&setup.admin, setup.integration_id, first)
        .await
        .expect("revoke");
    assert_eq!(
        setup.services.consent_page(&secret).await,
        Err(ConsentRefusal::Revoked)
    );
    let outcome = finish(&setup, "browser", &consented(&state)).await;
    assert!(
        matches!(&outcome, Some(ConsentOutcome::Failed(message)) if message.contains("withdrawn")),
        "{outcome:?}"
    );
    let unknown = ConsentLinkId::new(id.get() + 100);
    assert!(setup
        .services
        .revoke_consent_link(&setup.admin, setup.integration_id, unknown)
        .await
        .is_err());

    // Expired.
    let (_, secret) = new_link(&setup, mapping).await;
    sqlx::query("UPDATE consent_links SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("expire");
    assert_eq!(
        setup.services.consent_page(&secret).await,
        Err(ConsentRefusal::Expired)
    );
    assert!(setup
        .services
        .integration_oauth(setup.integration_id)
        .await
        .expect("view")
        .expect("oauth")
        .organization_tokens
        .is_empty());
}

crate::both_backends!(store:
    a_link_is_kept_as_a_hash_and_its_page_names_the_scope,
    client_credentials_take_no_consent_link,
    the_customers_consent_stores_the_organizations_token_once,
    two_consents_racing_on_one_link_store_one_token,
    revoked_expired_and_denied_links,
);
