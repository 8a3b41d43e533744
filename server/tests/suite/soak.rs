//! Soak: steady mixed traffic for a bounded time against the real binary — one server on
//! SQLite, and two replicas on one PostgreSQL database. Workflows resolve (OAuth tokens that fall
//! due every 3 seconds, shared and per organization) and list mappings; administrators open
//! pages and save values. Held: no error answer, no memory growth after warm-up, every refresh
//! presented the latest refresh token (none lost, none used twice), one refresh per expiry.
//!
//! `SOAK_SECONDS` sets the length (default 120). Ignored in the plain test run, where other tests
//! would share the cores and disturb the pace: `scripts/test` runs them on their own with
//! `--ignored --test-threads=1`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::time::MissedTickBehavior;

use crate::helpers::TestDb;
use crate::provider::FakeProvider;
use crate::real_server::{oauth_integration, Installation, Prepared, Server};

/// Tokens last 303 s and are refreshed within 300 s of expiry: due 3 s after each refresh.
const TOKEN_LIFETIME_SECS: i64 = 303;
const DUE_AFTER: Duration = Duration::from_secs(3);
const WORKFLOWS_PER_SERVER: usize = 4;
/// Each workflow's pace; with 4 per server about 130 requests a second per server.
const WORKFLOW_PERIOD: Duration = Duration::from_millis(30);
const ADMIN_PAGE_PERIOD: Duration = Duration::from_millis(250);
const ADMIN_WRITE_PERIOD: Duration = Duration::from_millis(1_000);

fn soak_length() -> Duration {
    let seconds = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(120);
    Duration::from_secs(seconds)
}

/// What went wrong during the soak, kept to report at the end.
#[derive(Default)]
struct Failures {
    list: Mutex<Vec<String>>,
    requests: AtomicUsize,
}

impl Failures {
    fn record(&self, what: String) {
        if let Ok(mut list) = self.list.lock() {
            list.push(what);
        }
    }

    /// Counts a request and records it unless it answered 2xx.
    async fn check(&self, label: &str, sent: reqwest::RequestBuilder) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        match sent.send().await {
            Ok(response) if response.status().is_success() => {
                // Read the whole body, as a client does.
                if response.bytes().await.is_err() {
                    self.record(format!("{label}: body cut off"));
                }
            }
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                self.record(format!("{label}: {status} {body}"));
            }
            Err(error) => self.record(format!("{label}: {error}")),
        }
    }
}

struct Traffic {
    api_key: String,
    oauth_integration: String,
    scopes: Vec<String>,
    sample_integration: String,
    sample_integration_id: app::domain::ids::IntegrationId,
    failures: Arc<Failures>,
    until: Instant,
}

fn steady(period: Duration) -> tokio::time::Interval {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    interval
}

/// A workflow: resolves the OAuth integration in each scope in turn, the sample integration, and
/// now and then lists mappings.
async fn workflow(traffic: Arc<Traffic>, address: String, offset: usize) {
    let client = reqwest::Client::new();
    let mut pace = steady(WORKFLOW_PERIOD);
    let mut n = offset;
    while Instant::now() < traffic.until {
        pace.tick().await;
        n += 1;
        let path = match n % 8 {
            0 => format!(
                "/api/v1/integrations/{}/mappings",
                traffic.sample_integration
            ),
            1 => format!("/api/v1/integrations/{}", traffic.sample_integration),
            _ => {
                let scope = &traffic.scopes[n % traffic.scopes.len()];
                format!("/api/v1/integrations/{}{scope}", traffic.oauth_integration)
            }
        };
        let request = client
            .get(format!("{address}{path}"))
            .bearer_auth(&traffic.api_key);
        traffic.failures.check(&path, request).await;
    }
}

/// An administrator: opens the pages in turn, and saves a default value every second.
async fn administrator(traffic: Arc<Traffic>, server: Arc<Server>) {
    let admin = server.signed_in().await;
    let pages = [
        "/".to_string(),
        "/settings/integrations".to_string(),
        format!("/settings/integrations/{}", traffic.sample_integration),
        format!(
            "/settings/integrations/{}/configuration",
            traffic.sample_integration
        ),
        format!(
            "/settings/integrations/{}/mappings?q=a",
            traffic.sample_integration
        ),
        format!("/settings/integrations/{}/oauth", traffic.oauth_integration),
        "/settings/organizations".to_string(),
        "/settings/api-keys".to_string(),
        "/settings/audit-log".to_string(),
    ];
    let mut page_pace = steady(ADMIN_PAGE_PERIOD);
    let mut write_pace = steady(ADMIN_WRITE_PERIOD);
    let mut n = 0usize;
    while Instant::now() < traffic.until {
        tokio::select! {
            _ = page_pace.tick() => {
                let page = &pages[n % pages.len()];
                n += 1;
                let request = admin.get(format!("{}{page}", server.address));
                traffic.failures.check(page, request).await;
            }
            _ = write_pace.tick() => {
                let body = serde_json::json!({
                    "integration_id": traffic.sample_integration_id,
                    "inputs": [{"key": "region", "change": {"Set": format!("soak-{n}")}}],
                });
                let request = server.post_json(&admin, "/api/integrations/save-defaults", &body);
                traffic.failures.check("save defaults", request).await;
            }
        }
    }
}

