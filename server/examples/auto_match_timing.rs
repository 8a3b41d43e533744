//! Times auto-match's proposals at scale, on company-like names where a third of the entities
//! carry a typo and a tenth match nothing:
//! `cargo run --release -p bifrost --no-default-features --example auto_match_timing -- 10000 10000`

use std::time::Instant;

use app::domain::ids::OrganizationId;
use bifrost::services::auto_match::{propose_matches, UnmappedEntity, UnmappedOrganization};
use bifrost::services::demo::organization_names;

fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let at = chars.len() / 2;
    if at + 1 < chars.len() {
        chars.swap(at, at + 1);
    }
    chars.into_iter().collect()
}

fn main() {
    let mut counts = std::env::args()
        .skip(1)
        .map(|arg| arg.parse::<usize>().unwrap_or(10_000));
    let organizations = counts.next().unwrap_or(10_000);
    let entities = counts.next().unwrap_or(organizations);
    let organization_names = organization_names("", organizations.max(entities));
    let company = |i: usize| organization_names[i].clone();
    let entity_ids: Vec<String> = (0..entities).map(|i| format!("tenant-{i}")).collect();
    let entity_names: Vec<String> = (0..entities)
        .map(|i| match i % 10 {
            0 => format!("Unrelated Holding {i}"),
            3 | 6 | 9 => typo(&company(i)),
            _ => format!("{}, Inc.", company(i)),
        })
        .collect();
    let unmapped_organizations: Vec<UnmappedOrganization<'_>> = organization_names[..organizations]
        .iter()
        .enumerate()
        .map(|(i, name)| UnmappedOrganization {
            id: OrganizationId::from(i64::try_from(i).unwrap_or(i64::MAX)),
            name,
        })
        .collect();
    let unmapped_entities: Vec<UnmappedEntity<'_>> = entity_ids
        .iter()
        .zip(&entity_names)
        .map(|(id, name)| UnmappedEntity { id, name })
        .collect();
    let started = Instant::now();
    let proposals = propose_matches(&unmapped_organizations, &unmapped_entities);
    let elapsed = started.elapsed();
    let exact = proposals.iter().filter(|p| p.exact).count();
    let right = proposals
        .iter()
        .filter(|p| p.organization == p.entity)
        .count();
    #[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
    {
        println!(
            "auto-match: {organizations} organizations x {entities} entities: {} proposals ({exact} exact, {right} to the intended entity) in {} ms (target: under 2,000 ms)",
            proposals.len(),
            elapsed.as_millis()
        );
    }
}
