//! The entity source on both backends: its rules beside their fields with nothing saved; the
//! list fetched by each paging kind with the shared token or a config field as a header, kept
//! and refreshed; and, from the attacker's side, a credential echoed back is blanked and a next
//! page on another host is not followed.

use app::domain::integration::{EntitySourceDraft, FieldType};
use app::domain::oauth::GrantType;
use app::error::AppError;
use app::ssr::EntitySourceServices;
use bifrost::store::Store;

pub(super) use super::oauth_tokens::Setup;
use super::oauth_tokens::{connect, services_with, setup};
use crate::helpers::{assert_field_refused_with, schema_field};
use crate::provider::FakeProvider;
use bifrost::oauth::outbound::{OutboundPolicy, ALLOW_PRIVATE_SETTING};
use stand_in::{EntityApi, API_KEY, COMPANIES};

mod auto_match;
mod stand_in;

/// The fixture's HaloPSA, connected, with `base_url` at the stand-in and a secret `api_key`.
pub(super) async fn with_entity_api(store: &Store) -> (Setup, EntityApi, FakeProvider) {
    let provider = FakeProvider::start().await;
    let setup = setup(store, &provider, GrantType::AuthorizationCode).await;
    let api = EntityApi::start().await;
    setup
        .add_fields(vec![
            schema_field("base_url", FieldType::String),
            schema_field("api_key", FieldType::Secret),
        ])
        .await;
    setup
        .set_defaults(&[("base_url", &api.base_url), ("api_key", API_KEY)])
        .await;
    connect(&setup, None).await;
    (setup, api, provider)
}

/// Companies at `/data`, ids and names where the stand-in puts them, paged by `page`.
pub(super) fn by_page_parameter() -> EntitySourceDraft {
    EntitySourceDraft {
        path: "/companies".into(),
        auth_kind: "header".into(),
        header_name: "X-Api-Key".into(),
        header_field: "api_key".into(),
        list_pointer: "/data".into(),
        id_pointer: "/id".into(),
        name_pointer: "/profile/name".into(),
        paging_kind: "page_parameter".into(),
        page_parameter: "page".into(),
        first_page: "1".into(),
        ..EntitySourceDraft::default()
    }
}

pub(super) async fn save(
    setup: &Setup,
    draft: &EntitySourceDraft,
) -> Result<EntitySourceDraft, AppError> {
    setup
        .services
        .save_entity_source(&setup.admin, setup.integration_id, draft)
        .await
}

async fn each_rule_is_reported_beside_its_field_and_nothing_is_saved(store: Store) {
    let (setup, _api, _provider) = with_entity_api(&store).await;
    let broken = EntitySourceDraft {
        path: "https://elsewhere.example.com/companies".into(),
        header_name: "Bad Header".into(),
        header_field: "no_such_field".into(),
        list_pointer: "data".into(),
        id_pointer: "/id~2".into(),
        max_pages: "0".into(),
        cache_minutes: "lots".into(),
        ..by_page_parameter()
    };
    let error = save(&setup, &broken).await.expect_err("broken");
    for (field, rule) in [
        ("path", "not a whole URL"),
        ("header_name", "HTTP header name"),
        ("header_field", "config fields"),
        ("list_pointer", "JSON Pointer"),
        ("id_pointer", "JSON Pointer"),
        ("max_pages", "from 1 to 1000"),
        ("cache_minutes", "whole number"),
    ] {
        assert_field_refused_with(&error, field, rule);
    }
    let paging = EntitySourceDraft {
        page_parameter: String::new(),
        ..by_page_parameter()
    };
    let error = save(&setup, &paging).await.expect_err("no parameter");
    assert_field_refused_with(&error, "page_parameter", "query parameter name");
    let host = EntitySourceDraft {
        header_name: "Host".into(),
        ..by_page_parameter()
    };
    let error = save(&setup, &host).await.expect_err("Host");
    assert_field_refused_with(&error, "header_name", "the server sets it");
    let none = setup
        .services
        .entity_source_draft(setup.integration_id)
        .await
        .expect("read");
    assert_eq!(none, None);
}

