//! Times the Dashboard's health centre at scale: seed-demo's data (by default 10,000
//! organizations, 100 integrations of 10,000 mappings: 1,000,000 mappings) in a fresh SQLite
//! database, or in the PostgreSQL database `DATABASE_URL` names (emptied first), with one token
//! in a hundred needing reconnect, one failing, one without a refresh token, and a required field
//! without a default on one integration (its 10,000 mappings miss it). Prints, for each kind,
//! the slowest of five renders of its counts and first page, unfiltered and filtered by an
//! organization name. Exits with an error when the slowest render takes 100 ms or more.
//! `cargo run --release -p bifrost --no-default-features --example health_timing -- 10000 100 10000`

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::admin::CurrentAdmin;
use app::domain::health::{HealthFilter, HealthKind};
use app::domain::ids::AdminId;
use app::domain::integration::{FieldType, SchemaField};
use app::ssr::{HealthServices, IntegrationServices};
use bifrost::crypto::{Keyring, SecretKey};
use bifrost::services::{ServerServices, ServicesConfig};
use bifrost::store::Store;

fn arg(index: usize, default: usize) -> usize {
    std::env::args()
        .nth(index)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(default)
}

async fn open_store(dir: &tempfile::TempDir) -> Result<Store, Box<dyn Error>> {
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => format!("sqlite://{}", dir.path().join("health.db").display()),
    };
    let store = Store::connect(&url).await?;
    if url.starts_with("postgres") {
        for sql in ["DROP SCHEMA public CASCADE", "CREATE SCHEMA public"] {
            sqlx::query(sql).execute(store.raw_pool()).await?;
        }
    }
    store.migrate().await?;
    Ok(store)
}

/// One token in a hundred needing reconnect, one failing, one without a refresh token.
async fn degrade_tokens(store: &Store) -> Result<(), Box<dyn Error>> {
    for sql in [
        "UPDATE oauth_tokens SET status = 'needs_reconnect', last_error = 'invalid_grant' WHERE id % 100 = 1",
        "UPDATE oauth_tokens SET last_error = 'the provider is unavailable' WHERE id % 100 = 2",
        "UPDATE oauth_tokens SET refresh_token = NULL WHERE id % 100 = 3",
    ] {
        sqlx::query(sql).execute(store.raw_pool()).await?;
    }
    Ok(())
}

async fn require_a_field(services: &ServerServices, name: &str) -> Result<(), Box<dyn Error>> {
    let admin = CurrentAdmin {
        id: AdminId::default(),
        email: "health timing".into(),
    };
    let integration = services.integration(name).await?;
    let mut draft = integration.to_draft();
    draft.fields.push(SchemaField {
        id: None,
        key: "site_id".into(),
        field_type: FieldType::String,
        required: true,
        description: String::new(),
    });
    services
        .update_integration(&admin, integration.id, &draft)
        .await?;
    Ok(())
}

/// The slowest of five renders of the filter's counts and first page.
async fn slowest(
    services: &ServerServices,
    filter: &HealthFilter,
) -> Result<Duration, Box<dyn Error>> {
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let started = Instant::now();
        services.health(filter, 1).await?;
        slowest = slowest.max(started.elapsed());
    }
    Ok(slowest)
}

#[tokio::main]
#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
async fn main() -> Result<(), Box<dyn Error>> {
    let (organizations, integrations, per) = (arg(1, 10_000), arg(2, 100), arg(3, 10_000));
    let dir = tempfile::tempdir()?;
    let store = open_store(&dir).await?;
    let (_, key) = SecretKey::generate();
    let config = ServicesConfig::new("http://127.0.0.1:3000", false);
    let services = ServerServices::new(store.clone(), config, Arc::new(Keyring::from_text(&key)?));
    let seeded = Instant::now();
    let report = services.seed_demo(organizations, integrations, per).await?;
    degrade_tokens(&store).await?;
    require_a_field(&services, &report.integration_names[0]).await?;
    if store.backend().label() == "PostgreSQL" {
        // Statistics, as autovacuum would have them on a server that has run a while.
        sqlx::query("ANALYZE").execute(store.raw_pool()).await?;
    }
    println!(
        "health centre on {}: {} mappings seeded in {:.0} s",
        store.backend().label(),
        report.mappings,
        seeded.elapsed().as_secs_f64()
    );
    let mut worst = Duration::ZERO;
    for kind in HealthKind::ALL {
        for organization in ["", "Demo"] {
            let filter = HealthFilter {
                kind,
                organization: organization.into(),
                ..HealthFilter::default()
            };
            let time = slowest(&services, &filter).await?;
            worst = worst.max(time);
            let view = services.health(&filter, 1).await?;
            println!(
                "{:<24} organization filter {:<6} {:>8} rows  slowest {:>7.1} ms",
                kind.label(),
                format!("{organization:?}"),
                view.items.total,
                time.as_secs_f64() * 1000.0
            );
        }
    }
    let met = worst < Duration::from_millis(100);
    let verdict = if met { "ok" } else { "MISS" };
    println!(
        "slowest health render: {:.1} ms (target < 100 ms) {verdict}",
        worst.as_secs_f64() * 1000.0
    );
    // A missed target fails the run, so a script can use it as a check.
    if !met {
        return Err("the slowest health render took 100 ms or more".into());
    }
    Ok(())
}
