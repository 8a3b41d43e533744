//! Connect for the shared token: the PKCE verifier sent and the tokens sealed at rest; a state
//! that works once, in its own session and before it expires; denied consent and failed
//! exchanges that store nothing.

use app::domain::oauth::GrantType;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bifrost::services::{CallbackOutcome, CallbackQuery};
use bifrost::store::Store;
use sha2::{Digest, Sha256};

use super::fixtures::*;
use crate::provider::{query_param, FakeProvider, Fault};

async fn connect_stores_sealed_tokens_after_sending_the_pkce_verifier(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let (url, outcome) = connect(&setup, None).await;

    assert!(
        url.starts_with(&format!("{}/authorize?tenant=x&", provider.base_url)),
        "{url}"
    );
    assert_eq!(query_param(&url, "code_challenge_method"), "S256");
    assert_eq!(query_param(&url, "prompt"), "consent");
    assert_eq!(query_param(&url, "scope"), "api.read offline_access");
    assert_eq!(
        query_param(&url, "redirect_uri"),
        "http://127.0.0.1:3000/oauth/callback/Halo_Auth"
    );
    assert_eq!(
        outcome,
        CallbackOutcome::Return("/settings/integrations/HaloPSA/oauth?oauth=connected".into())
    );
    let form = provider.last_form();
    let verifier = form.get("code_verifier").expect("the verifier was sent");
    assert_eq!(
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        query_param(&url, "code_challenge")
    );
    assert_eq!(
        form.get("scope").map(String::as_str),
        Some("api.read offline_access")
    );

    let view = setup.oauth_view().await;
    let shared = view.shared.expect("shared token");
    assert_eq!(shared.state, app::domain::oauth::TokenState::Connected);
    assert_eq!(shared.scopes, vec!["api.read", "offline_access"]);
    assert_eq!(shared.connected_by, "admin@example.com");
    assert!(shared.has_refresh_token);
    let token = setup.token(None).await.expect("token").expect("oauth");
    use secrecy::ExposeSecret;
    assert_eq!(token.access_token.expose_secret(), "canary-access-1");
    assert!(!format!("{token:?}").contains("canary"));
    for text in stored_texts(&store).await {
        assert!(!text.contains("canary"), "plaintext secret stored: {text}");
    }
    assert!(!stored_texts(&store)
        .await
        .iter()
        .any(|t| t.contains(verifier)));
}

async fn a_state_works_once_in_its_own_session_and_not_after_expiry(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let url = start(&setup).await;
    let state = query_param(&url, "state");
    let foreign = setup
        .complete_authorization("another-session", CONNECTION, &consented(&state))
        .await;
    assert!(
        matches!(foreign, CallbackOutcome::Refused { status: 403, .. }),
        "{foreign:?}"
    );
    let unknown = setup
        .complete_authorization(SESSION, CONNECTION, &consented("unknown-state"))
        .await;
    assert!(
        matches!(unknown, CallbackOutcome::Refused { status: 400, message } if message.contains("unknown"))
    );
    let first = setup
        .complete_authorization(SESSION, CONNECTION, &consented(&state))
        .await;
    assert!(matches!(first, CallbackOutcome::Return(_)), "{first:?}");
    let replay = setup
        .complete_authorization(SESSION, CONNECTION, &consented(&state))
        .await;
    assert!(
        matches!(replay, CallbackOutcome::Refused { status: 400, .. }),
        "{replay:?}"
    );
    assert_eq!(provider.count(&provider.state.calls.code), 1);

    let url = start(&setup).await;
    let wrong_connection = setup
        .complete_authorization(SESSION, "Other", &consented(&query_param(&url, "state")))
        .await;
    assert!(
        matches!(wrong_connection, CallbackOutcome::Refused { status: 400, message } if message.contains("another OAuth connection"))
    );

    let url = start(&setup).await;
    sqlx::query("UPDATE oauth_states SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("age the state");
    let expired = setup
        .complete_authorization(SESSION, CONNECTION, &consented(&query_param(&url, "state")))
        .await;
    assert!(
        matches!(expired, CallbackOutcome::Refused { status: 400, message } if message.contains("expired"))
    );
    assert_eq!(provider.count(&provider.state.calls.code), 1);
}

async fn denied_consent_and_failed_exchanges_change_nothing(store: Store) {
    let provider = FakeProvider::start().await;
    let setup = setup(&store, &provider, GrantType::AuthorizationCode).await;
    let url = start(&setup).await;
    let refusal = CallbackQuery {
        code: None,
        state: Some(query_param(&url, "state")),
        error: Some("access_denied".into()),
    };
    let denied = setup
        .complete_authorization(SESSION, CONNECTION, &refusal)
        .await;
    assert_eq!(
        denied,
        CallbackOutcome::Return(
            "/settings/integrations/HaloPSA/oauth?oauth_error=denied&reason=access_denied".into()
        )
    );
    for (fault, expected) in [
        (Fault::ServerError, "oauth_error=unavailable"),
        (
            Fault::Garbage,
            "oauth_error=exchange&reason=invalid_response",
        ),
    ] {
        provider.set_fault(fault);
        let (_, outcome) = connect(&setup, None).await;
        assert!(
            matches!(&outcome, CallbackOutcome::Return(path) if path.ends_with(expected)),
            "{outcome:?}"
        );
    }
    let tokens: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM oauth_tokens WHERE access_token IS NOT NULL")
            .fetch_one(store.raw_pool())
            .await
            .expect("count");
    assert_eq!(tokens, 0);
}

crate::both_backends!(
    store: connect_stores_sealed_tokens_after_sending_the_pkce_verifier,
    a_state_works_once_in_its_own_session_and_not_after_expiry,
    denied_consent_and_failed_exchanges_change_nothing,
);
