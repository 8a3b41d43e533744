//! Configuration from flags and environment variables, validated once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::error::StartupError;
use crate::http::client_address::{parse_trusted_proxies, TRUSTED_PROXIES_SETTING};
use crate::http::listener::{
    ListenerLimits, DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_TIMEOUT_SECS,
};
use crate::oauth::outbound::{OutboundPolicy, ALLOWED_HOSTS_SETTING};
use crate::services::ServicesConfig;

#[derive(Debug, Parser)]
#[command(
    name = "bifrost",
    version,
    about = "Bifrost Integrations: connect MSP automation to external APIs"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Add an administrator; the password is read from a prompt, or from stdin when piped.
    CreateAdmin {
        /// The new administrator's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Re-encrypt every stored secret under a new key; servers keep serving meanwhile.
    RotateKey,
    /// Print a new random key for BIFROST_SECRET_KEY.
    GenerateKey,
    /// Print the first-run setup code the setup page asks for (while no administrator exists).
    SetupCode,
    /// Turn off an administrator's two-factor sign-in (a lost phone and lost recovery codes).
    Reset2fa {
        /// The administrator's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Add demo and load data: organizations, integrations with defaults, and mappings.
    SeedDemo {
        #[arg(long, default_value_t = 100)]
        orgs: usize,
        #[arg(long, default_value_t = 5)]
        integrations: usize,
        #[arg(long = "mappings-per-integration", default_value_t = 50)]
        mappings_per_integration: usize,
    },
    /// Create an API key for the workflow API and print it (shown only this once).
    CreateApiKey {
        /// What uses the key.
        #[arg(long)]
        name: String,
        /// The organization it acts for, by name [default: the provider organization, which may
        /// act for any organization].
        #[arg(long)]
        organization: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "BIFROST_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// The URL users reach, used for OAuth redirect URIs [default: http://<listen address>].
    #[arg(long, env = "BIFROST_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Where the SQLite file and the key file live.
    #[arg(
        long,
        env = "BIFROST_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// `sqlite://…` or `postgres://…` [default: a SQLite file in the data directory].
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// The encryption keys for secrets at rest: base64 of 32 random bytes (`bifrost generate-key`),
    /// several separated by commas during a rotation, the encrypting one first
    /// [default: the key file `secret.key` in the data directory].
    #[arg(
        long,
        env = "BIFROST_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<SecretString>,

    /// Allow plain-http OAuth URLs for hosts other than localhost (an internal test provider).
    #[arg(
        long,
        env = "BIFROST_ALLOW_HTTP_OAUTH",
        default_value_t = false,
        global = true
    )]
    pub allow_http_oauth: bool,

    /// Let the server call loopback, private, link-local and cloud-metadata addresses (a
    /// provider or API on the same machine or network).
    #[arg(
        long,
        env = "BIFROST_ALLOW_PRIVATE_NETWORK",
        default_value_t = false,
        global = true
    )]
    pub allow_private_network: bool,

    /// Every administrator must use two-factor sign-in; those without it enrol at their next
    /// sign-in before anything else.
    #[arg(
        long = "require-2fa",
        env = "BIFROST_REQUIRE_2FA",
        default_value_t = false,
        global = true
    )]
    pub require_two_factor: bool,

    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose `Forwarded` or
    /// `X-Forwarded-For` header names the client; from anyone else those headers are ignored.
    #[arg(
        long,
        env = "BIFROST_TRUSTED_PROXIES",
        default_value = "",
        global = true
    )]
    pub trusted_proxies: String,

    /// Internal host names, addresses or networks (CIDR) the server may call, comma-separated.
    #[arg(long, env = "BIFROST_ALLOWED_HOSTS", default_value = "", global = true)]
    pub allowed_hosts: String,

    /// Minutes without a request after which an administrator's session ends.
    #[arg(
        long = "session-idle-minutes",
        env = "BIFROST_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=24 * 60),
        global = true
    )]
    pub session_idle_minutes: u64,

    /// Hours after sign-in at which a session ends, however active.
    #[arg(
        long = "session-hours",
        env = "BIFROST_SESSION_HOURS",
        default_value_t = 12,
        value_parser = clap::value_parser!(u64).range(1..=24 * 30),
        global = true
    )]
    pub session_hours: u64,

    #[command(flatten)]
    pub limits: ListenerSettings,

    #[command(flatten)]
    pub log: LogSettings,
}

