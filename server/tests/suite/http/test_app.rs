//! A running server for HTTP tests: the real router on a loopback port, with a cookie-keeping client.

use bifrost::http::listener::{self, ListenerLimits};
use bifrost::services::ensure_provider_organization;
use bifrost::services::{ServerServices, ServicesConfig};
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
        // Loaded before the first request, so resolve answers from the index as a running
        // server does once it has loaded.
        state
            .services
            .load_resolve_index()
            .await
            .expect("resolve index");
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
        TestApp::spawn_signed_in_on(TestDb::sqlite().await, |_| {}).await
    }

    /// Spawns the app on the given fresh database with its services' settings adjusted, and
    /// signs in as its first administrator.
    pub async fn spawn_signed_in_on(
        db: TestDb,
        adjust: impl FnOnce(&mut ServicesConfig),
    ) -> TestApp {
        let app = TestApp::spawn_configured(db, adjust).await;
        let response = app.setup(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
        assert!(succeeded(&response), "setup failed: {}", response.status());
        app
    }

    /// Spawns the app signed in, with the password to be given again for sensitive actions as
    /// soon as any time has passed (and a little has: the sign-in is already too long ago).
    pub async fn spawn_signed_in_with_the_password_given_long_ago() -> TestApp {
        let app = TestApp::spawn_signed_in_on(TestDb::sqlite().await, |config| {
            config.password_again_after = std::time::Duration::ZERO;
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        app
    }

    /// Services over this server's database and keys, as another replica would build them.
    pub fn services(&self) -> ServerServices {
        let config = ServicesConfig::new(&self.address, false)
            .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network());
        ServerServices::new(self.db().store.clone(), config, self.keyring.clone())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// A page: its status and its HTML.
    pub async fn get_page(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("html"))
    }

    /// A same-origin POST that asks for JSON, as the browser sends to server functions.
    fn same_origin_post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.address))
            .header("origin", &self.address)
            .header("accept", "application/json")
    }

    /// Calls a server function the way the browser does: a same-origin form post.
    pub async fn call_server_fn(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let request = self.same_origin_post(path).form(form);
        request.send().await.expect("request")
    }

    /// Calls a server function and reads its JSON answer.
    pub async fn call_server_fn_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> T {
        let response = self.call_server_fn(path, form).await;
        response.json().await.expect("JSON answer")
    }

    /// The status `/api/auth/me` answers: OK while signed in, UNAUTHORIZED otherwise.
    pub async fn me_status(&self) -> reqwest::StatusCode {
        self.call_server_fn("/api/auth/me", &[]).await.status()
    }

    /// Calls a server function that takes JSON, as the browser does for structured forms.
    pub async fn call_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        let request = self.same_origin_post(path).json(body);
        request.send().await.expect("request")
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

/// The body of a form's refusal, which must be 422 Unprocessable Entity.
pub async fn unprocessable_error(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    response.json().await.expect("error body")
}

/// A server function that redirects on success answers a script's call with 200 and `Location`.
pub fn succeeded(response: &reqwest::Response) -> bool {
    response.status() == reqwest::StatusCode::OK && response.headers().contains_key("location")
}
