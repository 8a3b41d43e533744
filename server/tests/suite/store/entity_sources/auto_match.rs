//! Auto-match against the stand-in's 250 companies: exact and fuzzy proposals, mapped
//! organizations and entities left out, accepted proposals written all or none; and choices a
//! hostile form could send (an entity not in the list, an organization twice or mapped already)
//! refused with nothing written.

use app::domain::ids::OrganizationId;
use app::domain::integration::{AcceptedMatch, MappingDraft};
use app::error::AppError;
use app::ssr::{EntitySourceServices, MappingServices, OrganizationServices};
use bifrost::store::Store;

use super::{by_page_parameter, save, with_entity_api};
use crate::helpers::assert_field_refused_with;

const ORGANIZATIONS: [&str; 5] = [
    "Company 001 Inc",
    "  company 002 ",
    "Compnay 003 GmbH",
    "Company 004 Ltd",
    "Zeta Unrelated",
];

async fn auto_match_proposes_and_accepting_maps_all_or_none(store: Store) {
    let (setup, _api, _provider) = with_entity_api(&store).await;
    let services = &setup.services;
    let id = setup.integration_id;
    save(&setup, &by_page_parameter()).await.expect("source");
    let mut organization_ids: Vec<OrganizationId> = Vec::new();
    for name in ORGANIZATIONS {
        let organization = services
            .create_organization(&setup.admin, name)
            .await
            .expect("organization");
        organization_ids.push(organization.id);
    }
    // Company 004 is mapped by hand already, to entity 1010: neither is proposed.
    let manual = MappingDraft {
        organization_id: organization_ids[3],
        entity_id: "1010".into(),
        entity_name: "Company 010 Ltd".into(),
        overrides: Vec::new(),
    };
    services
        .create_mapping(&setup.admin, id, &manual)
        .await
        .expect("manual mapping");

    let view = services.auto_match(id).await.expect("auto-match");
    let proposed: Vec<(&str, &str, u8, bool)> = view
        .proposals
        .iter()
        .map(|p| {
            (
                p.organization_name.trim(),
                p.entity_id.as_str(),
                p.score,
                p.exact,
            )
        })
        .collect();
    assert_eq!(
        proposed,
        vec![
            ("Company 001 Inc", "1001", 100, true),
            ("company 002", "1002", 100, true),
            ("Compnay 003 GmbH", "1003", 81, false),
        ]
    );
    assert_eq!(view.unmapped_entities, 249);
    // Five customers, one mapped by hand.
    assert_eq!(view.unmapped_organizations, 4);

    // Hostile or stale choices: refused, nothing written.
    let choice = |organization: usize, entity: &str| AcceptedMatch {
        organization_id: organization_ids[organization],
        entity_id: entity.into(),
    };
    for (bad, rule) in [
        (vec![choice(0, "9999")], "not in the entity list"),
        (vec![choice(0, "1001"), choice(0, "1002")], "chosen twice"),
        (vec![choice(3, "1004")], "mapped already"),
        (vec![choice(0, "1010")], "mapped already"),
        (vec![choice(0, "1001"), choice(1, "1001")], "chosen twice"),
        (Vec::new(), "at least one"),
    ] {
        let error = services
            .accept_matches(&setup.admin, id, &bad)
            .await
            .expect_err(rule);
        assert_field_refused_with(&error, "matches", rule);
    }
    assert_eq!(mapping_count(&setup).await, 1);

    // Accept all above 90%: the two exact ones, named as the list names them.
    let above_90: Vec<AcceptedMatch> = view
        .proposals
        .iter()
        .filter(|p| p.score > 90)
        .map(|p| AcceptedMatch {
            organization_id: p.organization_id,
            entity_id: p.entity_id.clone(),
        })
        .collect();
    let written = services
        .accept_matches(&setup.admin, id, &above_90)
        .await
        .expect("accept");
    assert_eq!(written, 2);
    let mappings = services.mappings(id, "", 1).await.expect("mappings");
    assert_eq!(mappings.total, 3);
    assert!(mappings
        .items
        .iter()
        .any(|m| m.entity_id == "1002" && m.entity_name == "Company 002 Ltd"));

    // Asked again, only the fuzzy one is left; accepting a mapped one again is refused.
    let again = services.auto_match(id).await.expect("again");
    assert_eq!(again.proposals.len(), 1);
    let error = services
        .accept_matches(&setup.admin, id, &above_90)
        .await
        .expect_err("twice");
    assert!(matches!(error, AppError::Invalid { .. }), "{error}");
}

async fn mapping_count(setup: &super::Setup) -> i64 {
    setup
        .services
        .mappings(setup.integration_id, "", 1)
        .await
        .expect("mappings")
        .total
}

crate::both_backends!(store:
    auto_match_proposes_and_accepting_maps_all_or_none,
);
