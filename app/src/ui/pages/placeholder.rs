//! Settings pages whose features have not landed yet: each says what will live there.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn Placeholder(title: &'static str, purpose: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <h1>{title}</h1>
        <div class="empty-state">
            <p>{purpose}</p>
            <p class="muted">"This page is not available yet."</p>
        </div>
    }
}

#[component]
pub fn ApiKeysPlaceholder() -> impl IntoView {
    view! { <Placeholder title="API Keys" purpose="API keys let workflow code resolve integrations through the HTTP API." /> }
}
