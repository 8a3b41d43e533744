//! The workflow API's hot path kept in memory: resolved answers, keyed by the caller's key (its
//! hash), the integration name and the scope as asked, each tagged with the change generation it
//! was computed under.
//!
//! Every request reads the database's change generation first (one cheap query, shared by the
//! requests that arrive while it runs), and an answer older than that generation is not used. So a
//! change committed before a request arrives, by this server, another replica or the command line,
//! is never answered from memory. Time is checked on every hit too: an expired key is refused and
//! a token about to expire goes the slow way, which refreshes it.

use app::domain::ids::ApiKeyId;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::domain::api_key::{status_of, ApiKeyStatus};
use axum::body::Bytes;

use crate::auth::session_token::hash_token;
use crate::oauth::refresh::REFRESH_MARGIN_MS;
use crate::services::api_keys::ApiCaller;
use crate::services::ServerServices;
use crate::store::StoreError;
use crate::time::now_millis;

/// How many answers are kept; the least used go first.
const ANSWER_CAPACITY: usize = 20_000;

/// What a resolve request asked, exactly as asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    key_hash: String,
    integration: String,
    scope: Option<String>,
}

impl AnswerKey {
    pub fn new(api_key: &str, integration: &str, scope: Option<&str>) -> AnswerKey {
        AnswerKey {
            key_hash: hash_token(api_key),
            integration: integration.to_string(),
            scope: scope.map(str::to_string),
        }
    }

    pub fn key_hash(&self) -> &str {
        &self.key_hash
    }
}

/// A resolved answer as sent, with what decides whether it may be sent again.
pub struct CachedAnswer {
    pub generation: i64,
    pub caller: ApiCaller,
    /// When the answer's access token expires, if it carries one.
    pub token_expires_at: Option<i64>,
    /// The JSON body. Holds secrets: never logged.
    pub body: Bytes,
}

impl std::fmt::Debug for CachedAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedAnswer")
            .field("generation", &self.generation)
            .field("caller", &self.caller)
            .field("token_expires_at", &self.token_expires_at)
            .finish_non_exhaustive()
    }
}

impl CachedAnswer {
    /// Whether the answer may be sent to a request that read `generation` at `now`. Only an
    /// answer of that very generation: one of a higher generation may come from before a restore
    /// that set the counter back.
    pub fn usable(&self, generation: i64, now: i64, token_margin_ms: i64) -> bool {
        self.generation == generation
            && status_of(self.caller.expires_at, None, now) == ApiKeyStatus::Active
            && self
                .token_expires_at
                .is_none_or(|expires_at| expires_at > now.saturating_add(token_margin_ms))
    }
}

/// Answers kept in memory, and when each key's use was last recorded by this process.
pub struct ResolveCache {
    gate: GenerationGate,
    /// The highest generation read so far.
    highest: AtomicI64,
    answers: quick_cache::sync::Cache<AnswerKey, Arc<CachedAnswer>>,
    key_uses: Mutex<HashMap<ApiKeyId, i64>>,
    /// How many times the generation was seen going back (a restored database).
    pub(super) restores: AtomicU64,
}

impl std::fmt::Debug for ResolveCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResolveCache")
            .field("answers", &self.answers.len())
            .finish_non_exhaustive()
    }
}

impl Default for ResolveCache {
    fn default() -> Self {
        ResolveCache {
            gate: GenerationGate::default(),
            highest: AtomicI64::new(0),
            answers: quick_cache::sync::Cache::new(ANSWER_CAPACITY),
            key_uses: Mutex::new(HashMap::new()),
            restores: AtomicU64::new(0),
        }
    }
}

impl ResolveCache {
    /// The change generation as of a read that began after this call: see [`GenerationGate`].
    pub async fn generation<F, Fut>(&self, read: F) -> Result<i64, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, StoreError>>,
    {
        let generation = self.gate.current(read).await?;
        // The counter only grows, unless the database was restored from a backup or replaced:
        // then nothing kept describes it.
        if self.highest.fetch_max(generation, Ordering::SeqCst) > generation {
            self.highest.store(generation, Ordering::SeqCst);
            self.answers.clear();
            self.restores.fetch_add(1, Ordering::SeqCst);
        }
        Ok(generation)
    }

