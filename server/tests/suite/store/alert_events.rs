//! Alerts on both backends, end to end inside the server: e-mail over SMTP, "Send test" and its
//! outcome, the outbound policy on an SMTP host, and the token events where refreshes fail,
//! recover and are refused.

use app::domain::notifications::{AlertEvent, DestinationDraft};
use app::ssr::NotificationServices;
use bifrost::oauth::outbound::OutboundPolicy;
use bifrost::store::Store;

use super::alerts::{add_webhook, alert, deliver, deliveries, setup_with_provider, webhook_draft};
use super::oauth_tokens::{connect, services_with};
use crate::alert_receivers::{SmtpReceiver, WebhookReceiver};
use crate::provider::Fault;

async fn email_goes_over_smtp_and_a_test_reports_its_outcome(store: Store) {
    let (_provider, setup) = setup_with_provider(&store).await;
    let smtp = SmtpReceiver::start().await;
    let draft = DestinationDraft {
        name: "On-call mail".into(),
        kind: "email".into(),
        smtp_host: "127.0.0.1".into(),
        smtp_port: smtp.port.to_string(),
        smtp_security: "none".into(),
        email_from: "bifrost@example.com".into(),
        email_to: "oncall@example.com, noc@example.com".into(),
        events: vec!["oauth.needs_reconnect".into()],
        ..DestinationDraft::default()
    };
    let services = &setup.services;
    let created = services
        .create_alert_destination(&setup.admin, &draft)
        .await
        .expect("email");
    assert!(created.signing_secret.is_none());
    let outcome = services
        .send_test_alert(&setup.admin, created.view.id)
        .await
        .expect("test");
    assert!(outcome.delivered, "{outcome:?}");
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["<oncall@example.com>", "<noc@example.com>"]);
    assert!(
        mails[0]
            .data
            .contains("Subject: [Bifrost] Test alert to On-call mail"),
        "{}",
        mails[0].data
    );

    // Only subscribed events go there.
    let now = bifrost::time::now_millis();
    assert!(services
        .queue_alert(&alert("token:1"), now)
        .await
        .expect("queue")
        .is_empty());

    // The same name again is refused by name; a webhook that fails says how in its test.
    let again = services
        .create_alert_destination(&setup.admin, &draft)
        .await
        .expect_err("taken");
    assert!(again.for_field("name").is_some(), "{again}");
    let receiver = WebhookReceiver::start().await;
    let failing = services
        .create_alert_destination(
            &setup.admin,
            &webhook_draft("Slack", "slack", &receiver.url),
        )
        .await
        .expect("slack");
    receiver.answer(&[404]);
    let outcome = services
        .send_test_alert(&setup.admin, failing.view.id)
        .await
        .expect("test");
    assert!(!outcome.delivered);
    assert!(
        outcome.message.contains("404") && !outcome.message.contains("/hook"),
        "{outcome:?}"
    );
    assert!(receiver.received()[0].json()["text"]
        .as_str()
        .unwrap_or_default()
        .contains("Test alert"));

    // A server that may not call this machine refuses the address, and says which setting opens it.
    let public_only = services_with(&store, setup.keyring.clone(), OutboundPolicy::public_only());
    let outcome = public_only
        .send_test_alert(&setup.admin, created.view.id)
        .await
        .expect("test");
    assert!(
        !outcome.delivered && outcome.message.contains("BIFROST_ALLOW_PRIVATE_NETWORK"),
        "{outcome:?}"
    );
    assert_eq!(smtp.mails().len(), 1);
    // Nor may a webhook name this machine, by address or by a name that resolves to it.
    let port = smtp.port;
    for url in [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
    ] {
        let error = public_only
            .create_alert_destination(
                &setup.admin,
                &webhook_draft(&format!("Inside {url}"), "webhook", &url),
            )
            .await
            .expect_err("an internal address");
        assert!(
            error
                .for_field("url")
                .is_some_and(|rule| rule.contains("BIFROST_ALLOW_PRIVATE_NETWORK")),
            "{error}"
        );
    }
    // A webhook saved while allowed is refused when sent by a server that is not.
    let inside = webhook_draft(
        "Inside",
        "webhook",
        &format!("http://127.0.0.1:{port}/hook"),
    );
    let inside = services
        .create_alert_destination(&setup.admin, &inside)
        .await
        .expect("allowed here");
    let outcome = public_only
        .send_test_alert(&setup.admin, inside.view.id)
        .await
        .expect("test");
    assert!(
        !outcome.delivered && outcome.message.contains("BIFROST_ALLOW_PRIVATE_NETWORK"),
        "{outcome:?}"
    );
}

