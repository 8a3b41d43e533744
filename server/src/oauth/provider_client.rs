//! Calls to a provider: the authorization URL, code exchange, refresh, client credentials and
//! revocation. HTTP goes through one `reqwest` client with a timeout and no redirects (a token
//! endpoint that redirects is refused rather than followed with the client secret), whose
//! resolver applies the outbound policy, and whose answers are read up to a cap
//! (`provider_transport`).

use std::sync::Arc;
use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, ExtraTokenFields,
    HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::outbound::{GuardedResolver, OutboundPolicy};
use super::provider::{ProviderError, ProviderSettings, TokenGrant};
use super::provider_transport::{send, TransportError};

/// How long one call to a provider may take by default, connection included.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Token response fields beyond the standard ones (an OpenID Connect ID token, a tenant ID…),
/// where a connection may read an organization's entity ID.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct ProviderExtraFields {
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for ProviderExtraFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.fields.keys()).finish()
    }
}

impl ExtraTokenFields for ProviderExtraFields {}

type ProviderTokenResponse = StandardTokenResponse<ProviderExtraFields, BasicTokenType>;
type ProviderClient = oauth2::Client<
    BasicErrorResponse,
    ProviderTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;
/// A client with only the token endpoint set.
type TokenClient = oauth2::Client<
    BasicErrorResponse,
    ProviderTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;
type TokenError = RequestTokenError<TransportError, BasicErrorResponse>;

/// The HTTP client shared by every provider call.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub(super) http: reqwest::Client,
    pub(super) policy: Arc<OutboundPolicy>,
}

/// An authorization URL with the PKCE verifier that must accompany its code.
pub struct Authorization {
    pub url: String,
    pub pkce_verifier: Option<SecretString>,
}

impl OAuthClient {
    /// The guarded HTTP client, for other calls the server makes outward (alert webhooks).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Which internal addresses outward calls may reach.
    pub(crate) fn policy(&self) -> &OutboundPolicy {
        &self.policy
    }

    pub fn new(timeout: Duration, policy: OutboundPolicy) -> Result<OAuthClient, reqwest::Error> {
        let policy = Arc::new(policy);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
            }))
            .user_agent(concat!("Bifrost-Integrations/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OAuthClient { http, policy })
    }

    /// Refuses an authorization URL whose host is an internal address. The browser, not the
    /// server, follows it; the check keeps one rule for every URL an admin types.
    pub async fn check_authorization_url(
        &self,
        settings: &ProviderSettings,
    ) -> Result<(), ProviderError> {
        let url = reqwest::Url::parse(&settings.authorization_url)
            .map_err(|_| settings_error("authorization URL"))?;
        self.policy
            .check_resolved(&url)
            .await
            .map_err(|refused| ProviderError::Settings(refused.to_string()))
    }

    /// Where to send the admin's browser: the scopes, the extra parameters (merged into any query
    /// the URL already has), the audience, `state`, and with `pkce` an S256 challenge.
    pub fn authorization(
        &self,
        settings: &ProviderSettings,
        state: &str,
        pkce: bool,
    ) -> Result<Authorization, ProviderError> {
        let auth_url = AuthUrl::new(settings.authorization_url.clone())
            .map_err(|_| settings_error("authorization URL"))?;
        let redirect = RedirectUrl::new(settings.redirect_uri.clone())
            .map_err(|_| settings_error("redirect URI"))?;
        let client = ProviderClient::new(ClientId::new(settings.client_id.clone()))
            .set_auth_uri(auth_url)
            .set_redirect_uri(redirect);
        let state = state.to_string();
        let mut request = client
            .authorize_url(move || CsrfToken::new(state))
            .add_scopes(settings.scopes.iter().cloned().map(Scope::new));
        for (key, value) in &settings.extra_parameters {
            request = request.add_extra_param(key.clone(), value.clone());
        }
        if !settings.audience.is_empty() {
            request = request.add_extra_param("audience", settings.audience.clone());
        }
        let mut pkce_verifier = None;
        if pkce {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            request = request.set_pkce_challenge(challenge);
            pkce_verifier = Some(SecretString::from(verifier.secret().clone()));
        }
        let (url, _) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            pkce_verifier,
        })
    }

    /// Exchanges an authorization code (with its PKCE verifier) for tokens. The scopes are sent
    /// too: some providers (Azure) refuse a token request without them.
    pub async fn exchange_code(
        &self,
        settings: &ProviderSettings,
        code: &str,
        pkce_verifier: Option<&SecretString>,
    ) -> Result<TokenGrant, ProviderError> {
        let client = token_client(settings)?.set_redirect_uri(
            RedirectUrl::new(settings.redirect_uri.clone())
                .map_err(|_| settings_error("redirect URI"))?,
        );
        let mut request = client.exchange_code(AuthorizationCode::new(code.to_string()));
        if let Some(verifier) = pkce_verifier {
            request = request
                .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose_secret().to_string()));
        }
        if !settings.scopes.is_empty() {
            request = request.add_extra_param("scope", settings.scopes.join(" "));
        }
        if !settings.audience.is_empty() {
            request = request.add_extra_param("audience", settings.audience.clone());
        }
        let http = self.http_fn();
        grant_of(request.request_async(&http).await)
    }

    /// Trades a refresh token for fresh tokens, sending the scopes again.
    pub async fn refresh(
        &self,
        settings: &ProviderSettings,
        refresh_token: &SecretString,
    ) -> Result<TokenGrant, ProviderError> {
        let client = token_client(settings)?;
        let refresh_token = RefreshToken::new(refresh_token.expose_secret().to_string());
        let mut request = client
            .exchange_refresh_token(&refresh_token)
            .add_scopes(settings.scopes.iter().cloned().map(Scope::new));
        if !settings.audience.is_empty() {
            request = request.add_extra_param("audience", settings.audience.clone());
        }
        let http = self.http_fn();
        grant_of(request.request_async(&http).await)
    }

    /// A token for the client itself (client credentials grant).
    pub async fn client_credentials(
        &self,
        settings: &ProviderSettings,
    ) -> Result<TokenGrant, ProviderError> {
        let client = token_client(settings)?;
        let mut request = client
            .exchange_client_credentials()
            .add_scopes(settings.scopes.iter().cloned().map(Scope::new));
        if !settings.audience.is_empty() {
            request = request.add_extra_param("audience", settings.audience.clone());
        }
        let http = self.http_fn();
        grant_of(request.request_async(&http).await)
    }

    /// Asks the provider to revoke a token (RFC 7009). Does nothing without a revocation URL.
    /// A plain form POST: the `oauth2` crate refuses revocation URLs that are not https, and
    /// loopback providers (and operators who allow plain http) are legitimate here.
    pub async fn revoke(
        &self,
        settings: &ProviderSettings,
        token: RevocableToken<'_>,
    ) -> Result<(), ProviderError> {
        if settings.revocation_url.is_empty() {
            return Ok(());
        }
        let url = reqwest::Url::parse(&settings.revocation_url)
            .map_err(|_| settings_error("revocation URL"))?;
        let (secret, hint) = match token {
            RevocableToken::Refresh(secret) => (secret, "refresh_token"),
            RevocableToken::Access(secret) => (secret, "access_token"),
        };
        let mut form = vec![
            ("token", secret.expose_secret().to_string()),
            ("token_type_hint", hint.to_string()),
            ("client_id", settings.client_id.clone()),
        ];
        if let Some(client_secret) = &settings.client_secret {
            form.push(("client_secret", client_secret.expose_secret().to_string()));
        }
        self.policy
            .check_literal(&url)
            .map_err(|refused| TransportError::Refused(refused).into_provider_error())?;
        let response = self
            .http
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|error| TransportError::of(&error).into_provider_error())?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_server_error() {
            Err(ProviderError::Unavailable(
                TransportError::ServerError(status.as_u16()).to_string(),
            ))
        } else {
            Err(ProviderError::Refused {
                code: format!("HTTP {}", status.as_u16()),
                description: String::new(),
            })
        }
    }

    /// The `oauth2` crate's HTTP hook: a 5xx answer is a transport failure (worth retrying),
    /// anything else goes to the crate to read as an OAuth answer.
    fn http_fn(
        &self,
    ) -> impl Fn(
        HttpRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<HttpResponse, TransportError>> + Send>,
    > + '_ {
        move |request: HttpRequest| {
            let http = self.http.clone();
            let policy = self.policy.clone();
            Box::pin(async move { send(&http, &policy, request).await })
        }
    }
}

