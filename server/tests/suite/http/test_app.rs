//! A running server for HTTP tests: the real router on a loopback port, with a cookie-keeping client.

use bifrost::http::listener::{self, ListenerLimits};
use bifrost::services::ensure_provider_organization;
use bifrost::services::ServicesConfig;
use bifrost::startup::{router, AppState};
use leptos::config::LeptosOptions;
use secrecy::ExposeSecret;

use crate::helpers::TestDb;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The server's keys, for services that share its database.
    pub keyring: std::sync::Arc<bifrost::crypto::Keyring>,
    /// The first-run setup code the server would have printed.
    pub setup_code: String,
    db: Option<TestDb>,
    _site: Option<tempfile::TempDir>,
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// The real router on a loopback port, on a fresh SQLite database with no administrator.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_on(TestDb::sqlite().await).await
    }

    /// The real router on a loopback port, on the given fresh database.
    pub async fn spawn_on(db: TestDb) -> TestApp {
        TestApp::spawn_configured(db, |_| {}).await
    }

    /// The real router on the given fresh database, with its services' settings adjusted.
    pub async fn spawn_configured(db: TestDb, adjust: impl FnOnce(&mut ServicesConfig)) -> TestApp {
        TestApp::spawn_with(db, adjust, ListenerLimits::default()).await
    }

    /// The real router behind the listener with the given limits.
    pub async fn spawn_with(
        db: TestDb,
        adjust: impl FnOnce(&mut ServicesConfig),
        limits: ListenerLimits,
    ) -> TestApp {
        ensure_provider_organization(&db.store)
            .await
            .expect("provider");
        let site = tempfile::tempdir().expect("site directory");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let leptos_options = LeptosOptions::builder()
            .output_name("bifrost")
            .site_root(site.path().to_string_lossy().into_owned())
            .build();
        let keyring = crate::helpers::test_keyring();
        let mut config = ServicesConfig::new(&address, false)
            .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
        adjust(&mut config);
        let state = AppState::new(leptos_options, db.store.clone(), keyring.clone(), config);
        let setup_code = state
            .services
            .first_run_setup_code()
            .await
            .expect("setup code")
            .map(|code| code.expose_secret().to_string())
            .unwrap_or_default();
        tokio::spawn(listener::serve(
            listener,
            router(state),
            limits,
            std::future::pending(),
        ));
        TestApp {
            address,
            client: new_client(),
            keyring,
            setup_code,
            db: Some(db),
            _site: Some(site),
        }
    }

    /// Another browser on the same server: no cookies, no database handle.
    pub fn client_for(app: &TestApp) -> TestApp {
        TestApp {
            address: app.address.clone(),
            client: new_client(),
            keyring: app.keyring.clone(),
            setup_code: app.setup_code.clone(),
            db: None,
            _site: None,
        }
    }

    /// Drops the test database (PostgreSQL) once the test is done with it.
    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }

    pub fn db(&self) -> &TestDb {
        self.db.as_ref().expect("this TestApp owns the server")
    }

    /// Spawns the app and signs in as its first administrator.
    pub async fn spawn_signed_in() -> TestApp {
        let app = TestApp::spawn().await;
        let response = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
        assert!(succeeded(&response), "setup failed: {}", response.status());
        app
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function the way the browser does: a same-origin form post.
    pub async fn call_server_fn(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("origin", &self.address)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function that takes JSON, as the browser does for structured forms.
    pub async fn call_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .header("origin", &self.address)
            .header("accept", "application/json")
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn setup(&self, email: &str, password: &str, confirm: &str) -> reqwest::Response {
        self.setup_with_code(&self.setup_code, email, password, confirm)
            .await
    }

    pub async fn setup_with_code(
        &self,
        code: &str,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> reqwest::Response {
        let form = [
            ("setup_code", code),
            ("email", email),
            ("password", password),
            ("confirm_password", confirm),
        ];
        self.call_server_fn("/api/auth/setup", &form).await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.call_server_fn(
            "/api/auth/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A server function that redirects on success answers a script's call with 200 and `Location`.
pub fn succeeded(response: &reqwest::Response) -> bool {
    response.status() == reqwest::StatusCode::OK && response.headers().contains_key("location")
}
