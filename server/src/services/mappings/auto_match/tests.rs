//! The matching rules: what counts as the same name, how close is close, ties, and each entity
//! proposed once.

use super::*;

fn organizations_named<'a>(names: &[&'a str]) -> Vec<UnmappedOrganization<'a>> {
    names
        .iter()
        .enumerate()
        .map(|(index, name)| UnmappedOrganization {
            id: OrganizationId::from(i64::try_from(index).unwrap_or(0) + 1),
            name,
        })
        .collect()
}

fn entities_named<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<UnmappedEntity<'a>> {
    pairs
        .iter()
        .map(|&(id, name)| UnmappedEntity { id, name })
        .collect()
}

/// (organization name, entity id, score, exact) for each proposal.
fn proposed<'a>(
    organizations: &[UnmappedOrganization<'a>],
    entities: &[UnmappedEntity<'a>],
) -> Vec<(&'a str, &'a str, u8, bool)> {
    propose_matches(organizations, entities)
        .into_iter()
        .map(|p| {
            (
                organizations[p.organization].name,
                entities[p.entity].id,
                p.score,
                p.exact,
            )
        })
        .collect()
}

#[test]
fn each_company_suffix_is_ignored_at_the_end_of_a_name() {
    for suffix in COMPANY_SUFFIXES {
        let with_suffix = format!("Contoso {}", suffix.to_uppercase());
        assert_eq!(normalized_name(&with_suffix), "contoso", "suffix {suffix}");
        let with_dot = format!("Contoso, {suffix}.");
        assert_eq!(normalized_name(&with_dot), "contoso", "suffix {suffix}.");
    }
}

#[test]
fn case_spacing_punctuation_and_stacked_suffixes_do_not_count() {
    assert_eq!(normalized_name("  Fabrikam   Pty. Ltd. "), "fabrikam");
    assert_eq!(normalized_name("ACME-Widgets"), "acme widgets");
    // A suffix in the middle is part of the name, and a name that is only a suffix stays.
    assert_eq!(normalized_name("Inc Labs"), "inc labs");
    assert_eq!(normalized_name("Company"), "company");
}

#[test]
fn an_exact_match_scores_100_and_wins_over_a_fuzzy_one() {
    let organizations = organizations_named(&["Contoso Ltd"]);
    let entities = entities_named(&[("t-1", "Contoso Labs"), ("t-2", "CONTOSO, Inc.")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Contoso Ltd", "t-2", 100, true)]
    );
}

#[test]
fn a_fuzzy_match_scores_its_similarity_and_a_poor_one_is_not_proposed() {
    let organizations = organizations_named(&["Northwind Traders", "Tailspin Toys"]);
    let entities = entities_named(&[("c-1", "Northwind Trader"), ("c-2", "Woodgrove Bank")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Northwind Traders", "c-1", 94, false)]
    );
}

#[test]
fn each_entity_is_proposed_once_to_the_organization_that_matches_it_best() {
    let organizations = organizations_named(&["Contoso Group", "Contoso"]);
    let entities = entities_named(&[("t-1", "Contoso Inc")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Contoso", "t-1", 100, true)]
    );
}

#[test]
fn two_organizations_of_the_same_name_get_the_entity_once() {
    let organizations = organizations_named(&["Contoso", "Contoso LLC"]);
    let entities = entities_named(&[("t-1", "Contoso GmbH")]);
    let proposals = proposed(&organizations, &entities);
    assert_eq!(proposals.len(), 1);
    assert_eq!(proposals[0].1, "t-1");
}

#[test]
fn ties_go_to_the_name_that_sorts_first_then_the_lower_id() {
    // Two entities with the same normalized name: the one whose name sorts first.
    let organizations = organizations_named(&["Adatum"]);
    let entities = entities_named(&[("t-9", "Adatum Ltd"), ("t-5", "Adatum Inc")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Adatum", "t-5", 100, true)]
    );
    // The same name twice: the lower ID.
    let entities = entities_named(&[("t-9", "Adatum"), ("t-5", "Adatum")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Adatum", "t-5", 100, true)]
    );
    // Two organizations tie for one entity: the one whose name sorts first.
    let organizations = organizations_named(&["Adatum LLC", "Adatum Inc"]);
    let entities = entities_named(&[("t-1", "Adatum")]);
    assert_eq!(
        proposed(&organizations, &entities),
        vec![("Adatum Inc", "t-1", 100, true)]
    );
}

#[test]
fn nothing_to_match_gives_no_proposals() {
    assert!(proposed(&organizations_named(&["Contoso"]), &entities_named(&[])).is_empty());
    assert!(proposed(
        &organizations_named(&[]),
        &entities_named(&[("t-1", "Contoso")])
    )
    .is_empty());
    // Names with nothing comparable in them are never matched with each other.
    assert!(proposed(
        &organizations_named(&["---"]),
        &entities_named(&[("t-1", "...")])
    )
    .is_empty());
}

#[test]
fn among_thousands_each_organization_finds_its_own_entity_despite_typos_and_suffixes() {
    const COUNT: usize = 2_000;
    let base = crate::services::demo::organization_names("", COUNT);
    // Organizations: a third exact with a suffix, a third with a typo, a third lower case.
    let organization_names: Vec<String> = base
        .iter()
        .enumerate()
        .map(|(i, name)| match i % 3 {
            0 => format!("{name} GmbH"),
            1 => name.replacen('o', "0", 1).replacen("e", "", 1),
            _ => name.to_lowercase(),
        })
        .collect();
    let entity_ids: Vec<String> = (0..COUNT).map(|i| format!("e-{i}")).collect();
    let entity_names: Vec<String> = base.iter().map(|name| format!("{name}, Inc.")).collect();
    let organizations: Vec<UnmappedOrganization<'_>> = organization_names
        .iter()
        .enumerate()
        .map(|(i, name)| UnmappedOrganization {
            id: OrganizationId::from(i64::try_from(i).unwrap_or(0)),
            name,
        })
        .collect();
    // In reverse, so that position says nothing.
    let entities: Vec<UnmappedEntity<'_>> = entity_ids
        .iter()
        .zip(&entity_names)
        .rev()
        .map(|(id, name)| UnmappedEntity { id, name })
        .collect();
    let proposals = propose_matches(&organizations, &entities);
    let right = proposals
        .iter()
        .filter(|p| entities[p.entity].id == format!("e-{}", p.organization))
        .count();
    assert!(right >= COUNT * 98 / 100, "{right} of {COUNT} right");
    let exact = proposals.iter().filter(|p| p.exact).count();
    assert!(exact >= COUNT * 2 / 3 - 1, "{exact} exact");
}