/// Which token to revoke.
pub enum RevocableToken<'a> {
    Refresh(&'a SecretString),
    Access(&'a SecretString),
}

fn token_client(settings: &ProviderSettings) -> Result<TokenClient, ProviderError> {
    let token_url =
        TokenUrl::new(settings.token_url.clone()).map_err(|_| settings_error("token URL"))?;
    // Client credentials in the request body: what Azure, Google and most PSA vendors accept.
    let mut client = ProviderClient::new(ClientId::new(settings.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token_url);
    if let Some(secret) = &settings.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_string()));
    }
    Ok(client)
}

pub(super) fn settings_error(what: &str) -> ProviderError {
    ProviderError::Settings(format!("the {what} is not a valid URL"))
}

/// At most 300 characters of a provider's description, on one line.
fn short(description: Option<&String>) -> String {
    description
        .map(|text| {
            text.chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect::<String>()
        })
        .unwrap_or_default()
}

fn grant_of(
    result: Result<ProviderTokenResponse, TokenError>,
) -> Result<TokenGrant, ProviderError> {
    match result {
        Ok(answer) => {
            if answer.access_token().secret().is_empty() {
                return Err(ProviderError::Garbage);
            }
            Ok(TokenGrant {
                access_token: SecretString::from(answer.access_token().secret().clone()),
                refresh_token: answer
                    .refresh_token()
                    .map(|token| SecretString::from(token.secret().clone())),
                token_type: match answer.token_type() {
                    BasicTokenType::Bearer => "Bearer".to_string(),
                    BasicTokenType::Mac => "MAC".to_string(),
                    BasicTokenType::Extension(other) => other.clone(),
                },
                expires_in: answer
                    .expires_in()
                    .map(|lifetime| i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX)),
                scopes: answer
                    .scopes()
                    .map(|scopes| scopes.iter().map(|scope| scope.to_string()).collect()),
                extra: answer.extra_fields().fields.clone(),
            })
        }
        Err(RequestTokenError::ServerResponse(answer)) => {
            let description = short(answer.error_description());
            Err(match answer.error() {
                BasicErrorResponseType::InvalidGrant => ProviderError::InvalidGrant(description),
                other => ProviderError::Refused {
                    code: other.to_string(),
                    description,
                },
            })
        }
        Err(RequestTokenError::Request(transport)) => Err(transport.into_provider_error()),
        Err(RequestTokenError::Parse(..)) | Err(RequestTokenError::Other(_)) => {
            Err(ProviderError::Garbage)
        }
    }
}
