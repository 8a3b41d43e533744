//! Alerts on both backends: destinations keep their URL and secrets sealed; an event about one
//! subject is queued once per window, even by two servers at once; deliveries are signed,
//! retried with backoff and given up; two replicas deliver each alert exactly once.

use app::domain::notifications::{AlertEvent, DeliveryStatus, DeliveryView, DestinationDraft};
use app::domain::oauth::GrantType;
use app::domain::paging::Paged;
use app::ssr::NotificationServices;
use bifrost::alerts::deliver::{FIRST_RETRY_MS, MAX_ATTEMPTS};
use bifrost::alerts::Alert;
use bifrost::oauth::outbound::OutboundPolicy;
use bifrost::services::ServerServices;
use bifrost::store::Store;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::oauth_tokens::{services_with, setup, Setup};
use crate::alert_receivers::WebhookReceiver;
use crate::provider::FakeProvider;

const HOUR_MS: i64 = 60 * 60 * 1000;

pub(super) fn webhook_draft(name: &str, kind: &str, url: &str) -> DestinationDraft {
    DestinationDraft {
        name: name.into(),
        kind: kind.into(),
        url: url.into(),
        events: AlertEvent::SUBSCRIBABLE
            .iter()
            .map(|event| event.as_str().to_string())
            .collect(),
        ..DestinationDraft::default()
    }
}

/// What one server's delivery pass at `at` attempted.
pub(super) async fn deliver(services: &ServerServices, at: i64) -> usize {
    services.deliver_due_alerts(at).await.expect("deliver")
}

/// The newest page of deliveries.
pub(super) async fn deliveries(services: &ServerServices) -> Paged<DeliveryView> {
    services
        .alert_deliveries(None, 1)
        .await
        .expect("deliveries")
}

pub(super) fn alert(subject: &str) -> Alert {
    Alert {
        event: AlertEvent::RefreshFailed,
        subject: subject.into(),
        summary: format!("Refreshing {subject} fails"),
        detail: "the provider answered 503".into(),
        connection: Some("Halo_Auth".into()),
        integration: None,
        organization: Some("Contoso".into()),
        path: "/?kind=refresh-failing".into(),
    }
}

pub(super) async fn add_webhook(setup: &Setup, receiver: &WebhookReceiver) -> String {
    let created = setup
        .services
        .create_alert_destination(
            &setup.admin,
            &webhook_draft("NOC", "webhook", &receiver.url),
        )
        .await
        .expect("destination");
    created.signing_secret.expect("a signing secret")
}

pub(super) async fn setup_with_provider(store: &Store) -> (FakeProvider, Setup) {
    let provider = FakeProvider::start().await;
    let setup = setup(store, &provider, GrantType::AuthorizationCode).await;
    (provider, setup)
}

fn verify(secret: &str, timestamp: &str, body: &str, signature: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn a_signed_webhook_gets_each_alert_once_per_window(store: Store) {
    let (_provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    let secret = add_webhook(&setup, &receiver).await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    // Listed by host only; the URL and the secret are sealed in the store.
    let listed = setup.services.alert_destinations().await.expect("list");
    assert_eq!(listed[0].target, "127.0.0.1");
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT COALESCE(url, '') || ' ' || COALESCE(secret, '') || ' ' || target || settings FROM alert_destinations",
    )
    .fetch_all(store.raw_pool())
    .await
    .expect("stored");
    assert!(
        !stored[0].contains("/hook") && !stored[0].contains(&secret),
        "{stored:?}"
    );

    let services = &setup.services;
    let now = bifrost::time::now_millis();
    assert_eq!(
        services
            .queue_alert(&alert("token:1"), now)
            .await
            .expect("queue")
            .len(),
        1
    );
    assert!(
        services
            .queue_alert(&alert("token:1"), now + 1_000)
            .await
            .expect("queue")
            .is_empty(),
        "within the hour"
    );
    assert_eq!(
        services
            .queue_alert(&alert("token:2"), now)
            .await
            .expect("queue")
            .len(),
        1
    );
    assert_eq!(deliver(services, now).await, 2);
    assert_eq!(deliver(services, now).await, 0, "sent once");

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        let timestamp = request.header("x-bifrost-timestamp");
        let signature = request.header("x-bifrost-signature");
        assert!(
            verify(&secret, &timestamp, &request.body, &signature),
            "{request:?}"
        );
        assert!(!verify(
            "whsec_other",
            &timestamp,
            &request.body,
            &signature
        ));
        let body = request.json();
        assert_eq!(body["event"], "oauth.refresh_failed");
        assert_eq!(request.header("x-bifrost-event"), "oauth.refresh_failed");
        assert_eq!(request.header("x-bifrost-delivery"), body["id"].to_string());
        assert_eq!(body["url"], "http://127.0.0.1:3000/?kind=refresh-failing");
    }
    // The window ends after an hour: the same failure alerts again.
    let later = now + HOUR_MS;
    assert_eq!(
        services
            .queue_alert(&alert("token:1"), later)
            .await
            .expect("queue")
            .len(),
        1
    );

    let page = deliveries(services).await;
    assert_eq!(page.total, 3);
    assert_eq!(page.items[1].status, DeliveryStatus::Delivered);
    assert_eq!(page.items[1].summary, "Refreshing token:2 fails");
}

