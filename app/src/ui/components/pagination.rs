//! Previous/next links for a paged list, keeping the other query parameters.

use leptos::prelude::*;

use crate::domain::paging::Paged;
use crate::ui::islands::use_page_query;

/// "1–25 of 300" with links to the previous and next pages of `path`, keeping the query.
#[component]
pub fn Pagination(
    #[prop(into)] path: String,
    label: String,
    page: i64,
    page_count: i64,
) -> impl IntoView {
    let query = use_page_query();
    let previous = (page > 1).then(|| query.href_with_page(&path, page - 1));
    let next = (page < page_count).then(|| query.href_with_page(&path, page + 1));
    view! {
        <nav class="pagination" aria-label="Pages">
            <span class="muted">{label}</span>
            <span class="pagination-links">
                {previous.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
                <span class="muted">{format!("Page {page} of {page_count}")}</span>
                {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
            </span>
        </nav>
    }
}

/// The [`Pagination`] of `paged`, a page of the list at `path`.
pub fn pagination_of<T>(path: impl Into<String>, paged: &Paged<T>) -> impl IntoView {
    view! {
        <Pagination path=path.into() label=paged.range_label() page=paged.page page_count=paged.page_count() />
    }
}
