//! Administrative commands run from the shell (`bifrost create-admin …`, `bifrost rotate-key`).
//! They answer on the terminal, so printing is how they speak.
#![expect(clippy::print_stdout, reason = "the command line's own output")]

use std::io::{BufRead, IsTerminal};

use crate::config::Settings;
use crate::crypto::{KeySource, SecretKey};
use crate::error::StartupError;
use crate::services::ServerServices;
use crate::startup::{load_keyring, open_store};
use crate::store::audit::Actor;

/// Adds an administrator. The password never comes from the command line, where other users
/// of the machine could read it: from a prompt (asked twice) or the first line of stdin.
pub async fn create_admin(settings: Settings, email: &str) -> Result<(), StartupError> {
    let (password, confirmation) = read_password()?;
    let (store, services) = open_services(&settings).await?;
    let outcome = services
        .add_admin(&command_line(), email, &password, &confirmation)
        .await;
    store.close().await;
    let admin = outcome.map_err(|error| StartupError::Command(error.to_string()))?;
    println!("Administrator {} created.", admin.email);
    Ok(())
}

fn command_line() -> Actor {
    Actor {
        admin_id: None,
        label: "command line".to_string(),
    }
}

async fn open_services(
    settings: &Settings,
) -> Result<(crate::store::Store, ServerServices), StartupError> {
    let keyring = load_keyring(settings)?;
    let store = open_store(settings).await?;
    let config = settings.services_config()?;
    Ok((store.clone(), ServerServices::new(store, config, keyring)))
}

/// Creates an API key acting for `organization` (by name; the provider organization when
/// `None`) and prints it: the only time it is shown.
pub async fn create_api_key(
    settings: Settings,
    name: &str,
    organization: Option<&str>,
) -> Result<(), StartupError> {
    let (store, services) = open_services(&settings).await?;
    let outcome = async {
        let found = match organization {
            Some(name) => store.find_organization_by_name(name).await?,
            None => store.find_provider_organization().await?,
        };
        let organization = found.ok_or_else(|| {
            StartupError::Command(format!(
                "no organization is named {}",
                organization.unwrap_or("(provider)")
            ))
        })?;
        let draft = app::domain::api_key::ApiKeyDraft {
            name: name.to_string(),
            organization_id: Some(organization.id),
            expires_on: String::new(),
        };
        services
            .create_api_key_as(&command_line(), &draft)
            .await
            .map_err(|error| StartupError::Command(error.to_string()))
    }
    .await;
    store.close().await;
    println!("{}", outcome?.key);
    Ok(())
}

/// Adds demo and load data and says how much and how fast.
pub async fn seed_demo(
    settings: Settings,
    organizations: usize,
    integrations: usize,
    mappings_per_integration: usize,
) -> Result<(), StartupError> {
    let (store, services) = open_services(&settings).await?;
    let outcome = services
        .seed_demo(organizations, integrations, mappings_per_integration)
        .await;
    store.close().await;
    let report = outcome.map_err(|error| StartupError::Command(error.to_string()))?;
    println!(
        "Added {} organizations, {} integrations and {} mappings in {:.1} s.",
        report.organizations,
        report.integrations,
        report.mappings,
        report.millis as f64 / 1000.0
    );
    if let Some((integration, organization_id)) = report.sample {
        // For scripts (scripts/bench): something to resolve, and everything to spread over.
        println!("sample_integration={integration}");
        println!("sample_organization_id={organization_id}");
        println!("integrations={}", report.integration_names.join(","));
        let ids: Vec<String> = report
            .organization_ids
            .iter()
            .map(|id| id.to_string())
            .collect();
        println!("organization_ids={}", ids.join(","));
    }
    Ok(())
}

/// Prints a new random key in the form `BIFROST_SECRET_KEY` takes.
pub fn generate_key() {
    let (_, text) = SecretKey::generate();
    println!("{text}");
}

/// Re-seals every stored secret under a new key. With the key file, the new key is added in
/// front of it first (running servers pick it up); with `BIFROST_SECRET_KEY`, the operator has
/// already put the new key first and the old ones after it.
pub async fn rotate_key(settings: Settings) -> Result<(), StartupError> {
    let (store, services) = open_services(&settings).await?;
    let keyring = services.keyring();
    let outcome = async {
        match keyring.source() {
            KeySource::File(path) => {
                let id = keyring.add_new_file_key()?;
                println!("New key {id} added to {}.", path.display());
            }
            KeySource::Environment if keyring.key_ids().len() < 2 => {
                return Err(StartupError::Command(
                    "BIFROST_SECRET_KEY holds one key. Put a new key first (bifrost generate-key prints one), keep the old key after it separated by a comma, restart the servers with it, then run rotate-key again."
 .into(),
                ));
            }
            KeySource::Environment => {}
        }
        let report = services.reseal_all_secrets(&command_line()).await?;
        println!(
            "{} secret(s) re-sealed with key {}.",
            report.resealed, report.key_id
        );
        if report.unreadable > 0 {
            println!(
                "{} secret(s) could not be decrypted with any configured key and were left as they are (see the log).",
                report.unreadable
            );
        }
        if report.remaining > 0 {
            println!(
                "{} secret(s) changed during the rotation and still use an older key; run rotate-key again.",
                report.remaining
            );
        }
        Ok(())
    }
    .await;
    store.close().await;
    outcome
}

fn read_password() -> Result<(String, String), StartupError> {
    let failed =
        |error: std::io::Error| StartupError::Command(format!("cannot read the password: {error}"));
    if std::io::stdin().is_terminal() {
        let password = rpassword::prompt_password("Password: ").map_err(failed)?;
        let confirmation = rpassword::prompt_password("Repeat the password: ").map_err(failed)?;
        return Ok((password, confirmation));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(failed)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    Ok((password.clone(), password))
}

/// Prints the first-run setup code, or says that setup is done.
pub async fn print_setup_code(settings: Settings) -> Result<(), StartupError> {
    use secrecy::ExposeSecret;
    let (store, services) = open_services(&settings).await?;
    let code = services.first_run_setup_code().await;
    store.close().await;
    match code? {
        Some(code) => println!("{}", code.expose_secret()),
        None => println!("An administrator exists: first-run setup is done."),
    }
    Ok(())
}

/// Turns off an administrator's second factor, audited as the CLI's doing.
pub async fn reset_two_factor(settings: Settings, email: &str) -> Result<(), StartupError> {
    let email = app::domain::admin::EmailAddress::parse("email", email)
        .map_err(|error| StartupError::Command(error.to_string()))?;
    let (store, services) = open_services(&settings).await?;
    let actor = Actor {
        admin_id: None,
        label: "bifrost reset-2fa (command line)".to_string(),
    };
    let reset = services.reset_two_factor(&email.key(), &actor).await;
    store.close().await;
    reset.map_err(|error| StartupError::Command(error.to_string()))?;
    println!(
        "Two-factor sign-in is off for {}; they set it up again after signing in.",
        email.as_str()
    );
    Ok(())
}
