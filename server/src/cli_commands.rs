//! Administrative commands run from the shell (`bifrost create-admin …`).

use std::io::{BufRead, IsTerminal};

use crate::config::Settings;
use crate::error::StartupError;
use crate::services::{ServerServices, ServicesConfig};
use crate::startup::open_store;
use crate::store::audit::Actor;

/// Adds an administrator. The password never comes from the command line, where other users
/// of the machine could read it: from a prompt (asked twice) or the first line of stdin.
pub async fn create_admin(settings: Settings, email: &str) -> Result<(), StartupError> {
    let (password, confirmation) = read_password()?;
    let store = open_store(&settings).await?;
    let services = ServerServices::new(
        store.clone(),
        ServicesConfig {
            secure_cookies: false,
        },
    );
    let actor = Actor {
        admin_id: None,
        label: "command line".to_string(),
    };
    let outcome = services
        .add_admin(&actor, email, &password, &confirmation)
        .await;
    store.close().await;
    let admin = outcome.map_err(|error| StartupError::Command(error.to_string()))?;
    println!("Administrator {} created.", admin.email);
    Ok(())
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