/// Resident memory of each server, sampled every second.
async fn sample_memory(servers: Vec<Arc<Server>>, until: Instant) -> Vec<Vec<u64>> {
    let mut samples = vec![Vec::new(); servers.len()];
    let mut pace = steady(Duration::from_secs(1));
    while Instant::now() < until {
        pace.tick().await;
        for (server, samples) in servers.iter().zip(samples.iter_mut()) {
            samples.push(server.resident_kib());
        }
    }
    samples
}

/// The largest sample of the second quarter (warmed up) and of the last quarter.
fn warm_and_final(samples: &[u64]) -> (u64, u64) {
    let quarter = samples.len() / 4;
    let warm = samples[quarter..2 * quarter].iter().copied().max();
    let last = samples[3 * quarter..].iter().copied().max();
    (warm.unwrap_or(0), last.unwrap_or(0))
}

async fn soak(db: TestDb, replicas: usize) {
    let length = soak_length();
    let installation = Installation::new(db.url());
    let Prepared {
        integration: sample_integration,
        integration_id: sample_integration_id,
        api_key,
    } = installation.prepare(&db.store, (40, 2, 20), "soak").await;
    let provider = FakeProvider::start().await;
    provider.set_expires_in(Some(TOKEN_LIFETIME_SECS));
    provider.set_refresh_delay(Duration::from_millis(100));
    let oauth = oauth_integration(&installation, &db.store, &provider, "Soak_OAuth", 6, 2).await;
    // Global (the shared token), the two organizations with their own token, and four that
    // use the shared one.
    let mut scopes = vec![String::new()];
    scopes.extend(oauth.organizations.iter().map(|name| {
        format!(
            "?scope={}",
            url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
        )
    }));

    let mut servers = Vec::new();
    for _ in 0..replicas {
        servers.push(Arc::new(installation.start().await));
    }
    let failures = Arc::new(Failures::default());
    let started = Instant::now();
    let traffic = Arc::new(Traffic {
        api_key,
        oauth_integration: oauth.name.clone(),
        scopes,
        sample_integration,
        sample_integration_id,
        failures: failures.clone(),
        until: started + length,
    });
    let mut tasks = Vec::new();
    for (s, server) in servers.iter().enumerate() {
        for w in 0..WORKFLOWS_PER_SERVER {
            tasks.push(tokio::spawn(workflow(
                traffic.clone(),
                server.address.clone(),
                s * WORKFLOWS_PER_SERVER + w,
            )));
        }
        tasks.push(tokio::spawn(administrator(traffic.clone(), server.clone())));
    }
    let memory = tokio::spawn(sample_memory(servers.clone(), started + length));
    for task in tasks {
        task.await.expect("traffic task");
    }
    let memory = memory.await.expect("memory sampler");
    let elapsed = started.elapsed();

    let failed = failures.list.lock().expect("failures").clone();
    let requests = failures.requests.load(Ordering::Relaxed);
    assert!(
        failed.is_empty(),
        "{} of {requests} requests failed, first: {:?}",
        failed.len(),
        failed.iter().take(5).collect::<Vec<_>>()
    );
    let per_second = requests as f64 / elapsed.as_secs_f64();
    let planned_per_server = WORKFLOWS_PER_SERVER as f64 / WORKFLOW_PERIOD.as_secs_f64()
        + 1.0 / ADMIN_PAGE_PERIOD.as_secs_f64()
        + 1.0 / ADMIN_WRITE_PERIOD.as_secs_f64();
    let planned = planned_per_server * replicas as f64;
    assert!(
        per_second >= planned * 0.75,
        "the traffic kept its pace: {per_second:.0}/s of {planned:.0}/s planned"
    );

    for (n, samples) in memory.iter().enumerate() {
        assert!(samples.len() >= 8, "too short to tell memory growth");
        let (warm, last) = warm_and_final(samples);
        println!("server {n}: resident {warm} KiB warmed up, {last} KiB at the end");
        assert!(
            last <= warm + warm / 10 + 4_096,
            "server {n} grew from {warm} KiB to {last} KiB: {samples:?}"
        );
    }

    // Each grant's line: one refresh per 3-second expiry (plus the background task's, at most
    // one per minute per server); never a used or stale refresh token.
    assert_eq!(
        provider.count(&provider.state.calls.refused_refresh),
        0,
        "a refresh token was used twice or lost"
    );
    let due = elapsed.as_secs_f64() / DUE_AFTER.as_secs_f64();
    let background = replicas as f64 * (elapsed.as_secs_f64() / 60.0).ceil();
    let lines = provider.refreshes_per_grant();
    assert_eq!(
        lines.len(),
        3,
        "the shared token and two organizations' own"
    );
    for (n, refreshes) in lines.iter().enumerate() {
        let count = refreshes.len() as f64;
        println!(
            "grant {n}: {count} refreshes in {:.0} s (due {due:.1})",
            elapsed.as_secs_f64()
        );
        assert!(
            count >= due * 0.7 && count <= due + background + 1.0,
            "grant {n}: {count} refreshes for {due:.1} expiries"
        );
    }
    println!(
        "{requests} requests in {:.0} s ({per_second:.0}/s), no errors",
        elapsed.as_secs_f64()
    );
    drop(servers);
    db.finish().await;
}

/// One server on SQLite; two replicas on one PostgreSQL database.
async fn soaks_without_errors_growth_or_lost_refreshes(db: TestDb) {
    let replicas = if db.is_postgres() { 2 } else { 1 };
    soak(db, replicas).await;
}

crate::both_backends!(
    db: #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run alone by scripts/test: cargo test --test suite soak -- --ignored"]
    soaks_without_errors_growth_or_lost_refreshes,
);
