//! Previous/next links for a paged list, keeping the other query parameters.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
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

/// The list query of the current address: the search text (`q`) and the page (`page`, from 1).
pub fn use_list_query() -> (Memo<String>, Memo<i64>) {
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    });
    (search, page)
}

/// "1–25 of 300" with links to the previous and next pages of `path`, keeping the query.
#[component]
pub fn Pagination(
    #[prop(into)] path: String,
    label: String,
    page: i64,
    page_count: i64,
) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let previous = (page > 1).then(|| href_with_page(&path, &query, page - 1));
    let next = (page < page_count).then(|| href_with_page(&path, &query, page + 1));
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