async fn token_events_alert_where_refreshes_fail_recover_and_are_refused(store: Store) {
    let (provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    add_webhook(&setup, &receiver).await;
    connect(&setup, None).await;
    let expire = || async {
        sqlx::query(
            "UPDATE oauth_tokens SET expires_at = 1, lease_owner = NULL, lease_until = NULL",
        )
        .execute(store.raw_pool())
        .await
        .expect("expire");
    };
    provider.set_fault(Fault::ServerError);
    expire().await;
    setup.token(None).await.expect_err("provider down");
    expire().await;
    setup.token(None).await.expect_err("still down");
    provider.set_fault(Fault::None);
    expire().await;
    setup.token(None).await.expect("recovered");
    provider.revoke_all_refresh_tokens();
    expire().await;
    setup.token(None).await.expect_err("refused");
    setup.token(None).await.expect_err("still refused");

    let page = deliveries(&setup.services).await;
    let events: Vec<&str> = page.items.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "oauth.needs_reconnect",
            "oauth.recovered",
            "oauth.refresh_failed"
        ]
    );
    assert_eq!(
        page.items[0].summary,
        "The shared Halo_Auth token needs reconnecting"
    );
    deliver(&setup.services, bifrost::time::now_millis()).await;
    let detail = receiver
        .received()
        .iter()
        .map(|r| r.json()["detail"].to_string())
        .collect::<Vec<_>>();
    assert!(
        detail.iter().any(|d| d.contains("invalid_grant")),
        "{detail:?}"
    );
}

async fn connecting_a_refused_token_again_alerts_its_recovery(store: Store) {
    let (provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    add_webhook(&setup, &receiver).await;
    connect(&setup, None).await;
    provider.revoke_all_refresh_tokens();
    sqlx::query("UPDATE oauth_tokens SET expires_at = 1")
        .execute(store.raw_pool())
        .await
        .expect("expire");
    setup.token(None).await.expect_err("refused");
    connect(&setup, None).await;
    setup.token(None).await.expect("connected again");
    let page = deliveries(&setup.services).await;
    let events: Vec<&str> = page.items.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(events, ["oauth.recovered", "oauth.needs_reconnect"]);
    assert_eq!(
        page.items[0].summary,
        "The shared Halo_Auth token works again"
    );
    // Connecting a working token again is no recovery.
    let quiet = deliveries(&setup.services).await.total;
    connect(&setup, None).await;
    assert_eq!(deliveries(&setup.services).await.total, quiet);
}

async fn an_edit_keeps_the_url_and_secrets_it_leaves_empty(store: Store) {
    let (_provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    let secret = add_webhook(&setup, &receiver).await;
    let services = &setup.services;
    let listed = services.alert_destinations().await.expect("list");
    let mut draft = listed[0].draft.clone();
    assert!(draft.url.is_empty(), "the URL stays on the server");
    draft.name = "NOC channel".into();
    draft.events = vec!["oauth.needs_reconnect".into()];
    let sealed = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT COALESCE(url, '') || COALESCE(secret, '') FROM alert_destinations",
        )
        .fetch_one(store.raw_pool())
        .await
        .expect("sealed")
    };
    let before = sealed().await;
    let edited = services
        .update_alert_destination(&setup.admin, listed[0].id, &draft)
        .await
        .expect("edit");
    assert_eq!(
        (edited.name.as_str(), edited.target.as_str()),
        ("NOC channel", "127.0.0.1")
    );
    assert_eq!(edited.events, [AlertEvent::NeedsReconnect]);
    assert_eq!(sealed().await, before, "URL and signing secret kept");
    let outcome = services
        .send_test_alert(&setup.admin, edited.id)
        .await
        .expect("test");
    assert!(outcome.delivered, "{outcome:?}");
    let request = &receiver.received()[0];
    let signature = request.header("x-bifrost-signature");
    let timestamp = request.header("x-bifrost-timestamp");
    assert_eq!(
        signature,
        bifrost::alerts::formats::signature(
            secret.as_bytes(),
            timestamp.parse().expect("seconds"),
            &request.body
        )
    );

    let other_kind = DestinationDraft {
        kind: "slack".into(),
        ..draft.clone()
    };
    let error = services
        .update_alert_destination(&setup.admin, edited.id, &other_kind)
        .await
        .expect_err("kind");
    assert!(error.for_field("kind").is_some(), "{error}");
    let bad = DestinationDraft {
        events: Vec::new(),
        ..draft
    };
    let error = services
        .update_alert_destination(&setup.admin, edited.id, &bad)
        .await
        .expect_err("events");
    assert!(error.for_field("events").is_some(), "{error}");
    let audit = super::audit_log(&store).await;
    assert!(audit
        .items
        .iter()
        .any(|entry| entry.action == "alert_destination.update"
            && entry.changes.contains("NOC channel")
            && !entry.changes.contains(&secret)));
}

crate::both_backends!(store:
    an_edit_keeps_the_url_and_secrets_it_leaves_empty,
    connecting_a_refused_token_again_alerts_its_recovery,
    email_goes_over_smtp_and_a_test_reports_its_outcome,
    token_events_alert_where_refreshes_fail_recover_and_are_refused,
);
