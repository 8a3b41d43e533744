//! The HTTP exchange under every provider call, as the `oauth2` crate's hook: the outbound
//! policy applied to the URL, no redirects followed, a 5xx kept apart as worth retrying, and
//! answers read up to a cap.

use oauth2::{HttpRequest, HttpResponse};

use super::outbound::{refusal_of, OutboundPolicy, OutboundRefused};
use super::provider::ProviderError;
use super::provider_client::settings_error;

/// The most of a provider's answer that is read; a token response is a few kilobytes.
pub const MAX_PROVIDER_ANSWER_BYTES: usize = 1024 * 1024;

/// Why an HTTP exchange with the provider failed before an OAuth answer could be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum TransportError {
    #[error("no answer in time")]
    Timeout,
    #[error("cannot reach the provider")]
    Unreachable,
    #[error("the provider answered HTTP {0}")]
    ServerError(u16),
    #[error("the provider redirected instead of answering")]
    Redirected,
    #[error("the request could not be built")]
    Request,
    #[error("{0}")]
    Refused(OutboundRefused),
    #[error("the provider's answer is larger than {} KB", MAX_PROVIDER_ANSWER_BYTES / 1024)]
    TooLarge,
}

impl TransportError {
    pub(super) fn of(error: &reqwest::Error) -> TransportError {
        if let Some(refused) = refusal_of(error) {
            TransportError::Refused(refused)
        } else if error.is_timeout() {
            TransportError::Timeout
        } else {
            TransportError::Unreachable
        }
    }

    /// What a caller of the provider sees: a refused address or an oversized answer are the
    /// connection's settings, not a passing failure worth retrying.
    pub(super) fn into_provider_error(self) -> ProviderError {
        match self {
            TransportError::Request => settings_error("token URL"),
            TransportError::Refused(refused) => ProviderError::Settings(refused.to_string()),
            TransportError::TooLarge => ProviderError::Refused {
                code: "answer too large".to_string(),
                description: TransportError::TooLarge.to_string(),
            },
            other => ProviderError::Unavailable(other.to_string()),
        }
    }
}

pub(super) async fn send(
    http: &reqwest::Client,
    policy: &OutboundPolicy,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let (parts, body) = request.into_parts();
    let url = reqwest::Url::parse(&parts.uri.to_string()).map_err(|_| TransportError::Request)?;
    policy
        .check_literal(&url)
        .map_err(TransportError::Refused)?;
    let response = http
        .request(parts.method, url)
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|error| TransportError::of(&error))?;
    let status = response.status();
    if status.is_server_error() {
        return Err(TransportError::ServerError(status.as_u16()));
    }
    if status.is_redirection() {
        return Err(TransportError::Redirected);
    }
    let headers = response.headers().clone();
    let bytes = read_at_most(response, MAX_PROVIDER_ANSWER_BYTES).await?;
    let mut answer = http::Response::builder().status(status);
    if let Some(map) = answer.headers_mut() {
        *map = headers;
    }
    answer.body(bytes).map_err(|_| TransportError::Request)
}

/// The body, or `TooLarge` as soon as it passes `cap` bytes (whatever Content-Length said).
async fn read_at_most(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, TransportError> {
    if response
        .content_length()
        .is_some_and(|length| length > cap as u64)
    {
        return Err(TransportError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| TransportError::of(&error))?
    {
        if body.len() + chunk.len() > cap {
            return Err(TransportError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
