//! Organizations through their server functions: validation, the provider rule, the audit log.

use reqwest::StatusCode;
use serde_json::Value;

use super::test_app::{unprocessable_error, TestApp};

async fn create(app: &TestApp, name: &str) -> reqwest::Response {
    app.call_server_fn("/api/organizations/create", &[("name", name)])
        .await
}

#[tokio::test]
async fn an_organization_is_created_renamed_and_deleted_and_each_change_is_audited() {
    let app = TestApp::spawn_signed_in().await;
    let created: Value = create(&app, "  Contoso  ")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(created["name"], "Contoso", "names are trimmed");
    let id = created["id"].as_i64().expect("id").to_string();

    let renamed = app
        .call_server_fn(
            "/api/organizations/rename",
            &[("id", &id), ("name", "Contoso Ltd")],
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let impact: Value = app
        .call_server_fn_json("/api/organizations/deletion-impact", &[("id", &id)])
        .await;
    assert_eq!(impact["name"], "Contoso Ltd");
    assert_eq!(impact["mappings"], 0);
    let deleted = app
        .call_server_fn("/api/organizations/delete", &[("id", &id)])
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);

    let log: Value = app
        .call_server_fn_json("/api/audit/list", &[("filter[actor]", ""), ("page", "1")])
        .await;
    let actions: Vec<_> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert_eq!(
        actions,
        [
            "organization.delete",
            "organization.rename",
            "organization.create",
            "admin.create"
        ]
    );
    assert_eq!(log["items"][0]["actor"], super::test_app::ADMIN_EMAIL);
}

#[tokio::test]
async fn names_must_be_present_and_unique_in_any_case() {
    let app = TestApp::spawn_signed_in().await;
    create(&app, "Fabrikam").await;
    for (name, message) in [
        ("", "is required"),
        ("FABRIKAM", "an organization with this name already exists"),
    ] {
        let response = create(&app, name).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
        let error: Value = response.json().await.expect("json");
        assert_eq!(error["Invalid"]["field"], "name");
        assert_eq!(error["Invalid"]["message"], message);
    }
}

#[tokio::test]
async fn the_provider_organization_cannot_be_deleted() {
    let app = TestApp::spawn_signed_in().await;
    let list: Value = app
        .call_server_fn_json("/api/organizations/list", &[("search", ""), ("page", "1")])
        .await;
    let provider = &list["items"][0];
    assert_eq!(provider["is_provider"], true);
    let id = provider["id"].as_i64().expect("id").to_string();
    let response = app
        .call_server_fn("/api/organizations/delete", &[("id", &id)])
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: Value = response.json().await.expect("json");
    assert_eq!(
        error["Conflict"],
        "the provider organization cannot be deleted"
    );
}

#[tokio::test]
async fn lists_are_searched_and_paged_on_the_server() {
    let app = TestApp::spawn_signed_in().await;
    for n in 0..30 {
        create(&app, &format!("Customer {n:02}")).await;
    }
    let page_two: Value = app
        .call_server_fn_json(
            "/api/organizations/list",
            &[("search", "customer"), ("page", "2")],
        )
        .await;
    assert_eq!(page_two["total"], 30);
    assert_eq!(page_two["items"].as_array().map(Vec::len), Some(5));
    assert_eq!(page_two["items"][0]["name"], "Customer 25");
}

#[tokio::test]
async fn a_bad_audit_date_names_its_field() {
    let app = TestApp::spawn_signed_in().await;
    let response = app
        .call_server_fn(
            "/api/audit/list",
            &[("filter[from]", "yesterday"), ("page", "1")],
        )
        .await;
    let error = unprocessable_error(response).await;
    assert_eq!(error["Invalid"]["field"], "from");
}
