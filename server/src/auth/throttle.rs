//! Slows down password guessing without letting a guesser lock anyone else out.
//!
//! Failures are counted per (account, client address) and per client address, never per
//! account alone: an attacker who knows an administrator's e-mail address slows only their own
//! address, and the administrator signing in from elsewhere is not affected. After a few
//! failures each further attempt must wait, doubling up to a cap.
//!
//! An attempt is counted when it is reserved, before the password is checked, under one lock:
//! N guesses sent at once count as N, so no more than the free allowance reach the check.
//! A correct password gives its reservation back.
//!
//! The counters live in this process. With several replicas behind a load balancer each keeps
//! its own, so an attacker spread over them gets the allowance once per replica (documented in
//! the README).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before attempts are delayed.
const FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: u32 = 5;
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
    /// Counts an attempt for `account` from `address` if neither must wait; `Err(wait)` (and
    /// nothing counted) when one must.
    pub fn reserve(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self.lock();
        failures.retain(|_, entry| now.duration_since(entry.last) < FORGET_AFTER);
        let keys = keys(account, address);
        let wait = keys
            .iter()
            .filter_map(|(key, free)| {
                failures
                    .get(key)
                    .map(|entry| remaining_delay(entry, *free, now))
            })
            .max()
            .unwrap_or(Duration::ZERO);
        if !wait.is_zero() {
            return Err(wait);
        }
        for (key, _) in keys {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                last: now,
            });
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
        Ok(())
    }

    /// The password was right: the account's record from this address is cleared and the
    /// address gets its reserved attempt back.
    pub fn succeeded(&self, account: &str, address: &str) {
        let mut failures = self.lock();
        failures.remove(&pair_key(account, address));
        if let Some(entry) = failures.get_mut(&address_key(address)) {
            entry.count = entry.count.saturating_sub(1);
        }
    }

    /// How many attempts are counted for the account from the address (for tests and logs).
    pub fn attempts(&self, account: &str, address: &str) -> u32 {
        self.lock()
            .get(&pair_key(account, address))
            .map_or(0, |entry| entry.count)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A panic while holding the lock leaves plain counters behind; they are still usable.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn pair_key(account: &str, address: &str) -> String {
    format!("pair:{address}|{account}")
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn keys(account: &str, address: &str) -> [(String, u32); 2] {
    [
        (
            pair_key(account, address),
            FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        ),
        (address_key(address), FREE_FAILURES_PER_ADDRESS),
    ]
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

    const HOME: &str = "198.51.100.7";
    const ATTACKER: &str = "203.0.113.9";

    #[test]
    fn five_failures_are_free_then_the_pair_waits_longer_each_time() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS {
            assert!(throttle.reserve("a@example.com", ATTACKER, start).is_ok());
        }
        assert_eq!(
            throttle.reserve("a@example.com", ATTACKER, start),
            Err(Duration::from_secs(1))
        );
        let later = start + Duration::from_secs(1);
        assert!(throttle.reserve("a@example.com", ATTACKER, later).is_ok());
        assert_eq!(
            throttle.reserve("a@example.com", ATTACKER, later),
            Err(Duration::from_secs(2))
        );
        assert!(
            throttle.reserve("a@example.com", HOME, start).is_ok(),
            "the account is not locked for its owner's address"
        );
        assert!(
            throttle.reserve("b@example.com", ATTACKER, start).is_ok(),
            "other accounts are not slowed until the address is"
        );
    }

    #[test]
    fn an_address_guessing_many_accounts_is_slowed_and_only_it() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for n in 0..FREE_FAILURES_PER_ADDRESS {
            assert!(throttle
                .reserve(&format!("user{n}@example.com"), ATTACKER, now)
                .is_ok());
        }
        assert!(throttle
            .reserve("fresh@example.com", ATTACKER, now)
            .is_err());
        assert!(throttle.reserve("fresh@example.com", HOME, now).is_ok());
    }

    #[test]
    fn a_correct_password_gives_the_reservation_back() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..4 {
            throttle.reserve("a@example.com", HOME, now).expect("free");
        }
        throttle.reserve("a@example.com", HOME, now).expect("free");
        throttle.succeeded("a@example.com", HOME);
        assert_eq!(throttle.attempts("a@example.com", HOME), 0);
        assert!(throttle.reserve("a@example.com", HOME, now).is_ok());
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
