//! Argon2id password hashing with the crate's defaults, which are OWASP's recommendation
//! (19 MiB memory, 2 iterations, 1 lane). Hashing runs on the blocking pool: it takes tens of ms.
//! [`HashingGate`] bounds how many run at once, so a burst of sign-ins cannot take the memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing the password failed: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// Every hashing slot stayed taken for the whole wait.
    #[error("too many password checks at once")]
    Busy { retry_after: Duration },
}

/// At most `slots` password hashes at once; a request waits up to `wait` for a slot and is then
/// told to come back later.
#[derive(Debug)]
pub struct HashingGate {
    slots: Semaphore,
    wait: Duration,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    runs: AtomicUsize,
}

impl HashingGate {
    pub fn new(slots: usize, wait: Duration) -> HashingGate {
        HashingGate {
            slots: Semaphore::new(slots.max(1)),
            wait,
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            runs: AtomicUsize::new(0),
        }
    }

    /// One slot per core: hashing is CPU-bound, more at once would only queue in the pool
    /// while holding their memory.
    pub fn slots_for_this_machine() -> usize {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    }

    pub async fn hash(&self, password: String) -> Result<String, PasswordError> {
        self.run(move || hash_now(&password)).await?
    }

    pub async fn verify(
        &self,
        password: String,
        stored_hash: Option<String>,
    ) -> Result<bool, PasswordError> {
        self.run(move || verify_now(&password, stored_hash)).await
    }

    /// The most hashes that ran at once since start.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// How many hashes ran since start.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let busy = PasswordError::Busy {
            retry_after: self.wait.max(Duration::from_secs(1)),
        };
        let Ok(Ok(_permit)) = tokio::time::timeout(self.wait, self.slots.acquire()).await else {
            return Err(busy);
        };
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.runs.fetch_add(1, Ordering::SeqCst);
        let outcome = tokio::task::spawn_blocking(work).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(outcome?)
    }
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hash(error.to_string()))
}

fn verify_now(password: &str, stored_hash: Option<String>) -> bool {
    let hash = stored_hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    let Ok(parsed) = PasswordHash::new(&hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && hash != DUMMY_HASH
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`), outside any gate (the CLI).
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// Checks a password against a stored hash, outside any gate. Without a hash (unknown account)
/// it still does the work of one check, so that response time does not tell which accounts
/// exist.
pub async fn verify_password(
    password: String,
    stored_hash: Option<String>,
) -> Result<bool, PasswordError> {
    Ok(tokio::task::spawn_blocking(move || verify_now(&password, stored_hash)).await?)
}

/// The Argon2id hash of a random password nobody knows, with the default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$h6tk8W9I2xsKpyWXpDmR7vRU5Bl0R2J6mxhV3lW1c4Q";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies_only_its_password() {
        let hash = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("correct horse battery"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(!verify_password("wrong horse battery".into(), Some(hash))
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify_password("anything".into(), None)
            .await
            .expect("verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_gate_runs_at_most_its_slots_at_once_and_turns_away_who_waits_too_long() {
        let gate = std::sync::Arc::new(HashingGate::new(2, Duration::from_millis(300)));
        let checks = (0..12).map(|_| {
            let gate = gate.clone();
            tokio::spawn(async move { gate.verify("guess".into(), None).await })
        });
        let checks: Vec<_> = checks.collect();
        let mut busy = 0;
        for check in checks {
            match check.await.expect("task") {
                Ok(verified) => assert!(!verified),
                Err(PasswordError::Busy { retry_after }) => {
                    assert!(retry_after >= Duration::from_secs(1));
                    busy += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert!(gate.peak() <= 2, "peak {}", gate.peak());
        assert_eq!(gate.runs() + busy, 12, "every check ran or was turned away");
    }

    #[test]
    fn the_dummy_hash_parses_so_it_costs_a_real_check() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