/// What one client may hold of the server.
#[derive(Debug, Clone, Args)]
pub struct ListenerSettings {
    /// Seconds a client has to send a request's headers; also how long an idle connection stays.
    #[arg(
        long = "header-timeout",
        env = "BIFROST_HEADER_TIMEOUT_SECS",
        default_value_t = DEFAULT_HEADER_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=300),
        global = true
    )]
    pub header_timeout_secs: u64,

    /// Seconds a request may take, its body included, before it is answered 408.
    #[arg(
        long = "request-timeout",
        env = "BIFROST_REQUEST_TIMEOUT_SECS",
        default_value_t = DEFAULT_REQUEST_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..=3600),
        global = true
    )]
    pub request_timeout_secs: u64,

    /// Connections served at once; more wait until one closes.
    #[arg(
        long = "max-connections",
        env = "BIFROST_MAX_CONNECTIONS",
        default_value_t = DEFAULT_MAX_CONNECTIONS,
        global = true
    )]
    pub max_connections: usize,
}

impl ListenerSettings {
    pub fn limits(&self) -> ListenerLimits {
        ListenerLimits {
            header_read_timeout: Duration::from_secs(self.header_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_connections: self.max_connections.max(1),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct LogSettings {
    /// Log filter, in `tracing` env-filter syntax.
    #[arg(
        long = "log",
        env = "BIFROST_LOG",
        default_value = "info",
        global = true
    )]
    pub filter: String,

    /// Log format: `text` or `json`.
    #[arg(
        long = "log-format",
        env = "BIFROST_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Settings {
    /// What the services need of the settings.
    pub fn services_config(&self) -> Result<ServicesConfig, StartupError> {
        let mut config = ServicesConfig::new(&self.public_url()?, self.allow_http_oauth);
        config.outbound = OutboundPolicy::parse(self.allow_private_network, &self.allowed_hosts)
            .map_err(|message| StartupError::Config {
                variable: ALLOWED_HOSTS_SETTING,
                message,
            })?;
        config.require_two_factor = self.require_two_factor;
        config.session_idle = Duration::from_secs(self.session_idle_minutes * 60);
        config.session_lifetime = Duration::from_secs(self.session_hours * 60 * 60);
        config.trusted_proxies =
            parse_trusted_proxies(&self.trusted_proxies).map_err(|message| {
                StartupError::Config {
                    variable: TRUSTED_PROXIES_SETTING,
                    message,
                }
            })?;
        Ok(config)
    }

    /// The database to open: `DATABASE_URL`, else `bifrost.db` in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("bifrost.db").display()),
        }
    }

    /// The public base URL without a trailing slash; validated so that a typo fails at start-up.
    pub fn public_url(&self) -> Result<String, StartupError> {
        let Some(raw) = &self.public_url else {
            return Ok(format!("http://{}", self.listen));
        };
        let parsed = url::Url::parse(raw).map_err(|error| StartupError::Config {
            variable: "BIFROST_PUBLIC_URL",
            message: format!("{raw:?} is not an absolute URL ({error})"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(StartupError::Config {
                variable: "BIFROST_PUBLIC_URL",
                message: format!("{raw:?} must be an http:// or https:// URL with a host"),
            });
        }
        Ok(raw.trim_end_matches('/').to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["bifrost"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("valid arguments").settings
    }

    #[test]
    fn defaults_to_a_sqlite_file_in_the_data_directory() {
        let settings = settings(&["--data-dir", "/var/lib/bifrost"]);
        assert_eq!(
            settings.database_url(),
            "sqlite:///var/lib/bifrost/bifrost.db"
        );
    }

    #[test]
    fn public_url_defaults_to_the_listen_address() {
        let settings = settings(&["--listen", "127.0.0.1:8080"]);
        assert_eq!(
            settings.public_url().expect("valid"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn public_url_loses_its_trailing_slash() {
        let settings = settings(&["--public-url", "https://bifrost.example.com/"]);
        assert_eq!(
            settings.public_url().expect("valid"),
            "https://bifrost.example.com"
        );
    }

    #[test]
    fn a_public_url_that_is_not_http_is_refused_naming_the_variable() {
        let settings = settings(&["--public-url", "ftp://example.com"]);
        let error = settings
            .public_url()
            .expect_err("must be refused")
            .to_string();
        assert!(error.contains("BIFROST_PUBLIC_URL"), "{error}");
    }

    #[test]
    fn a_bad_listen_address_is_refused() {
        assert!(Cli::try_parse_from(["bifrost", "--listen", "nowhere"]).is_err());
    }
}
