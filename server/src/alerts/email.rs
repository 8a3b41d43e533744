//! Alerts by e-mail over SMTP (`lettre`). The server's host name is resolved here and checked
//! against the outbound policy, then the connection goes to that address, with TLS verified
//! for the host name typed.

use std::net::SocketAddr;
use std::time::Duration;

use app::domain::notifications::SmtpSecurity;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::destination_rules::SmtpSettings;
use super::formats::{email_parts, AlertPayload};
use crate::services::ServerServices;
use crate::store::alert_destinations::AlertDestinationRow;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl ServerServices {
    pub(super) async fn send_email_alert(
        &self,
        destination: &AlertDestinationRow,
        password: Option<SecretString>,
        payload: &AlertPayload,
    ) -> Result<(), String> {
        let settings: SmtpSettings = serde_json::from_str(&destination.settings)
            .map_err(|_| "the destination's SMTP settings are unreadable".to_string())?;
        let message = message_of(&settings, payload)?;
        let address = self.smtp_address(&settings).await?;
        let transport = transport_to(&settings, address, password)?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| format!("the SMTP server refused the alert: {error}"))
    }

    /// The first address of the SMTP host that the outbound policy allows.
    async fn smtp_address(&self, settings: &SmtpSettings) -> Result<SocketAddr, String> {
        let host = bare_host(settings);
        let addresses = tokio::net::lookup_host((host, settings.port))
            .await
            .map_err(|_| format!("{host} could not be resolved"))?;
        let mut refusal = None;
        for address in addresses {
            match self.oauth.policy().check(host, address.ip()) {
                Ok(()) => return Ok(address),
                Err(refused) => refusal = Some(refused.to_string()),
            }
        }
        Err(refusal.unwrap_or_else(|| format!("{host} has no address")))
    }
}

/// The host without the brackets of an IPv6 address (`[::1]`), for DNS and TLS.
fn bare_host(settings: &SmtpSettings) -> &str {
    settings.host.trim_start_matches('[').trim_end_matches(']')
}

fn message_of(settings: &SmtpSettings, payload: &AlertPayload) -> Result<Message, String> {
    let mailbox = |text: &str| {
        text.parse::<Mailbox>()
            .map_err(|_| format!("{text:?} is not an e-mail address"))
    };
    let (subject, body) = email_parts(payload);
    let mut builder = Message::builder()
        .from(mailbox(&settings.from)?)
        .subject(subject);
    for recipient in &settings.to {
        builder = builder.to(mailbox(recipient)?);
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|error| format!("the message could not be built: {error}"))
}

fn transport_to(
    settings: &SmtpSettings,
    address: SocketAddr,
    password: Option<SecretString>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let host = bare_host(settings);
    let tls = || {
        TlsParameters::new(host.to_string())
            .map_err(|error| format!("TLS could not be set up for {host}: {error}"))
    };
    let tls = match SmtpSecurity::parse(&settings.security) {
        Some(SmtpSecurity::StartTls) => Tls::Required(tls()?),
        Some(SmtpSecurity::Tls) => Tls::Wrapper(tls()?),
        Some(SmtpSecurity::Plain) => Tls::None,
        None => return Err("the destination's SMTP security is unknown".to_string()),
    };
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string())
            .port(address.port())
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
    if let (false, Some(password)) = (settings.username.is_empty(), password) {
        builder = builder.credentials(Credentials::new(
            settings.username.clone(),
            password.expose_secret().to_string(),
        ));
    }
    Ok(builder.build())
}
