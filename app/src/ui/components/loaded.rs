//! Parts of a server-rendered page that wait for their data. Pages render on the server, so a
//! list, or the values an island starts from, is loaded there and reaches the browser as HTML
//! (or as the island's props) instead of as code that fetches it.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

/// Renders `body` with what `load` answers, or the error; "Loading…" until it has answered.
pub fn when_loaded<T, V>(
    load: impl Future<Output = Result<T, AppError>> + Send + 'static,
    body: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    let content = Suspend::new(async move {
        match load.await {
            Ok(data) => body(data).into_any(),
            Err(error) => {
                view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
            }
        }
    });
    view! { <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{content}</Suspense> }
}
