//! The OpenAPI document (generated from the handlers' annotations) and a reference page rendered
//! from it. Both are for signed-in administrators and API key holders.

use app::domain::admin::CurrentAdmin;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi};

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use crate::http::oauth_callback::escape_html;
use crate::services::workflow_api::answers::{
    MappedOrganization, MappingPage, OAuthAccess, ResolvedIntegration, ScopeOrganization,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bifrost Integrations workflow API",
        description = "Integrations resolved in an organization's scope: the merged config, the \
                       organization's entity ID and a fresh OAuth access token. Authenticate with \
                       `Authorization: Bearer <API key>` (Settings > API Keys)."
    ),
    paths(super::resolve::resolve_integration, super::resolve::list_mappings),
    components(schemas(
        ResolvedIntegration,
        ScopeOrganization,
        OAuthAccess,
        MappingPage,
        MappedOrganization,
        ErrorBody
    )),
    modifiers(&BearerKey)
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// A signed-in administrator or a valid API key may read the reference.
fn allowed(
    admin: Option<Extension<CurrentAdmin>>,
    caller: Result<Caller, ApiError>,
) -> Result<(), ApiError> {
    match (admin, caller) {
        (Some(_), _) | (None, Ok(_)) => Ok(()),
        (None, Err(error)) => Err(error),
    }
}

/// `GET /api/v1/openapi.json`
pub async fn openapi_json(
    admin: Option<Extension<CurrentAdmin>>,
    caller: Result<Caller, ApiError>,
) -> Result<Json<utoipa::openapi::OpenApi>, ApiError> {
    allowed(admin, caller)?;
    Ok(Json(ApiDoc::openapi()))
}

/// `GET /api/v1/docs`: the reference, as a page.
pub async fn reference_page(
    admin: Option<Extension<CurrentAdmin>>,
    caller: Result<Caller, ApiError>,
) -> Response {
    if let Err(error) = allowed(admin, caller) {
        return error.into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        render(&ApiDoc::openapi()),
    )
        .into_response()
}

fn render(doc: &utoipa::openapi::OpenApi) -> String {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>API reference · Bifrost</title><link rel=\"stylesheet\" href=\"/pkg/bifrost.css\">\
         <link rel=\"icon\" href=\"/favicon.svg\"></head><body><main class=\"page api-reference\">",
    );
    html.push_str(&format!("<h1>{}</h1>", escape_html(&doc.info.title)));
    if let Some(description) = &doc.info.description {
        html.push_str(&format!(
            "<p class=\"lead\">{}</p>",
            escape_html(description)
        ));
    }
    html.push_str(
        "<p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. \
         Keys: <a href=\"/settings/api-keys\">Settings &gt; API Keys</a>.</p>",
    );
    for (path, item) in &doc.paths.paths {
        if let Some(operation) = &item.get {
            html.push_str(&render_operation("GET", path, operation));
        }
    }
    html.push_str("</main></body></html>");
    html
}

fn render_operation(method: &str, path: &str, operation: &Operation) -> String {
    let mut html = format!(
        "<section class=\"card\"><h2><code>{method} {}</code></h2>",
        escape_html(path)
    );
    if let Some(summary) = &operation.summary {
        html.push_str(&format!("<p>{}</p>", escape_html(summary)));
    }
    if let Some(description) = &operation.description {
        html.push_str(&format!(
            "<p class=\"muted\">{}</p>",
            escape_html(description)
        ));
    }
    if let Some(parameters) = &operation.parameters {
        html.push_str("<h3>Parameters</h3><table class=\"data-table\"><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Description</th></tr></thead><tbody>");
        for parameter in parameters {
            let location = match parameter.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(parameter.required, utoipa::openapi::Required::True);
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{location}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&parameter.name),
                if required { "yes" } else { "no" },
                escape_html(parameter.description.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("<h3>Responses</h3><table class=\"data-table\"><thead><tr><th>Status</th><th>Meaning</th></tr></thead><tbody>");
    for (status, response) in &operation.responses.responses {
        let description = match response {
            RefOr::T(response) => response.description.clone(),
            RefOr::Ref(reference) => reference.ref_location.clone(),
        };
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td></tr>",
            escape_html(status),
            escape_html(&description)
        ));
    }
    html.push_str("</tbody></table></section>");
    html
}