async fn each_paging_kind_lists_every_entity_and_the_list_is_kept(store: Store) {
    let (setup, api, _provider) = with_entity_api(&store).await;
    let services = &setup.services;
    let id = setup.integration_id;
    let saved = save(&setup, &by_page_parameter()).await.expect("save");
    assert_eq!(saved.cache_minutes, "60");
    let list = services
        .entity_list(id, false)
        .await
        .expect("page parameter");
    assert_eq!(list.entities.len(), COMPANIES);
    assert_eq!(
        list.pages, 4,
        "three pages and the empty one that ends them"
    );
    assert_eq!(list.entities[0].id, "1000");
    assert_eq!(list.entities[249].name, "Company 249 Ltd");
    assert!(!list.truncated);

    // Kept: asked again, the API is not called; Refresh list calls it.
    let calls = api.requests();
    services.entity_list(id, false).await.expect("kept");
    assert_eq!(api.requests(), calls);
    services.entity_list(id, true).await.expect("refreshed");
    assert_eq!(api.requests(), calls + 4);

    let next_link = EntitySourceDraft {
        path: "/odata".into(),
        auth_kind: "oauth".into(),
        list_pointer: "/value".into(),
        paging_kind: "next_link".into(),
        next_pointer: "/@odata.nextLink".into(),
        ..by_page_parameter()
    };
    save(&setup, &next_link).await.expect("save next link");
    let list = services.entity_list(id, false).await.expect("next link");
    assert_eq!((list.entities.len(), list.pages), (COMPANIES, 3));

    let link_header = EntitySourceDraft {
        path: "/linked".into(),
        list_pointer: String::new(),
        paging_kind: "link_header".into(),
        max_pages: "2".into(),
        ..by_page_parameter()
    };
    save(&setup, &link_header).await.expect("save Link header");
    let list = services.entity_list(id, false).await.expect("Link header");
    assert_eq!((list.entities.len(), list.pages), (200, 2));
    assert!(list.truncated, "the page limit cut the list short");

    // Preview uses the form as typed, one page, the first few entities.
    let preview = services
        .preview_entities(id, &next_link)
        .await
        .expect("preview");
    assert_eq!((preview.entities.len(), preview.pages), (10, 1));
}

async fn a_failing_source_is_explained_without_its_credential(store: Store) {
    let (setup, _api, _provider) = with_entity_api(&store).await;
    let services = &setup.services;
    let id = setup.integration_id;
    let echo = EntitySourceDraft {
        path: "/echo-failure".into(),
        ..by_page_parameter()
    };
    let error = services.preview_entities(id, &echo).await.expect_err("500");
    let message = error.to_string();
    assert!(message.contains("page 1 answered 500"), "{message}");
    assert!(message.contains("[secret]"), "{message}");
    assert!(!message.contains(API_KEY), "the key is blanked: {message}");

    let oauth_echo = EntitySourceDraft {
        auth_kind: "oauth".into(),
        ..echo
    };
    let message = services
        .preview_entities(id, &oauth_echo)
        .await
        .expect_err("500")
        .to_string();
    assert!(
        message.contains("Bearer [secret]"),
        "the token is blanked: {message}"
    );

    let elsewhere = EntitySourceDraft {
        path: "/elsewhere".into(),
        list_pointer: "/value".into(),
        paging_kind: "next_link".into(),
        next_pointer: "/next".into(),
        ..by_page_parameter()
    };
    let message = services
        .preview_entities(id, &elsewhere)
        .await
        .expect_err("another host")
        .to_string();
    assert!(message.contains("leaves"), "{message}");

    let wrong_list = EntitySourceDraft {
        list_pointer: "/items".into(),
        ..by_page_parameter()
    };
    let message = services
        .preview_entities(id, &wrong_list)
        .await
        .expect_err("no list")
        .to_string();
    assert!(message.contains("no array at \"/items\""), "{message}");

    let error = services
        .entity_list(id, false)
        .await
        .expect_err("nothing saved");
    assert!(matches!(error, AppError::NotFound(_)), "{error}");
}

/// With the default outbound policy, an entity source on loopback is refused before any request
/// reaches it, like Test Connection.
async fn an_entity_source_on_loopback_is_refused_by_default(store: Store) {
    let (setup, api, _provider) = with_entity_api(&store).await;
    let closed = services_with(&store, setup.keyring.clone(), OutboundPolicy::public_only());
    let error = closed
        .preview_entities(setup.integration_id, &by_page_parameter())
        .await
        .expect_err("loopback");
    let message = error.to_string();
    assert!(message.contains("loopback"), "{message}");
    assert!(message.contains(ALLOW_PRIVATE_SETTING), "{message}");
    assert_eq!(api.requests(), 0, "no request reached the API");
}

/// A source that never ends is stopped at 100,000 entities, not kept in memory whole.
async fn a_list_too_long_to_keep_is_refused(store: Store) {
    let (setup, _api, _provider) = with_entity_api(&store).await;
    let endless = EntitySourceDraft {
        path: "/huge".into(),
        name_pointer: "/name".into(),
        max_pages: "1000".into(),
        ..by_page_parameter()
    };
    save(&setup, &endless).await.expect("save");
    let message = setup
        .services
        .entity_list(setup.integration_id, false)
        .await
        .expect_err("too long")
        .to_string();
    assert!(
        message.contains("more than 100000 entities by page 2"),
        "{message}"
    );
}

crate::both_backends!(store:
    an_entity_source_on_loopback_is_refused_by_default,
    a_list_too_long_to_keep_is_refused,
    each_rule_is_reported_beside_its_field_and_nothing_is_saved,
    each_paging_kind_lists_every_entity_and_the_list_is_kept,
    a_failing_source_is_explained_without_its_credential,
);
