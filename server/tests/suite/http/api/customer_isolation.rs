//! Customer keys see only their own organization: an unmapped customer gets nothing of the
//! integration, and no route or way of naming another organization gives anything of it.

use app::domain::integration::MappingDraft;
use app::ssr::{MappingServices, OrganizationServices};

use super::world::*;
use crate::helpers::{new_api_key, TestDb};
use crate::provider::FakeProvider;

/// Unmapped means not configured, for a customer key: an organization without a mapping, asking
/// with its own key, and a mapped one asking for an integration it is not mapped to, get 404
/// `integration_not_configured` and nothing of the defaults, the secret, the Default Entity ID or
/// the shared token, which is connected. A provider key keeps the global fallback.
async fn an_unmapped_customer_gets_nothing_of_the_integration(db: TestDb) {
    let w = world(db).await;
    let provider = FakeProvider::start().await;
    w.link_halo_to(&provider).await;
    w.connect_halo().await;
    let northwind = w
        .services
        .create_organization(&w.admin, "Northwind")
        .await
        .expect("organization")
        .id;
    let northwind_key = new_api_key(&w.services, &w.admin, northwind, "northwind automation").await;
    w.create_ninjaone().await;

    // What the provider's key gets for Northwind: the global scope, with the shared token.
    let (status, body) = w
        .call(
            Some(&w.provider_key),
            "/api/v1/integrations/HaloPSA?scope=Northwind",
        )
        .await;
    assert_eq!(
        (status, body["mapped"].as_bool(), body["entity_id"].as_str()),
        (200, Some(false), Some("global-tenant")),
        "{body}"
    );
    let shared_token = body["oauth"]["access_token"]
        .as_str()
        .expect("the shared token is connected")
        .to_string();

    for (key, path) in [
        (&northwind_key, "/api/v1/integrations/HaloPSA"),
        (
            &northwind_key,
            "/api/v1/integrations/HaloPSA?scope=Northwind",
        ),
        (&northwind_key, "/api/v1/integrations/halopsa?scope=id:0"),
        (&w.contoso_key, "/api/v1/integrations/NinjaOne"),
    ] {
        let (status, body) = w.call(Some(key), path).await;
        let text = body.to_string();
        if path.ends_with("id:0") {
            // Another organization's id: forbidden before anything is looked up.
            assert_eq!(status, 403, "{path}: {text}");
        } else {
            assert_eq!(
                (status, body["error"].as_str()),
                (404, Some("integration_not_configured")),
                "{path}: {text}"
            );
        }
        for leaked in [SECRET_VALUE, "global-tenant", "ninja-global", &shared_token] {
            assert!(!text.contains(leaked), "{path} told {leaked}: {text}");
        }
    }
    // Mapped, Northwind gets its own configuration; the answer is not kept from before.
    w.services
        .create_mapping(
            &w.admin,
            w.integration_id,
            &MappingDraft {
                organization_id: northwind,
                entity_id: "tenant-n".into(),
                entity_name: "Northwind Ltd".into(),
                overrides: vec![],
            },
        )
        .await
        .expect("mapping");
    let (status, body) = w
        .call(Some(&northwind_key), "/api/v1/integrations/HaloPSA")
        .await;
    assert_eq!(
        (status, body["mapped"].as_bool(), body["entity_id"].as_str()),
        (200, Some(true), Some("tenant-n")),
        "{body}"
    );
    w.app.finish().await;
}

/// A customer key, on every route the OpenAPI document lists and with every way of naming
/// another organization, never gets anything of it back; nor do the admin server functions
/// answer a bearer key instead of a session.
async fn a_customer_key_reads_nothing_of_another_organization(db: TestDb) {
    let w = world(db).await;
    let contoso = Some(w.contoso_key.as_str());
    let (_, doc) = w.call(None, "/api/v1/openapi.json").await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(|path| path.replace("{name}", "HaloPSA"))
        .collect();
    assert!(paths.len() >= 2, "{paths:?}");
    let fabrikam_id = w.fabrikam.to_string();
    let scopes = [
        "Fabrikam".to_string(),
        "fabrikam".to_string(),
        fabrikam_id.clone(),
        format!("id:{fabrikam_id}"),
        format!("%20id:{fabrikam_id}%20"),
        "global".to_string(),
        "GLOBAL".to_string(),
        "id:-1".to_string(),
        "%27%20OR%201=1--".to_string(),
    ];
    for path in &paths {
        let mut asks = vec![path.clone()];
        for scope in &scopes {
            asks.push(format!("{path}?scope={scope}"));
            asks.push(format!("{path}?scope={scope}&page=1"));
        }
        for ask in asks {
            let (status, body) = w.call_as_workflow(contoso, &ask).await;
            let text = body.to_string().to_lowercase();
            assert!(
                !text.contains("tenant-b")
                    && !text.contains("fabrikam")
                    && !text.contains("global-tenant"),
                "{ask} answered {status}: {text}"
            );
            // The resolve route refuses every other scope outright.
            if ask.contains("scope=") && path.ends_with("HaloPSA") {
                assert_eq!(status, 403, "{ask}: {text}");
            }
        }
        // Its own organization, asked for by name, is answered.
        if path.starts_with("/api/v1/integrations/") {
            let own = format!("{path}?scope=Contoso");
            let (status, body) = w.call_as_workflow(contoso, &own).await;
            assert_eq!(status, 200, "{own}: {body}");
        }
    }
    // The admin server functions want a session; a bearer key is not one.
    let keyholder = crate::http::test_app::TestApp::client_for(&w.app);
    let listed = keyholder
        .client
        .post(format!("{}/api/integrations/list", w.app.address))
        .bearer_auth(&w.provider_key)
        .header("origin", &w.app.address)
        .form(&[("search", ""), ("page", "1")])
        .send()
        .await
        .expect("request");
    let status = listed.status().as_u16();
    let text = listed.text().await.expect("body");
    assert_eq!(status, 401, "{text}");
    assert!(!text.contains("HaloPSA"), "{text}");
    w.app.finish().await;
}

crate::both_backends!(
    db: an_unmapped_customer_gets_nothing_of_the_integration,
    a_customer_key_reads_nothing_of_another_organization,
);
