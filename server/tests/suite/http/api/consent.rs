//! A consent link over HTTP, from a browser with no account: the page (not cached, its form may
//! go only here and to the provider), Continue (a state bound to a cookie only the callback
//! sees), the admin's own browser refused at the callback, the customer's browser connected,
//! and the used link refused. Nothing else opens to that browser.

use app::ssr::ConsentLinkServices;

use super::world::*;
use crate::helpers::TestDb;
use crate::http::test_app::TestApp;
use crate::provider::{query_param, FakeProvider, GOOD_CODE};

async fn a_customer_without_an_account_consents_through_the_link(db: TestDb) {
    let w = world(db).await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    let mapping = w
        .app
        .db()
        .store
        .find_mapping_of_organization(w.integration_id, w.contoso)
        .await
        .expect("read")
        .expect("Contoso's mapping");
    let created = w
        .services
        .create_consent_link(&w.admin, w.integration_id, mapping.id, "7")
        .await
        .expect("link");
    let path = created
        .url
        .strip_prefix(&w.app.address)
        .expect("a link to this server")
        .to_string();
    let customer = TestApp::client_for(&w.app);

    let response = customer.get(&path).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("cache-control"), "no-store");
    let policy = header("content-security-policy");
    assert!(
        policy.contains(&format!("form-action 'self' {};", provider.base_url)),
        "{policy}"
    );
    let page = response.text().await.expect("html");
    for text in ["Contoso", "HaloPSA", "api.read", "Continue to 127.0.0.1"] {
        assert!(page.contains(text), "{text}: {page}");
    }

    let response = customer.call_server_fn(&path, &[]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(location.starts_with(&format!("{}/authorize?", provider.base_url)));
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    for part in [
        "bifrost_consent=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/oauth/callback",
    ] {
        assert!(cookie.contains(part), "{part}: {cookie}");
    }
    let callback = format!(
        "/oauth/callback/Halo_Auth?code={GOOD_CODE}&state={}",
        query_param(&location, "state")
    );

    // The admin's own browser, signed in but without the customer's cookie, is refused.
    let (status, _) = w.app.get_page(&callback).await;
    assert_eq!(status, 403);
    let (status, page) = customer.get_page(&callback).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Connected. "), "{page}");
    let (status, page) = customer.get_page(&path).await;
    assert_eq!(status, 410);
    assert!(page.contains("already used"), "{page}");

    // Nothing else opened: a forged link, and the admin pages still need a sign-in.
    let (status, _) = customer.get_page("/consent/not-a-link").await;
    assert_eq!(status, 404);
    let response = customer.get("/settings/integrations").await;
    assert_eq!(response.status(), 303);
    let (status, _) = customer.get_page(&callback).await;
    assert_eq!(status, 401, "no session and no consent under way");
    w.app.finish().await;
}

crate::both_backends!(db: a_customer_without_an_account_consents_through_the_link,);
