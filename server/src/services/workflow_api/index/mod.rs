//! The resolve index: everything the workflow API's resolve reads (integrations, fields,
//! defaults, organizations, mappings with their overrides, tokens, API keys) held in memory, so
//! an answer for any organization costs no database read.
//!
//! It is loaded whole when the server starts (in the background: until it is ready, requests
//! take the database path) and kept current from the change log (migration 0015): a request
//! that read a change generation newer than the index first applies the logged rows up to it,
//! one catch-up shared by the requests that wait for it. So a change committed anywhere (this
//! server, another replica, the command line) is in every answer given after it, as before. The
//! index reloads whole when the log was pruned past it, when too much changed at once, or when
//! the generation went back (a restored backup).

mod answer;
mod data;
mod load;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub use self::answer::IndexedAnswer;
pub use self::data::IndexData;

use crate::services::ServerServices;
use crate::store::StoreError;

/// More logged changes than this at once are cheaper to reload whole.
const CATCH_UP_LIMIT: i64 = 5_000;
/// Log entries older than this are pruned; a replica further behind reloads.
const LOG_KEPT_FOR: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub struct ResolveIndex {
    data: RwLock<Option<IndexData>>,
    loading: AtomicBool,
    /// Held by the one request (or load) that brings the index forward.
    advancing: tokio::sync::Mutex<()>,
    /// Set when the generation went back: the next catch-up reloads whole.
    stale: AtomicBool,
}

impl std::fmt::Debug for ResolveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResolveIndex")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl ResolveIndex {
    /// The generation the index is current to; `None` until it is loaded.
    pub fn generation(&self) -> Option<i64> {
        let data = self.data.read().ok()?;
        data.as_ref().map(|data| data.generation)
    }

    /// Runs `read` on the index if it is loaded and current to at least `generation`.
    pub fn read_at<T>(&self, generation: i64, read: impl FnOnce(&IndexData) -> T) -> Option<T> {
        let data = self.data.read().ok()?;
        let data = data.as_ref()?;
        (data.generation >= generation).then(|| read(data))
    }

    /// Forgets the index's generation: after a restore, nothing in it can be trusted.
    pub fn mark_stale(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    fn replace(&self, data: IndexData) {
        if let Ok(mut slot) = self.data.write() {
            *slot = Some(data);
        }
    }

    fn clear(&self) {
        if let Ok(mut slot) = self.data.write() {
            *slot = None;
        }
        tracing::info!("resolve index dropped: it reloads whole");
    }

    fn update(&self, apply: impl FnOnce(&mut IndexData)) {
        if let Ok(mut slot) = self.data.write() {
            if let Some(data) = slot.as_mut() {
                apply(data);
            }
        }
    }
}

impl ServerServices {
    /// The change generation a resolve request must not answer from before. When it went back
    /// (a restored database), the kept answers are dropped and the index reloads.
    pub(in crate::services::workflow_api) async fn change_generation(
        &self,
    ) -> Result<i64, StoreError> {
        let restores = self.resolve_cache.restores.load(Ordering::SeqCst);
        let generation = self
            .resolve_cache
            .generation(|| self.store.change_generation())
            .await?;
        if self.resolve_cache.restores.load(Ordering::SeqCst) != restores {
            self.resolve_index.mark_stale();
        }
        Ok(generation)
    }

    /// Loads the index whole unless it is loaded or loading; resolve uses it once it is.
    pub async fn load_resolve_index(&self) -> Result<(), StoreError> {
        if self.resolve_index.loading.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let _advancing = self.resolve_index.advancing.lock().await;
        let started = Instant::now();
        let loaded = load::load_whole(&self.store).await;
        self.resolve_index.loading.store(false, Ordering::SeqCst);
        let data = loaded?;
        let mappings: usize = data.mappings.values().map(|m| m.len()).sum();
        tracing::info!(
            mappings,
            millis = started.elapsed().as_millis(),
            "resolve index loaded"
        );
        self.resolve_index.replace(data);
        Ok(())
    }

    /// Starts loading the index in the background if it is neither loaded nor loading.
    pub fn ensure_resolve_index(self: &Arc<Self>) {
        if self.resolve_index.generation().is_some()
            || self.resolve_index.loading.load(Ordering::SeqCst)
        {
            return;
        }
        let services = self.clone();
        tokio::spawn(async move {
            if let Err(error) = services.load_resolve_index().await {
                tracing::warn!(%error, "loading the resolve index failed");
            }
        });
    }

    /// Brings the index to at least `generation`; false when it is not loaded, or was dropped
    /// because only a whole load can bring it forward.
    pub(super) async fn advance_resolve_index(&self, generation: i64) -> Result<bool, StoreError> {
        let index = &self.resolve_index;
        match index.generation() {
            None => return Ok(false),
            Some(current) if current >= generation && !index.stale.load(Ordering::SeqCst) => {
                return Ok(true)
            }
            Some(_) => {}
        }
        let _advancing = index.advancing.lock().await;
        let Some(since) = index.generation() else {
            return Ok(false);
        };
        if index.stale.swap(false, Ordering::SeqCst) {
            index.clear();
            return Ok(false);
        }
        if since >= generation {
            return Ok(true);
        }
        match load::catch_up(&self.store, since, CATCH_UP_LIMIT).await? {
            Some(changes) => index.update(|data| changes.apply(data)),
            // A whole load takes seconds: rather than hold every request behind it, the index
            // steps aside, the database answers, and the next request starts the load.
            None => {
                index.clear();
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Prunes the change log every minute, keeping what was logged in the last ten.
    pub async fn prune_change_log_periodically(self: Arc<Self>) {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        let mut seen: std::collections::VecDeque<(Instant, i64)> = Default::default();
        loop {
            every_minute.tick().await;
            match self.store.change_generation().await {
                Ok(generation) => seen.push_back((Instant::now(), generation)),
                Err(error) => tracing::warn!(%error, "reading the change generation failed"),
            }
            let mut through = None;
            while let Some(&(at, generation)) = seen.front() {
                if at.elapsed() < LOG_KEPT_FOR {
                    break;
                }
                through = Some(generation);
                seen.pop_front();
            }
            if let Some(through) = through {
                if let Err(error) = self.store.prune_change_log(through).await {
                    tracing::warn!(%error, "pruning the change log failed");
                }
            }
        }
    }
}
