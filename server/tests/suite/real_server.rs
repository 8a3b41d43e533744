//! The real `bifrost` binary for the crash and soak tests: its CLI commands, servers on loopback
//! ports sharing one database and secret key, and signed-in administrator clients.

use app::domain::ids::{IntegrationId, OrganizationId};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bifrost::crypto::{Keyring, SecretKey};

pub const ADMIN_EMAIL: &str = "operator@example.com";
pub const ADMIN_PASSWORD: &str = "real server test password";

/// What every command and server of one test shares: the data directory, the database and the
/// key that seals secrets (so the test's own services can open them too).
pub struct Installation {
    pub data_dir: tempfile::TempDir,
    /// An empty site (no WASM): pages render on the server, so the tests need no release build.
    site: tempfile::TempDir,
    pub database_url: String,
    secret_key: String,
    pub keyring: Arc<Keyring>,
}

impl Installation {
    pub fn new(database_url: &str) -> Installation {
        let (_, secret_key) = SecretKey::generate();
        let site = tempfile::tempdir().expect("site directory");
        std::fs::create_dir(site.path().join("pkg")).expect("site/pkg");
        Installation {
            data_dir: tempfile::tempdir().expect("data directory"),
            site,
            database_url: database_url.to_string(),
            keyring: Arc::new(Keyring::from_text(&secret_key).expect("keyring")),
            secret_key,
        }
    }

    /// The binary with this installation's settings and the given arguments.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bifrost"));
        command
            .args(["--data-dir", &self.data_dir.path().to_string_lossy()])
            .args(["--log", "warn"])
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("BIFROST_SECRET_KEY", &self.secret_key)
            // The fake OAuth providers listen on loopback.
            .env("BIFROST_ALLOW_PRIVATE_NETWORK", "true")
            .env("LEPTOS_SITE_ROOT", self.site.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        command
    }

    /// Runs a CLI command to the end with `stdin` and returns what it printed.
    pub fn run(&self, args: &[&str], stdin: &str) -> String {
        let mut child = self.command(args).spawn().expect("run bifrost");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin");
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "bifrost {args:?} failed");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Seeds demo data and returns the sample integration's name.
    fn seed_demo(&self, orgs: usize, integrations: usize, mappings: usize) -> String {
        let (orgs, integrations, mappings) = (
            orgs.to_string(),
            integrations.to_string(),
            mappings.to_string(),
        );
        let printed = self.run(
            &[
                "seed-demo",
                "--orgs",
                &orgs,
                "--integrations",
                &integrations,
                "--mappings-per-integration",
                &mappings,
            ],
            "",
        );
        printed
            .lines()
            .find_map(|line| line.strip_prefix("sample_integration="))
            .expect("a sample integration")
            .to_string()
    }

    /// Adds the administrator the tests sign in as.
    fn create_admin(&self) {
        self.run(
            &["create-admin", "--email", ADMIN_EMAIL],
            &format!("{ADMIN_PASSWORD}\n"),
        );
    }

    /// A provider API key (any organization), printed once by the CLI.
    fn create_api_key(&self, name: &str) -> String {
        self.run(&["create-api-key", "--name", name], "")
            .trim()
            .to_string()
    }

    /// Seeds demo data (organizations, integrations, mappings per integration), adds the test
    /// administrator and a provider API key named `key_name`.
    pub async fn prepare(
        &self,
        store: &bifrost::store::Store,
        (orgs, integrations, mappings): (usize, usize, usize),
        key_name: &str,
    ) -> Prepared {
        let integration = self.seed_demo(orgs, integrations, mappings);
        self.create_admin();
        let api_key = self.create_api_key(key_name);
        let integration_id = store
            .find_integration_by_name(&integration)
            .await
            .expect("find")
            .expect("the sample")
            .id;
        Prepared {
            integration,
            integration_id,
            api_key,
        }
    }