async fn failed_deliveries_back_off_and_are_given_up(store: Store) {
    let (_provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    add_webhook(&setup, &receiver).await;
    let services = &setup.services;
    let now = bifrost::time::now_millis();

    receiver.answer(&[500, 503]);
    services
        .queue_alert(&alert("token:1"), now)
        .await
        .expect("queue");
    assert_eq!(deliver(services, now).await, 1);
    let page = deliveries(services).await;
    let first = &page.items[0];
    assert_eq!((first.status, first.attempts), (DeliveryStatus::Pending, 1));
    assert!(first.last_error.contains("500"), "{first:?}");
    assert_eq!(first.next_attempt_at, now + FIRST_RETRY_MS);
    assert_eq!(
        deliver(services, now + FIRST_RETRY_MS - 1).await,
        0,
        "not before the pause"
    );
    let second_try = now + FIRST_RETRY_MS;
    assert_eq!(deliver(services, second_try).await, 1);
    let third_try = second_try + 4 * FIRST_RETRY_MS;
    assert_eq!(
        deliver(services, third_try - 1).await,
        0,
        "four times longer"
    );
    assert_eq!(deliver(services, third_try).await, 1);
    let page = deliveries(services).await;
    assert_eq!(
        (page.items[0].status, page.items[0].attempts),
        (DeliveryStatus::Delivered, 3)
    );
    assert_eq!(receiver.received().len(), 3);

    // A destination that never answers well is given up after the last attempt.
    receiver.answer(&[500; 10]);
    services
        .queue_alert(&alert("token:2"), now)
        .await
        .expect("queue");
    let mut at = now;
    for _ in 0..MAX_ATTEMPTS {
        at += 10 * HOUR_MS;
        assert_eq!(deliver(services, at).await, 1);
    }
    assert_eq!(deliver(services, at + 100 * HOUR_MS).await, 0);
    let page = deliveries(services).await;
    assert_eq!(page.items[0].status, DeliveryStatus::Failed);
    assert_eq!(page.items[0].attempts, MAX_ATTEMPTS);
    assert_eq!(receiver.received().len(), 3 + 6);
}

/// A second server over the same database, as another replica.
fn replica(store: &Store, setup: &Setup) -> ServerServices {
    services_with(
        store,
        setup.keyring.clone(),
        OutboundPolicy::allow_private_network(),
    )
}

async fn two_replicas_deliver_each_alert_exactly_once(store: Store) {
    let (_provider, setup) = setup_with_provider(&store).await;
    let receiver = WebhookReceiver::start().await;
    add_webhook(&setup, &receiver).await;
    let (first, second) = (&setup.services, &replica(&store, &setup));
    let now = bifrost::time::now_millis();
    for n in 0..20 {
        let raiser = if n % 2 == 0 { first } else { second };
        raiser
            .queue_alert(&alert(&format!("token:{n}")), now)
            .await
            .expect("queue");
    }
    // Both notice the same failure at once: one queues it.
    let shared = alert("token:shared");
    let (a, b) = tokio::join!(
        first.queue_alert(&shared, now),
        second.queue_alert(&shared, now)
    );
    assert_eq!(a.expect("queue").len() + b.expect("queue").len(), 1);
    // A client secret expiring in ten days, seen by both servers' hourly pass.
    sqlx::query("UPDATE oauth_connections SET client_secret_expires_at = $1")
        .bind(now + 10 * 24 * HOUR_MS)
        .execute(store.raw_pool())
        .await
        .expect("expiry");
    let (a, b) = tokio::join!(
        first.raise_client_secret_alerts(now),
        second.raise_client_secret_alerts(now)
    );
    assert_eq!(a.expect("raise") + b.expect("raise"), 1);

    let (a, b) = tokio::join!(
        first.deliver_due_alerts(now),
        second.deliver_due_alerts(now)
    );
    assert_eq!(a.expect("deliver") + b.expect("deliver"), 22);
    let mut ids: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.header("x-bifrost-delivery"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 22, "each delivery once");
    assert_eq!(receiver.received().len(), 22);
    let expiring = receiver
        .received()
        .into_iter()
        .find(|r| r.header("x-bifrost-event") == "oauth.client_secret_expiring")
        .expect("the expiry alert");
    assert!(expiring.json()["summary"]
        .as_str()
        .unwrap_or_default()
        .contains("Halo_Auth"));
}

crate::both_backends!(store:
    a_signed_webhook_gets_each_alert_once_per_window,
    failed_deliveries_back_off_and_are_given_up,
    two_replicas_deliver_each_alert_exactly_once,
);
