//! Auto-match: for each unmapped organization, the external entity whose name matches it best.
//! Exact after normalizing (case, spacing, punctuation and company suffixes such as Inc or GmbH
//! ignored) scores 100; otherwise the normalized Levenshtein similarity of the normalized names,
//! in percent. Each organization gets at most one proposal and each entity is proposed at most
//! once: the best-scoring pairs are taken first.

use std::cmp::Reverse;
use std::collections::HashMap;

use app::domain::ids::OrganizationId;

/// Words that say what kind of company a name is, not which one; ignored at the end of a name.
pub const COMPANY_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "ltd",
    "limited",
    "gmbh",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "ag",
    "sa",
    "bv",
    "pty",
];

/// Below this a fuzzy match is noise rather than a proposal.
pub const MIN_FUZZY_SCORE: u8 = 60;

/// Fuzzy candidates scored per organization: those sharing the most trigrams with its name.
const FUZZY_CANDIDATES: usize = 8;
/// A trigram in more than one entity name in this many (and in more than
/// [`MIN_COMMON_TRIGRAM`]) is too common to pick candidates by.
const COMMON_TRIGRAM_SHARE: usize = 20;
const MIN_COMMON_TRIGRAM: usize = 50;

/// An organization without a mapping.
pub struct UnmappedOrganization<'a> {
    pub id: OrganizationId,
    pub name: &'a str,
}

/// An entity of the external system that no mapping of the integration uses.
pub struct UnmappedEntity<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// A proposed mapping, by position in the lists given to [`propose_matches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchProposal {
    pub organization: usize,
    pub entity: usize,
    /// 100 for an exact match, else the similarity in percent (at least [`MIN_FUZZY_SCORE`]).
    pub score: u8,
    pub exact: bool,
}

/// A name as compared: lower case, letters and digits in single-spaced words, and trailing
/// company suffixes dropped (unless nothing else is left).
pub fn normalized_name(name: &str) -> String {
    let lower: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_lowercase();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|word| COMPANY_SUFFIXES.contains(word))
    {
        words.pop();
    }
    words.join(" ")
}

