//! What a page's island needs that the browser cannot ask the router for, and the signal that
//! every island on the page is live.
//!
//! Pages render on the server; only their interactive part, one island per page, ships WASM and
//! hydrates. The router runs on the server alone, so the server hands each island the address's
//! query (and the integration's name) as props.
//!
//! Forms are built one of two ways:
//! - `<ActionForm>` with `FormField` and `FormError` (`components::form`), for flat inputs sent
//!   as they are: sign-in, setup, two-factor, organizations, administrators. They post as plain
//!   HTML forms, so they work before the island is live: a failed post comes back with the error
//!   in the address (`__err`, `__path`), which `start_page_island` hands to the island.
//! - Controls bound to signals (`BoundField`, `CheckboxField`, `NonFieldError` and
//!   `field_message`) and an `on:submit` that dispatches one structured value (nested lists, a
//!   secret to keep, set or clear): the dialogs rendered in the browser only, whose code loads when
//!   they first open (`on_demand`): the OAuth connection, API key and mapping forms. (The
//!   integration and defaults forms are the server's plain controls, read and answered by their
//!   islands with DOM calls and `show_field_message`.)
//!
//! Leptos internals this module relies on, as of leptos 0.8.23 (leptos_server 0.8.8,
//! leptos_router 0.8.17, reactive_graph 0.2.16, hydration_context 0.3.2 in Cargo.lock); check
//! them again on an upgrade:
//! - A `ServerActionError` in context seeds `ServerAction::new`'s value when its path is the
//!   server function's; on the server `<Routes>` provides it from the address, in the browser
//!   `start_page_island` does.
//! - `Owner::with_hydration` (`sent_with_page`): only resources made under it while an island's
//!   body runs are numbered for, and sent with, the page.
//! - `Owner::current_shared_context()` and `SharedContext::hydration_complete()`: in islands
//!   mode Leptos leaves ending hydration to the app.
//! - Islands render as `<leptos-island>` elements, which `expect_islands` counts.
//! - `#[lazy]` functions become WASM files of their own with `cargo leptos build --split`;
//!   `show_when_loaded` awaits one with a `Suspend` outside any `Suspense`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The query of the address a page was rendered for, in order, repeated keys kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery(Vec<(String, String)>);

impl PageQuery {
    /// The query of the address being rendered; called on the server, where the router runs.
    pub fn current() -> Self {
        let query = leptos_router::hooks::use_query_map().get_untracked();
        Self::from_pairs(
            query
                .into_iter()
                .map(|(key, value)| (key.into_owned(), value)),
        )
    }

    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.clone())
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(name, _)| name == key)
    }

    /// The list search (`q`), empty when absent.
    pub fn search(&self) -> String {
        self.get("q").unwrap_or_default()
    }

    /// The list page (`page`, from 1); 1 when absent or not a number.
    pub fn page(&self) -> i64 {
        self.get("page")
            .and_then(|page| page.parse().ok())
            .unwrap_or(1)
    }

    /// `path` with this query, `page` set to `page` (left out for the first page).
    pub fn href_with_page(&self, path: &str, page: i64) -> String {
        let mut pairs: Vec<String> = self
            .0
            .iter()
            .filter(|(key, _)| key != "page")
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

    /// `path` with this query and `key` set to `value`, on the first page.
    pub fn href_with(&self, path: &str, key: &str, value: &str) -> String {
        let mut pairs: Vec<String> = self
            .0
            .iter()
            .filter(|(name, _)| name != "page" && name != key)
            .map(|(name, text)| format!("{}={}", urlencode(name), urlencode(text)))
            .collect();
        pairs.push(format!("{}={}", urlencode(key), urlencode(value)));
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

/// Starts a page island: makes the query its components read available to them and counts the
/// island as live once it has hydrated.
pub fn start_page_island(query: PageQuery) {
    // A form posted before its island was live comes back with the server function's error in
    // the address (`__err`, for the function at `__path`). On the server the router hands it to
    // the island's actions; in the browser, where there is no router, it comes from here, so
    // both render the error and hydration matches.
    if let (Some(err), Some(path)) = (query.get("__err"), query.get("__path")) {
        provide_context(ServerActionError::new(&path, &err));
    }
    provide_context(query);
    island_ready();
}

/// The query handed to the page's island (empty outside one).
pub fn use_page_query() -> PageQuery {
    use_context::<PageQuery>().unwrap_or_default()
}

/// Creates an island's resource, or a view made after the island's body has run, so that what
/// it loads is sent with the page.
///
/// Leptos numbers resources and transitions, and sends a resource's data to the browser, only
/// for those made while the server runs an island's body. Those made later, in a `Transition`
/// that waited for other data, would be numbered apart on the server but in sequence in the
/// browser: their data would load again, and the page would not match what the server rendered.
/// So every resource in an island, and every view a `Transition` renders once its data is in
/// that makes resources or transitions of its own, is made through this.
///
/// Only the server needs this: the browser numbers everything in sequence and reads the sent data
/// by number. There, marking a view made after hydration as hydrating would make it look for
/// server-rendered HTML that is not there.
pub fn sent_with_page<R: 'static>(create: impl FnOnce() -> R + 'static) -> R {
    #[cfg(feature = "ssr")]
    return Owner::with_hydration(create);
    #[cfg(not(feature = "ssr"))]
    create()
}

/// Shows the view that `load` makes, a call of a `#[lazy]` function, once its code has arrived.
///
/// For the dialogs and panels that open on a click: with `cargo leptos build --split` a lazy
/// function's code is a WASM file of its own, fetched the first time the function is called, so
/// the page's first load does not carry it. The server never opens one of these, so it renders
/// nothing for them.
pub fn on_demand(load: impl std::future::Future<Output = AnyView> + 'static) -> AnyView {
    show_when_loaded(Box::pin(load))
}

// Not generic, so that every dialog shares one copy of this code.
fn show_when_loaded(
    load: std::pin::Pin<Box<dyn std::future::Future<Output = AnyView>>>,
) -> AnyView {
    // A `Suspend` on its own, without a `Suspense` (much more code), with a note until it is in.
    let loaded = RwSignal::new(false);
    // The browser runs on one thread; the future only has to look `Send` to `Suspend`.
    #[cfg(feature = "hydrate")]
    let content = Suspend::new(send_wrapper::SendWrapper::new(async move {
        let view = load.await;
        loaded.set(true);
        view
    }));
    #[cfg(not(feature = "hydrate"))]
    let content = {
        drop(load);
        None::<()>
    };
    view! {
        {move || (!loaded.get()).then(|| view! { <p class="muted">"Loading…"</p> })}
        {content}
    }
    .into_any()
}

/// The button matching `selector` that a click in a server-rendered list landed on, if any: the
/// list's buttons are plain HTML, and one listener on the list does what their data attributes say.
pub fn clicked_button(event: &leptos::ev::MouseEvent, selector: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|target| target.closest(selector).ok().flatten())
}

