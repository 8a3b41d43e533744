//! Previous/next links for a paged list, keeping the other query parameters.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::params::ParamsMap;

/// The current URL's query with `page` set to `page`.
pub fn href_with_page(path: &str, query: &ParamsMap, page: i64) -> String {
    let mut pairs: Vec<String> = query
        .into_iter()
        .filter(|(key, _)| key.as_ref() != "page")
        .map(|(key, value)| format!("{}={}", urlencode(key), urlencode(value)))
        .collect();
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

fn urlencode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[component]
pub fn Pagination(
    label: String,
    previous: Option<String>,
    next: Option<String>,
    page: i64,
    page_count: i64,
) -> impl IntoView {
    view! {
        <nav class="pagination" aria-label="Pages">
            <span class="muted">{label}</span>
            <span class="pagination-links">
                {previous.map(|href| view! { <A href=href attr:rel="prev">"← Previous"</A> })}
                <span class="muted">{format!("Page {page} of {page_count}")}</span>
                {next.map(|href| view! { <A href=href attr:rel="next">"Next →"</A> })}
            </span>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_search_and_encode_it() {
        let mut query = ParamsMap::new();
        query.insert("q", "a&b c".to_string());
        query.insert("page", "4".to_string());
        assert_eq!(
            href_with_page("/orgs", &query, 5),
            "/orgs?q=a%26b%20c&page=5"
        );
        assert_eq!(href_with_page("/orgs", &ParamsMap::new(), 1), "/orgs");
    }
}