/// The proposals, best first; ties go to the organization, then the entity, whose name sorts
/// first (then the lower ID), so the same lists always give the same proposals.
pub fn propose_matches(
    organizations: &[UnmappedOrganization<'_>],
    entities: &[UnmappedEntity<'_>],
) -> Vec<MatchProposal> {
    let organization_names: Vec<String> = organizations
        .iter()
        .map(|organization| normalized_name(organization.name))
        .collect();
    let entity_names: Vec<String> = entities
        .iter()
        .map(|entity| normalized_name(entity.name))
        .collect();
    let mut candidates = exact_candidates(&organization_names, &entity_names);
    let mut has_exact = vec![false; organizations.len()];
    for candidate in &candidates {
        has_exact[candidate.organization] = true;
    }
    let trigrams = TrigramIndex::new(&entity_names);
    let mut shared = SharedCounts::new(entities.len());
    for (index, name) in organization_names.iter().enumerate() {
        if !has_exact[index] {
            candidates.extend(trigrams.fuzzy_candidates(index, name, &entity_names, &mut shared));
        }
    }
    candidates.sort_by(|a, b| {
        Reverse(a.score)
            .cmp(&Reverse(b.score))
            .then_with(|| {
                organizations[a.organization]
                    .name
                    .cmp(organizations[b.organization].name)
            })
            .then_with(|| {
                organizations[a.organization]
                    .id
                    .cmp(&organizations[b.organization].id)
            })
            .then_with(|| entities[a.entity].name.cmp(entities[b.entity].name))
            .then_with(|| entities[a.entity].id.cmp(entities[b.entity].id))
    });
    take_each_once(candidates, organizations.len(), entities.len())
}

fn exact_candidates(organization_names: &[String], entity_names: &[String]) -> Vec<MatchProposal> {
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, name) in entity_names.iter().enumerate() {
        if !name.is_empty() {
            by_name.entry(name.as_str()).or_default().push(index);
        }
    }
    let mut candidates = Vec::new();
    for (organization, name) in organization_names.iter().enumerate() {
        for &entity in by_name.get(name.as_str()).into_iter().flatten() {
            candidates.push(MatchProposal {
                organization,
                entity,
                score: 100,
                exact: true,
            });
        }
    }
    candidates
}

/// Greedy over the sorted candidates: the best pair first, then the best of what is left.
fn take_each_once(
    candidates: Vec<MatchProposal>,
    organizations: usize,
    entities: usize,
) -> Vec<MatchProposal> {
    let mut organization_taken = vec![false; organizations];
    let mut entity_taken = vec![false; entities];
    let mut proposals = Vec::new();
    for candidate in candidates {
        if organization_taken[candidate.organization] || entity_taken[candidate.entity] {
            continue;
        }
        organization_taken[candidate.organization] = true;
        entity_taken[candidate.entity] = true;
        proposals.push(candidate);
    }
    proposals
}

/// The entities by each three-character run of their names, so that each organization is
/// compared with a few likely entities instead of all of them.
struct TrigramIndex {
    postings: HashMap<[char; 3], Vec<u32>>,
}

impl TrigramIndex {
    fn new(entity_names: &[String]) -> TrigramIndex {
        let mut postings: HashMap<[char; 3], Vec<u32>> = HashMap::new();
        for (index, name) in entity_names.iter().enumerate() {
            let Ok(index) = u32::try_from(index) else {
                break;
            };
            let mut grams = trigrams(name);
            grams.sort_unstable();
            grams.dedup();
            for gram in grams {
                postings.entry(gram).or_default().push(index);
            }
        }
        TrigramIndex { postings }
    }

    fn fuzzy_candidates(
        &self,
        organization: usize,
        name: &str,
        entity_names: &[String],
        shared: &mut SharedCounts,
    ) -> Vec<MatchProposal> {
        for postings in self.telling_postings(name, entity_names.len()) {
            for &entity in postings {
                shared.add(entity);
            }
        }
        let mut likely = shared.take();
        likely.sort_unstable_by_key(|&(entity, count)| (Reverse(count), entity));
        likely.truncate(FUZZY_CANDIDATES);
        likely
            .into_iter()
            .filter_map(|(entity, _)| {
                let entity = usize::try_from(entity).ok()?;
                let score = similarity(name, &entity_names[entity]);
                (score >= MIN_FUZZY_SCORE).then_some(MatchProposal {
                    organization,
                    entity,
                    score,
                    exact: false,
                })
            })
            .collect()
    }

    /// The entity lists of the name's trigrams that tell entities apart: a trigram most names
    /// share ("ion", " of") says little and would cost a pass over nearly every entity. When a
    /// name has only such trigrams, its two rarest are used.
    fn telling_postings(&self, name: &str, entities: usize) -> Vec<&[u32]> {
        let common = (entities / COMMON_TRIGRAM_SHARE).max(MIN_COMMON_TRIGRAM);
        let mut grams = trigrams(name);
        grams.sort_unstable();
        grams.dedup();
        let mut postings: Vec<&[u32]> = grams
            .iter()
            .filter_map(|gram| self.postings.get(gram).map(Vec::as_slice))
            .collect();
        postings.sort_unstable_by_key(|postings| postings.len());
        let telling = postings.iter().take_while(|p| p.len() <= common).count();
        postings.truncate(telling.max(2));
        postings
    }
}

/// How many trigrams each entity shares with one organization's name, counted in a reused
/// array rather than a map: the count is the hot loop of auto-match.
struct SharedCounts {
    counts: Vec<u16>,
    touched: Vec<u32>,
}

impl SharedCounts {
    fn new(entities: usize) -> SharedCounts {
        SharedCounts {
            counts: vec![0; entities],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, entity: u32) {
        let Ok(index) = usize::try_from(entity) else {
            return;
        };
        if self.counts[index] == 0 {
            self.touched.push(entity);
        }
        self.counts[index] = self.counts[index].saturating_add(1);
    }

    /// Each touched entity with its count, leaving every count at zero again.
    fn take(&mut self) -> Vec<(u32, u16)> {
        let mut taken = Vec::with_capacity(self.touched.len());
        for entity in self.touched.drain(..) {
            if let Ok(index) = usize::try_from(entity) {
                taken.push((entity, std::mem::take(&mut self.counts[index])));
            }
        }
        taken
    }
}

/// The similarity of two normalized names in percent, rounded down, below 100 unless equal.
fn similarity(a: &str, b: &str) -> u8 {
    let percent = (strsim::normalized_levenshtein(a, b) * 100.0).floor();
    // In 0..=100 by construction; the cast cannot truncate.
    let percent = percent.clamp(0.0, 100.0) as u8;
    if a == b {
        100
    } else {
        percent.min(99)
    }
}

/// The name's three-character runs, with a space before and after so short names have some.
fn trigrams(name: &str) -> Vec<[char; 3]> {
    let padded: Vec<char> = std::iter::once(' ')
        .chain(name.chars())
        .chain(std::iter::once(' '))
        .collect();
    padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

#[cfg(test)]
mod tests;
