//! Integration server functions over HTTP: JSON in, field-named errors with their status out,
//! and never a secret value in an answer.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::test_app::TestApp;

const SECRET: &str = "sk-http-canary-1234";

fn halo() -> Value {
    json!({ "draft": {
        "name": "HaloPSA",
        "description": "",
        "entity_id_name": "Tenant ID",
        "default_entity_id": "common",
        "fields": [
            { "id": null, "key": "base_url", "field_type": "string", "required": true, "description": "" },
            { "id": null, "key": "api_key", "field_type": "secret", "required": false, "description": "" }
        ],
        "confirm_field_removal": false
    }})
}

#[tokio::test]
async fn integrations_are_created_and_configured_without_a_secret_coming_back() {
    let app = TestApp::spawn_signed_in().await;
    let created = app.call_json("/api/integrations/create", &halo()).await;
    assert_eq!(created.status(), StatusCode::OK);
    let view: Value = created.json().await.expect("json");
    let id = view["id"].as_i64().expect("id");

    let duplicate = app.call_json("/api/integrations/create", &halo()).await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = duplicate.text().await.expect("body");
    assert!(
        error.contains("an integration with this name already exists"),
        "{error}"
    );

    let save = |inputs: Value| {
        let body = json!({ "integration_id": id, "inputs": inputs });
        let app = &app;
        async move {
            app.call_json("/api/integrations/save-defaults", &body)
                .await
        }
    };
    let bad = save(json!([{ "key": "nope", "change": { "Set": "x" } }])).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = save(json!([
        { "key": "base_url", "change": { "Set": "https://halo" } },
        { "key": "api_key", "change": { "Set": SECRET } }
    ]))
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let body = saved.text().await.expect("body");
    assert!(!body.contains(SECRET), "{body}");
    let defaults = app
        .call_server_fn(
            "/api/integrations/defaults",
            &[("integration_id", id.to_string().as_str())],
        )
        .await;
    let defaults = defaults.text().await.expect("body");
    assert!(
        defaults.contains("SecretSet") && !defaults.contains(SECRET),
        "the saved secret is set, its value never sent: {defaults}"
    );

    for (path, form) in [
        (
            "/api/integrations/defaults",
            vec![("integration_id", id.to_string())],
        ),
        (
            "/api/integrations/get",
            vec![("name", "halopsa".to_string())],
        ),
        (
            "/api/mappings/new-values",
            vec![("integration_id", id.to_string())],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.call_server_fn(path, &form).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            !response.text().await.expect("body").contains(SECRET),
            "{path}"
        );
    }
    let (status, html) = app
        .get_page("/settings/integrations/HaloPSA/configuration")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("api_key") && !html.contains(SECRET));
    let secret_is_set = "A secret is set; type a new one to replace it.";
    assert!(
        html.contains(secret_is_set),
        "the page says the secret is set"
    );
}

#[tokio::test]
async fn downloads_are_for_signed_in_administrators_only() {
    let app = TestApp::spawn_signed_in().await;
    assert_eq!(
        app.call_json("/api/integrations/create", &halo())
            .await
            .status(),
        StatusCode::OK
    );
    let anonymous = TestApp::client_for(&app);
    for path in [
        "/settings/integrations/HaloPSA/mappings.csv",
        "/settings/integrations/HaloPSA/definition.json",
    ] {
        let refused = anonymous.get(path).await;
        assert!(refused.status().is_redirection(), "{path}");
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .to_string();
        assert!(disposition.starts_with("attachment"), "{disposition}");
    }
    let csv = app
        .get("/settings/integrations/HaloPSA/mappings.csv")
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.trim(), "organization,entity_id,entity_name,base_url");
    assert_eq!(
        app.get("/settings/integrations/Nope/definition.json")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_unknown_integration_is_not_found() {
    let app = TestApp::spawn_signed_in().await;
    let missing = [("name", "missing")];
    let status = app
        .call_server_fn("/api/integrations/get", &missing)
        .await
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
}