/// A click on a button of a server-rendered list that names what it does in its action attribute
/// (`data-…-action`), and what it does it to in its other data attributes.
pub struct ListButton {
    pub element: web_sys::Element,
    /// The action attribute's value.
    pub action: String,
}

impl ListButton {
    /// The button with `action_attribute` that the click landed on, if any.
    pub fn clicked(event: &leptos::ev::MouseEvent, action_attribute: &str) -> Option<Self> {
        let element = clicked_button(event, &format!("button[{action_attribute}]"))?;
        let action = element.get_attribute(action_attribute).unwrap_or_default();
        Some(Self { element, action })
    }

    /// The data attribute `name`, empty when there is none.
    pub fn data(&self, name: &str) -> String {
        self.element.get_attribute(name).unwrap_or_default()
    }

    /// `data-id` as the id type the caller names, the default (0) when there is none.
    pub fn id<Id: std::str::FromStr + Default>(&self) -> Id {
        self.data("data-id").parse().unwrap_or_default()
    }
}

/// Goes to `href` with a full page load: pages are rendered by the server.
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    if let Err(error) = window().location().set_href(href) {
        leptos::logging::error!("cannot open {href}: {error:?}");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// Loads the page again, for a change to what the server rendered (a list, say) to show.
pub fn reload_page() {
    #[cfg(feature = "hydrate")]
    if let Err(error) = window().location().reload() {
        leptos::logging::error!("cannot reload the page: {error:?}");
    }
}

#[cfg(feature = "hydrate")]
mod live {
    use std::cell::Cell;

    use leptos::prelude::document;

    thread_local! {
        static ISLANDS_TO_HYDRATE: Cell<u32> = const { Cell::new(0) };
    }

    /// Once every island has hydrated, resources made from then on load their data: without
    /// this (Leptos leaves it to the app in islands mode), one made after a change would take
    /// the page's data of the same number, which is stale by then.
    fn end_hydration() {
        if let Some(shared) = leptos::prelude::Owner::current_shared_context() {
            shared.hydration_complete();
        }
        mark_live();
    }

    /// Called once before the islands hydrate: counts them, and marks a page without any live.
    pub fn expect_islands() {
        let count = document()
            .query_selector_all("leptos-island")
            .map(|islands| islands.length())
            .unwrap_or(0);
        ISLANDS_TO_HYDRATE.with(|left| left.set(count));
        if count == 0 {
            end_hydration();
        }
    }

    pub fn one_island_hydrated() {
        let left = ISLANDS_TO_HYDRATE.with(|left| {
            let now = left.get().saturating_sub(1);
            left.set(now);
            now
        });
        if left == 0 {
            end_hydration();
        }
    }

    // Lets end-to-end tests wait for a live page instead of guessing with timeouts.
    fn mark_live() {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }
}

#[cfg(feature = "hydrate")]
pub use live::expect_islands;

/// Counts this island as live once it has hydrated (effects run after hydration).
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| live::one_island_hydrated());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> PageQuery {
        PageQuery::from_pairs(
            pairs
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string())),
        )
    }

    #[test]
    fn page_links_keep_the_search_and_encode_it() {
        let current = query(&[("q", "a&b c"), ("page", "4")]);
        assert_eq!(
            current.href_with_page("/orgs", 5),
            "/orgs?q=a%26b%20c&page=5"
        );
        assert_eq!(PageQuery::default().href_with_page("/orgs", 1), "/orgs");
    }

    #[test]
    fn search_and_page_default_when_absent_or_malformed() {
        assert_eq!(PageQuery::default().search(), "");
        assert_eq!(PageQuery::default().page(), 1);
        let current = query(&[("q", "contoso"), ("page", "x")]);
        assert_eq!(current.search(), "contoso");
        assert_eq!(current.page(), 1);
        assert_eq!(query(&[("page", "3")]).page(), 3);
        assert!(query(&[("created", "")]).has("created"));
    }
}
