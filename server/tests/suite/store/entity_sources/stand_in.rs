//! A stand-in for an external system's company list: 250 companies, served 100 at a time with
//! each paging kind, behind a bearer token or an `X-Api-Key` header; plus answers that fail,
//! echo the credential, or send the next page elsewhere.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub const COMPANIES: usize = 250;
pub const PAGE_SIZE: usize = 100;
pub const API_KEY: &str = "k-stand-in-canary";

pub struct EntityApi {
    pub base_url: String,
    requests: Arc<AtomicUsize>,
}

impl EntityApi {
    pub async fn start() -> EntityApi {
        let requests = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/companies", get(by_page_parameter))
            .route("/odata", get(by_next_link))
            .route("/linked", get(by_link_header))
            .route("/echo-failure", get(echo_failure))
            .route("/elsewhere", get(elsewhere))
            .route("/huge", get(huge))
            .with_state(requests.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the entity API");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        EntityApi {
            base_url: format!("http://{address}"),
            requests,
        }
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// The company at `index`: its id a number, its name under `profile`.
fn company(index: usize) -> Value {
    json!({"id": 1000 + index, "profile": {"name": format!("Company {index:03} Ltd")}})
}

fn companies(skip: usize) -> Vec<Value> {
    (skip..COMPANIES.min(skip + PAGE_SIZE))
        .map(company)
        .collect()
}

/// Counts the request and checks its credential: a bearer token or the API key.
fn admitted(requests: &AtomicUsize, headers: &HeaderMap) -> bool {
    requests.fetch_add(1, Ordering::SeqCst);
    let bearer = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("Bearer ") && value.len() > 7);
    let key = headers
        .get("x-api-key")
        .is_some_and(|value| value.as_bytes() == API_KEY.as_bytes());
    bearer || key
}

/// The query's number at `key` (0 when absent) for an admitted request; `None` when refused.
fn admitted_number(
    requests: &AtomicUsize,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    key: &str,
) -> Option<usize> {
    admitted(requests, headers).then(|| {
        query
            .get(key)
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    })
}

async fn by_page_parameter(
    State(requests): State<Arc<AtomicUsize>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(page) = admitted_number(&requests, &headers, &query, "page") else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let page = page.max(1);
    Json(json!({"data": companies((page - 1) * PAGE_SIZE)})).into_response()
}

async fn by_next_link(
    State(requests): State<Arc<AtomicUsize>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(skip) = admitted_number(&requests, &headers, &query, "skip") else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let next = (skip + PAGE_SIZE < COMPANIES).then(|| format!("/odata?skip={}", skip + PAGE_SIZE));
    Json(json!({"value": companies(skip), "@odata.nextLink": next})).into_response()
}

async fn by_link_header(
    State(requests): State<Arc<AtomicUsize>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(skip) = admitted_number(&requests, &headers, &query, "skip") else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut response = Json(Value::Array(companies(skip))).into_response();
    if skip + PAGE_SIZE < COMPANIES {
        let link = format!("</linked?skip={}>; rel=\"next\"", skip + PAGE_SIZE);
        if let Ok(value) = link.parse() {
            response.headers_mut().insert("link", value);
        }
    }
    response
}

/// A failure whose body repeats the credential it was sent, as careless APIs do.
async fn echo_failure(headers: HeaderMap) -> Response {
    let sent = headers
        .get("x-api-key")
        .or_else(|| headers.get("authorization"))
        .and_then(|value| value.to_str().ok())
        .unwrap_or("nothing")
        .to_string();
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("{{\"error\":\"backend down\",\"you_sent\":\"{sent}\"}}"),
    )
        .into_response()
}

/// A first page whose next link points at another host.
async fn elsewhere(State(requests): State<Arc<AtomicUsize>>, headers: HeaderMap) -> Response {
    admitted(&requests, &headers);
    Json(json!({"value": companies(0), "next": "http://attacker.invalid/steal"})).into_response()
}

/// Pages of 60,000 entities each, without end: more than any list may hold.
async fn huge() -> Json<Value> {
    let data: Vec<Value> = (0..60_000).map(|i| json!({"id": i, "name": "x"})).collect();
    Json(json!({ "data": data }))
}
