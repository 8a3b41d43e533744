//! What a searchable, paged list shows in place of its table when the page has no rows.

use leptos::prelude::*;

use crate::domain::paging::Paged;

/// The view for a page without rows, `None` when it has some: past the end of the list (a stale
/// page number, or the last row of the last page just went), a link to the first page of `path`;
/// a search that matched nothing, `no_match` of the search; else `nothing_yet`.
pub fn empty_list<T>(
    paged: &Paged<T>,
    path: &str,
    search: &str,
    nothing_yet: impl FnOnce() -> AnyView,
    no_match: impl FnOnce(&str) -> String,
) -> Option<AnyView> {
    if !paged.items.is_empty() {
        return None;
    }
    Some(if paged.total > 0 {
        let path = path.to_string();
        view! {
            <div class="empty-state">
                <p>"This page is past the end of the list."</p>
                <a href=path>"Go to the first page"</a>
            </div>
        }
        .into_any()
    } else if search.trim().is_empty() {
        nothing_yet()
    } else {
        empty_message(no_match(search.trim()))
    })
}

/// An empty list's one sentence.
pub fn empty_message(message: String) -> AnyView {
    view! { <div class="empty-state"><p>{message}</p></div> }.into_any()
}

/// An empty list's bold title and a sentence on what to do.
pub fn empty_note(title: &'static str, text: &'static str) -> AnyView {
    view! {
        <div class="empty-state">
            <p><strong>{title}</strong></p>
            <p>{text}</p>
        </div>
    }
    .into_any()
}
