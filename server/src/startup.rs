//! Start-up: open and migrate the store, build the router, serve until SIGTERM or Ctrl-C.

use std::sync::Arc;

use app::ssr::SharedServices;
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::crypto::Keyring;
use crate::error::StartupError;
use crate::http::{consent, exports, guard, health, oauth_callback, security_headers};
use crate::services::{ensure_provider_organization, ServerServices, ServicesConfig};
use crate::site;
use crate::store::{backend_of, Store};

/// What every handler can reach. Cloned for every request (by each middleware and extractor),
/// so each part is behind an `Arc`.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: Arc<LeptosOptions>,
    pub services: Arc<ServerServices>,
    /// `scheme://host[:port]` of the public URL, for the same-origin check.
    pub public_origin: Arc<str>,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        store: Store,
        keyring: Arc<Keyring>,
        config: ServicesConfig,
    ) -> AppState {
        let public_origin = url::Url::parse(&config.public_url)
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_else(|_| config.public_url.clone());
        AppState {
            leptos_options: Arc::new(leptos_options),
            services: Arc::new(ServerServices::new(store, config, keyring)),
            public_origin: public_origin.into(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}

/// The largest request body: a CSV import at its limit (5 MB), URL-encoded, fits. Larger bodies
/// are refused with 413 before they are read.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// The whole HTTP surface: probes, the Leptos pages and server functions, and static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services: SharedServices = state.services.clone();
    let options = LeptosOptions::clone(&state.leptos_options);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/settings/integrations/{name}/mappings.csv",
            get(exports::mappings_csv),
        )
        .route(
            "/settings/integrations/{name}/definition.json",
            get(exports::definition_json),
        )
        .merge(crate::api::routes())
        .route(
            "/oauth/callback/{connection}",
            get(oauth_callback::oauth_callback),
        )
        .route(
            "/consent/{secret}",
            get(consent::consent_page).post(consent::continue_consent),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(services.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::security_headers,
        ))
        .layer(
            // Spans carry the path only: query strings can hold OAuth codes and states.
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}

/// Opens the store named by the settings (creating the data directory for the SQLite default),
/// applies migrations and makes sure the provider organization exists.
pub async fn open_store(settings: &Settings) -> Result<Store, StartupError> {
    let url = settings.database_url();
    backend_of(&url)?;
    if settings.database_url.is_none() {
        create_data_dir(settings)?;
    }
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    ensure_provider_organization(&store).await?;
    tracing::info!(backend = store.backend().label(), "store ready");
    Ok(store)
}

/// The data directory holds the database and the key file: only the server's user may enter it.
/// One created by an earlier version with looser rights is tightened.
fn create_data_dir(settings: &Settings) -> Result<(), StartupError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let path = &settings.data_dir;
    let failed = |source| StartupError::DataDir {
        path: path.display().to_string(),
        source,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(failed)?;
    let mode = std::fs::metadata(path)
        .map_err(failed)?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        if let Err(error) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!(path = %path.display(), %error, "the data directory is readable by other users");
        }
    }
    Ok(())
}

/// The encryption keys: `BIFROST_SECRET_KEY`, else the key file in the data directory
/// (created on first start).
pub fn load_keyring(settings: &Settings) -> Result<Arc<Keyring>, StartupError> {
    if settings.secret_key.is_none() {
        create_data_dir(settings)?;
    }
    let keyring = Keyring::load(settings.secret_key.as_ref(), &settings.data_dir)?;
    tracing::info!(key = %keyring.current_key_id(), "encryption keys loaded");
    Ok(Arc::new(keyring))
}

pub async fn migrate_only(settings: Settings) -> Result<(), StartupError> {
    let store = open_store(&settings).await?;
    store.close().await;
    Ok(())
}

pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let public_url = settings.public_url()?;
    let leptos_options = site::leptos_options(settings.listen)?;
    let keyring = load_keyring(&settings)?;
    let store = open_store(&settings).await?;
    let config = settings.services_config()?;
    let state = AppState::new(leptos_options, store.clone(), keyring, config);
    tokio::spawn(sweep_sessions_periodically(state.services.clone()));
    tokio::spawn(refresh_tokens_periodically(state.services.clone()));
    tokio::spawn(state.services.clone().prune_change_log_periodically());
    tokio::spawn(state.services.clone().send_alerts_continuously());
    state.services.ensure_resolve_index();
    let setup_code = state.services.first_run_setup_code().await?;
    let app = router(state);

    let listener =
        TcpListener::bind(settings.listen)
            .await
            .map_err(|source| StartupError::Listen {
                address: settings.listen.to_string(),
                source,
            })?;
    tracing::info!(address = %settings.listen, %public_url, "Bifrost is listening");
    print_banner(&public_url, setup_code.as_ref());

    crate::http::listener::serve(listener, app, settings.limits.limits(), shutdown_signal()).await;
    store.close().await;
    tracing::info!("Bifrost stopped");
    Ok(())
}

/// Removes expired sessions once an hour, so the table does not grow without bound.
async fn sweep_sessions_periodically(services: Arc<ServerServices>) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    loop {
        every_hour.tick().await;
        match services.sweep_sessions().await {
            Ok(removed) => tracing::debug!(removed, "expired sessions removed"),
            Err(error) => tracing::warn!(%error, "removing expired sessions failed"),
        }
    }
}

/// Refreshes OAuth tokens ahead of expiry every minute (so refresh tokens are used and do not
/// lapse) and drops abandoned authorizations.
async fn refresh_tokens_periodically(services: Arc<ServerServices>) {
    let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
    // A long pass (a provider timing out) delays the next one rather than bunching them up.
    every_minute.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every_minute.tick().await;
        match services.refresh_expiring_tokens().await {
            Ok(0) => {}
            Ok(refreshed) => tracing::info!(refreshed, "OAuth tokens refreshed ahead of expiry"),
            Err(error) => tracing::warn!(%error, "the background token refresh failed"),
        }
        if let Err(error) = services.sweep_oauth_states().await {
            tracing::warn!(%error, "removing expired OAuth authorizations failed");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}

/// Tells whoever started the server where to open it, and the first-run setup code: on
/// stdout, not in the log, because the code is a secret for whoever started the server.
#[expect(
    clippy::print_stdout,
    reason = "the start-up banner is for the terminal"
)]
fn print_banner(public_url: &str, setup_code: Option<&secrecy::SecretString>) {
    use secrecy::ExposeSecret;
    println!("Bifrost Integrations is running: open {public_url}");
    if let Some(code) = setup_code {
        println!(
            "First-run setup code: {} (the setup page asks for it; `bifrost setup-code` prints it again)",
            code.expose_secret()
        );
    }
}
