//! Security headers on every kind of response: app pages carry a Content-Security-Policy with
//! the nonce of their inline scripts (new on every response); everything else a policy allowing
//! only this origin's files; all of them nosniff, no framing and a same-origin referrer policy.

use super::test_app::TestApp;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("{} has no {name} header", response.url()))
}

fn assert_common_headers(response: &reqwest::Response) {
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "x-frame-options"), "DENY");
    assert_eq!(header(response, "referrer-policy"), "same-origin");
    let policy = header(response, "content-security-policy");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("object-src 'none'"), "{policy}");
    assert!(policy.contains("form-action 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    // Plain HTTP here: no HSTS, which would lock browsers out of a server without TLS.
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());
}

/// The nonce in a page's policy, which must also be on each of its inline scripts.
async fn page_nonce(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_common_headers(&response);
    let policy = header(&response, "content-security-policy").to_string();
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {policy}"))
        .to_string();
    let html = response.text().await.expect("html");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "{path} has no script");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script of {path} carries the nonce: {html}"
    );
    nonce
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn_signed_in().await;
    let first = page_nonce(&app, "/settings/integrations").await;
    let second = page_nonce(&app, "/settings/integrations").await;
    assert_ne!(first, second, "a nonce is used once");
    page_nonce(&app, "/no/such/page").await;
    let anonymous = TestApp::client_for(&app);
    page_nonce(&anonymous, "/login").await;

    for path in [
        "/healthz",
        "/readyz",
        "/api/v1/integrations/HaloPSA",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/settings/integrations/Nothing/mappings.csv",
    ] {
        let response = app.get(path).await;
        assert_common_headers(&response);
        if path.starts_with("/api/") {
            assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        }
        assert_eq!(
            header(&response, "content-security-policy"),
            bifrost::http::security_headers::FALLBACK_POLICY,
            "{path}"
        );
    }
    // A missing static file (answered with the app's 404 page), a server function's answer,
    // and a redirect of the guard.
    assert_common_headers(&app.get("/pkg/nothing.wasm").await);
    assert_common_headers(&app.call_server_fn("/api/auth/logout", &[]).await);
    assert_common_headers(&anonymous.get("/settings/api-keys").await);
}
