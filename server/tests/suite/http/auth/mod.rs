//! First-run setup, sign-in, sign-out and sessions, through the server functions.

mod first_run;
mod sessions;
mod throttling;

use serde_json::Value;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("bifrost_session="))
        .map(str::to_string)
}

async fn error_of(response: reqwest::Response) -> Value {
    assert!(
        !response.status().is_success(),
        "expected an error, got {}",
        response.status()
    );
    response.json().await.expect("error body")
}
