//! GETs to an integration's own API (Test Connection, the entity source), through the same
//! outbound rules as every provider call, authenticated with a bearer token or a named header.

use reqwest::header::HeaderName;
use secrecy::{ExposeSecret, SecretString};

use super::outbound::OutboundRefused;
use super::provider_client::OAuthClient;
use super::provider_transport::TransportError;

/// Why a request to an integration's own API failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiCallError {
    #[error("{0}")]
    Refused(OutboundRefused),
    #[error("did not answer in time")]
    Timeout,
    #[error("could not be reached")]
    Unreachable,
    #[error("is not a valid URL")]
    BadUrl,
}

/// How a call to an integration's API proves who it is.
#[derive(Clone, Copy)]
pub enum ApiAuth<'a> {
    None,
    Bearer(&'a SecretString),
    Header(&'a HeaderName, &'a SecretString),
}

impl OAuthClient {
    /// A GET to an integration's API.
    pub async fn get(
        &self,
        url: &str,
        auth: ApiAuth<'_>,
    ) -> Result<reqwest::Response, ApiCallError> {
        let url = reqwest::Url::parse(url).map_err(|_| ApiCallError::BadUrl)?;
        self.policy
            .check_literal(&url)
            .map_err(ApiCallError::Refused)?;
        let request = self.http.get(url);
        let request = match auth {
            ApiAuth::None => request,
            ApiAuth::Bearer(token) => request.bearer_auth(token.expose_secret()),
            ApiAuth::Header(name, value) => request.header(name, value.expose_secret()),
        };
        request
            .send()
            .await
            .map_err(|error| match TransportError::of(&error) {
                TransportError::Refused(refused) => ApiCallError::Refused(refused),
                TransportError::Timeout => ApiCallError::Timeout,
                _ => ApiCallError::Unreachable,
            })
    }
}