    pub fn answer(&self, key: &AnswerKey) -> Option<Arc<CachedAnswer>> {
        self.answers.get(key)
    }

    /// Keeps an answer unless a newer one is already kept.
    pub fn keep(&self, key: AnswerKey, answer: CachedAnswer) {
        let newer_kept = self
            .answers
            .get(&key)
            .is_some_and(|kept| kept.generation > answer.generation);
        if !newer_kept {
            self.answers.insert(key, Arc::new(answer));
        }
    }

    /// Whether a key's use at `now` should be recorded: not when this process recorded it (or
    /// saw it recorded, at `last_known`) less than `resolution_ms` ago.
    pub fn key_use_due(
        &self,
        key_id: ApiKeyId,
        last_known: Option<i64>,
        now: i64,
        resolution_ms: i64,
    ) -> bool {
        let Ok(mut uses) = self.key_uses.lock() else {
            return false;
        };
        let last = uses.get(&key_id).copied().max(last_known);
        if last.is_some_and(|used| now - used < resolution_ms) {
            return false;
        }
        uses.insert(key_id, now);
        true
    }
}

impl ServerServices {
    /// A kept answer still right for a request that read `generation`; records the key's use.
    pub(super) fn cached_answer(
        &self,
        generation: i64,
        key: &AnswerKey,
    ) -> Option<Arc<CachedAnswer>> {
        let answer = self.resolve_cache.answer(key)?;
        let now = now_millis();
        if !answer.usable(generation, now, REFRESH_MARGIN_MS) {
            return None;
        }
        self.record_key_use(answer.caller.key_id, None, now);
        Some(answer)
    }

    pub(super) fn keep_answer(&self, key: AnswerKey, answer: CachedAnswer) {
        self.resolve_cache.keep(key, answer);
    }
}

/// Reads of the change generation shared between concurrent requests, without ever giving a
/// request a value read before it arrived.
///
/// Each request takes a ticket. A read notes the last ticket taken before it starts; its value
/// serves every request up to that ticket, since all of them arrived before the read began.
/// A request no finished read covers waits its turn to read, and usually finds on its turn that
/// the read before it started after it arrived. Under any load the database sees about one read
/// at a time, and a request waits for at most two.
#[derive(Default)]
struct GenerationGate {
    tickets: AtomicU64,
    /// The newest read: the last ticket it serves and the generation it saw.
    latest: Mutex<(u64, i64)>,
    /// The last ticket a failed read served: those requests fail with it rather than queue for
    /// a read each while the database is unreachable.
    failed_through: AtomicU64,
    turn: tokio::sync::Mutex<()>,
}

impl GenerationGate {
    async fn current<F, Fut>(&self, read: F) -> Result<i64, StoreError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, StoreError>>,
    {
        let ticket = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(generation) = self.covering(ticket) {
            return Ok(generation);
        }
        let _turn = self.turn.lock().await;
        if let Some(generation) = self.covering(ticket) {
            return Ok(generation);
        }
        if self.failed_through.load(Ordering::SeqCst) >= ticket {
            return Err(StoreError::Unavailable);
        }
        let serves = self.tickets.load(Ordering::SeqCst);
        let generation = match read().await {
            Ok(generation) => generation,
            Err(error) => {
                self.failed_through.fetch_max(serves, Ordering::SeqCst);
                return Err(error);
            }
        };
        if let Ok(mut latest) = self.latest.lock() {
            if serves > latest.0 {
                *latest = (serves, generation);
            }
        }
        Ok(generation)
    }