    /// Starts a server on a free loopback port and waits until it is ready.
    pub async fn start(&self) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let address = format!("http://127.0.0.1:{port}");
        // Its log (warnings and errors), kept in the data directory for a failed test's report.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.path().join(format!("server-{port}.log")))
            .expect("server log file");
        let mut child = self
            .command(&[])
            .env("BIFROST_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(log.try_clone().expect("server log file"))
            .stderr(log)
            .spawn()
            .expect("start the server");
        for _ in 0..200 {
            if reqwest::get(format!("{address}/readyz"))
                .await
                .is_ok_and(|response| response.status().is_success())
            {
                return Server { child, address };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        let log = std::fs::read_to_string(self.data_dir.path().join(format!("server-{port}.log")));
        panic!(
            "the server did not become ready: {}",
            log.unwrap_or_default()
        );
    }
}

/// A prepared installation's sample integration and API key.
pub struct Prepared {
    pub integration: String,
    pub integration_id: IntegrationId,
    pub api_key: String,
}

/// A running server process; killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Server {
    /// Kills the process at once (SIGKILL), as a crash or the OOM killer would.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// The process's resident memory in KiB, from /proc.
    pub fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// A client signed in as the test administrator, keeping its session cookie.
    pub async fn signed_in(&self) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = client
            .post(format!("{}/api/auth/login", self.address))
            .header("origin", &self.address)
            .header("accept", "application/json")
            .form(&[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        assert!(response.status().is_success(), "{}", response.status());
        client
    }

    /// An admin server function call with a JSON body, as the browser makes it.
    pub fn post_json(
        &self,
        admin: &reqwest::Client,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::RequestBuilder {
        admin
            .post(format!("{}{path}", self.address))
            .header("origin", &self.address)
            .header("accept", "application/json")
            .json(body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An integration whose OAuth connection is at the fake provider, connected: a shared token,
/// and organization-specific tokens for `own_tokens` of its mapped organizations. Set up by the
/// test's own services on the servers' database, as another replica would.
pub struct OAuthIntegration {
    pub name: String,
    /// The mapped organizations' names; the first `own_tokens` have their own token.
    pub organizations: Vec<String>,
}

pub async fn oauth_integration(
    installation: &Installation,
    store: &bifrost::store::Store,
    provider: &crate::provider::FakeProvider,
    name: &str,
    mapped: usize,
    own_tokens: usize,
) -> OAuthIntegration {
    use app::domain::admin::CurrentAdmin;
    use app::domain::integration::{FieldType, MappingDraft};
    use app::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
    use app::ssr::MappingServices;
    use bifrost::services::{ServerServices, ServicesConfig};

    let services = ServerServices::new(
        store.clone(),
        ServicesConfig::new("http://127.0.0.1:3000", false)
            .with_outbound(bifrost::oauth::outbound::OutboundPolicy::allow_private_network()),
        installation.keyring.clone(),
    );
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM admins ORDER BY id LIMIT 1")
        .fetch_one(store.raw_pool())
        .await
        .expect("the administrator");
    let admin = CurrentAdmin {
        id: admin_id.into(),
        email: ADMIN_EMAIL.into(),
    };
    let connection_name = format!("{name}_Auth");
    let connection = OAuthConnectionDraft {
        name: connection_name.clone(),
        grant_type: GrantType::AuthorizationCode,
        authorization_url: format!("{}/authorize", provider.base_url),
        token_url: format!("{}/token", provider.base_url),
        client_id: "bifrost-test".into(),
        client_secret: SecretChange::Set(crate::provider::CLIENT_SECRET.into()),
        scopes: "api.read".into(),
        pkce: true,
        ..Default::default()
    };
    let region = vec![crate::helpers::schema_field("region", FieldType::String)];
    let (integration_id, _) = crate::helpers::create_linked_integration(
        &services,
        &admin,
        &connection,
        &crate::helpers::integration_draft(name, "global-tenant", region),
    )
    .await;
    let provider_org = store
        .find_provider_organization()
        .await
        .expect("provider organization")
        .map_or(OrganizationId::default(), |organization| organization.id);
    let organizations: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM organizations WHERE id <> $1 ORDER BY id LIMIT $2")
            .bind(provider_org)
            .bind(i64::try_from(mapped).unwrap_or(0))
            .fetch_all(store.raw_pool())
            .await
            .expect("organizations");
    let mut token_mappings = vec![None];
    for (n, (organization_id, organization_name)) in organizations.iter().enumerate() {
        let mapping = services
            .create_mapping(
                &admin,
                integration_id,
                &MappingDraft {
                    organization_id: (*organization_id).into(),
                    entity_id: format!("tenant-{organization_id}"),
                    entity_name: organization_name.clone(),
                    overrides: Vec::new(),
                },
            )
            .await
            .expect("mapping");
        if n < own_tokens {
            token_mappings.push(Some(mapping.id));
        }
    }
    for mapping_id in token_mappings {
        crate::provider::connect_with_consent(
            &services,
            &admin,
            "session",
            &connection_name,
            integration_id,
            mapping_id,
        )
        .await;
    }
    OAuthIntegration {
        name: name.to_string(),
        organizations: organizations.into_iter().map(|(_, name)| name).collect(),
    }
}
