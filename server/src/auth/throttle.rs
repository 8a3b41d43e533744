//! Slows down password guessing: after a few failures for an account or from a client address,
//! each further attempt must wait, doubling up to a cap. Kept in memory, per server process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before attempts are delayed.
const FREE_FAILURES_PER_ACCOUNT: u32 = 5;
const FREE_FAILURES_PER_ADDRESS: u32 = 20;
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Entries idle this long are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl LoginThrottle {
    /// `Err(wait)` when the account or the address must wait before trying again.
    pub fn check(
        &self,
        account: &str,
        address: Option<&str>,
        now: Instant,
    ) -> Result<(), Duration> {
        let failures = self.lock();
        let mut wait = Duration::ZERO;
        for (key, free) in keys(account, address) {
            if let Some(entry) = failures.get(&key) {
                wait = wait.max(remaining_delay(entry, free, now));
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    pub fn record_failure(&self, account: &str, address: Option<&str>, now: Instant) {
        let mut failures = self.lock();
        failures.retain(|_, entry| now.duration_since(entry.last) < FORGET_AFTER);
        for (key, _) in keys(account, address) {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
    }

    /// A successful login clears the account's record, not the address's.
    pub fn record_success(&self, account: &str) {
        self.lock().remove(&account_key(account));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A panic while holding the lock leaves plain counters behind; they are still usable.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn account_key(account: &str) -> String {
    format!("account:{account}")
}

fn keys(account: &str, address: Option<&str>) -> Vec<(String, u32)> {
    let mut keys = vec![(account_key(account), FREE_FAILURES_PER_ACCOUNT)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), FREE_FAILURES_PER_ADDRESS));
    }
    keys
}

fn remaining_delay(entry: &Failures, free: u32, now: Instant) -> Duration {
    if entry.count < free {
        return Duration::ZERO;
    }
    let doublings = (entry.count - free).min(10);
    let delay = Duration::from_secs(1u64 << doublings).min(MAX_DELAY);
    delay.saturating_sub(now.duration_since(entry.last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_the_account_waits_longer_each_time() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES_PER_ACCOUNT {
            assert!(throttle.check("a@example.com", None, start).is_ok());
            throttle.record_failure("a@example.com", None, start);
        }
        assert_eq!(
            throttle.check("a@example.com", None, start),
            Err(Duration::from_secs(1))
        );
        throttle.record_failure("a@example.com", None, start);
        assert_eq!(
            throttle.check("a@example.com", None, start),
            Err(Duration::from_secs(2))
        );
        assert!(throttle
            .check("a@example.com", None, start + Duration::from_secs(2))
            .is_ok());
        assert!(
            throttle.check("b@example.com", None, start).is_ok(),
            "other accounts are not slowed"
        );
    }

    #[test]
    fn an_address_guessing_many_accounts_is_slowed_too() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for n in 0..FREE_FAILURES_PER_ADDRESS {
            throttle.record_failure(&format!("user{n}@example.com"), Some("10.0.0.9"), now);
        }
        assert!(throttle
            .check("fresh@example.com", Some("10.0.0.9"), now)
            .is_err());
        assert!(throttle
            .check("fresh@example.com", Some("10.0.0.10"), now)
            .is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..10 {
            throttle.record_failure("a@example.com", None, now);
        }
        throttle.record_success("a@example.com");
        assert!(throttle.check("a@example.com", None, now).is_ok());
    }

    #[test]
    fn the_delay_is_capped() {
        let entry = Failures {
            count: 1_000,
            last: Instant::now(),
        };
        assert!(remaining_delay(&entry, 5, entry.last) <= MAX_DELAY);
    }
}