    /// The generation of a read that began after `ticket` was taken, if one finished.
    fn covering(&self, ticket: u64) -> Option<i64> {
        let latest = self.latest.lock().ok()?;
        (latest.0 >= ticket).then_some(latest.1)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_read_that_began_before_a_request_never_serves_it() {
        let gate = Arc::new(GenerationGate::default());
        let database = Arc::new(AtomicI64::new(1));
        // A slow read in flight sees generation 1…
        let slow = {
            let gate = gate.clone();
            let database = database.clone();
            tokio::spawn(async move {
                gate.current(|| async move {
                    let seen = database.load(Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(seen)
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        // …then a change commits, then a request arrives: it must see the change.
        database.store(2, Ordering::SeqCst);
        let after = gate
            .current(|| async { Ok(database.load(Ordering::SeqCst)) })
            .await
            .expect("read");
        assert_eq!(slow.await.expect("task").expect("read"), 1);
        assert_eq!(after, 2);
    }

    /// `requests` concurrent requests whose reads take 20 ms and answer `outcome`; their results
    /// and how many reads ran.
    async fn concurrent(
        gate: &Arc<GenerationGate>,
        requests: usize,
        outcome: fn() -> Result<i64, StoreError>,
    ) -> (Vec<Result<i64, StoreError>>, u64) {
        let reads = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..requests {
            let gate = gate.clone();
            let reads = reads.clone();
            tasks.push(tokio::spawn(async move {
                gate.current(|| async move {
                    reads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    outcome()
                })
                .await
            }));
        }
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        (results, reads.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn concurrent_requests_share_reads() {
        let gate = Arc::new(GenerationGate::default());
        let (results, reads) = concurrent(&gate, 64, || Ok(7)).await;
        assert!(results.iter().all(|result| matches!(result, Ok(7))));
        assert!(reads <= 3, "{reads} reads for 64 requests");
    }

    fn answer(
        generation: i64,
        expires_at: Option<i64>,
        token_expires_at: Option<i64>,
    ) -> CachedAnswer {
        CachedAnswer {
            generation,
            caller: ApiCaller {
                key_id: 1.into(),
                organization_id: 1.into(),
                organization_name: "Provider".into(),
                provider: true,
                expires_at,
            },
            token_expires_at,
            body: Bytes::new(),
        }
    }

    #[tokio::test]
    async fn a_failed_read_fails_the_requests_it_covered_without_more_reads() {
        let gate = Arc::new(GenerationGate::default());
        let (results, reads) = concurrent(&gate, 16, || Err(StoreError::Unavailable)).await;
        assert!(results.iter().all(Result::is_err));
        assert!(reads <= 2, "{reads} reads for 16 requests");
        // A request after the failure reads again.
        assert_eq!(gate.current(|| async { Ok(3) }).await.expect("read"), 3);
    }

    #[tokio::test]
    async fn a_generation_that_went_back_empties_the_cache() {
        let cache = ResolveCache::default();
        let key = AnswerKey::new("bfk_x", "HaloPSA", None);
        assert_eq!(cache.generation(|| async { Ok(9) }).await.expect("read"), 9);
        cache.keep(key.clone(), answer(9, None, None));
        // Restored from a backup: the counter is lower, then climbs back to 9.
        assert_eq!(cache.generation(|| async { Ok(4) }).await.expect("read"), 4);
        assert!(cache.answer(&key).is_none());
    }

    #[test]
    fn an_answer_is_not_used_when_older_than_the_generation_or_out_of_time() {
        let margin = 300_000;
        assert!(answer(5, None, None).usable(5, 1_000, margin));
        assert!(!answer(6, None, None).usable(5, 1_000, margin));
        assert!(!answer(4, None, None).usable(5, 1_000, margin));
        assert!(!answer(5, Some(1_000), None).usable(5, 1_000, margin));
        assert!(answer(5, Some(1_001), None).usable(5, 1_000, margin));
        assert!(!answer(5, None, Some(1_000 + margin)).usable(5, 1_000, margin));
        assert!(answer(5, None, Some(1_001 + margin)).usable(5, 1_000, margin));
    }

    #[test]
    fn a_key_use_is_recorded_at_most_once_per_resolution() {
        let cache = ResolveCache::default();
        assert!(cache.key_use_due(1.into(), None, 100_000, 60_000));
        assert!(!cache.key_use_due(1.into(), None, 159_999, 60_000));
        assert!(cache.key_use_due(1.into(), None, 160_000, 60_000));
        assert!(!cache.key_use_due(2.into(), Some(150_000), 160_000, 60_000));
    }

    #[test]
    fn a_newer_answer_is_not_replaced_by_an_older_one() {
        let cache = ResolveCache::default();
        let key = AnswerKey::new("bfk_x", "HaloPSA", None);
        cache.keep(key.clone(), answer(9, None, None));
        cache.keep(key.clone(), answer(8, None, None));
        assert_eq!(cache.answer(&key).map(|kept| kept.generation), Some(9));
    }
}
