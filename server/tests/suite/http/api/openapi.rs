//! The OpenAPI document describes the routes.

use super::world::*;
use crate::helpers::TestDb;
use crate::http::test_app::TestApp;

async fn the_openapi_document_describes_the_routes(db: TestDb) {
    let w = world(db).await;
    // Without a session (a fresh client) or a key: refused.
    let anonymous = TestApp::client_for(&w.app);
    for path in ["/api/v1/openapi.json", "/api/v1/docs"] {
        assert_eq!(anonymous.get(path).await.status(), 401, "{path}");
    }
    let (status, doc) = w.call(Some(&w.provider_key), "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        doc["paths"]["/api/v1/integrations/{name}"]["get"].is_object(),
        "{doc}"
    );
    assert!(doc["paths"]["/api/v1/integrations/{name}/mappings"]["get"].is_object());
    assert!(doc["components"]["schemas"]["ResolvedIntegration"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    // The signed-in administrator reads the reference page.
    let page = w.app.get("/api/v1/docs").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("GET /api/v1/integrations/{name}"), "{html}");
    assert!(html.contains("<code>409</code>") && html.contains("needs reconnecting"));
    w.app.finish().await;
}

crate::both_backends!(
    db: the_openapi_document_describes_the_routes,
);
