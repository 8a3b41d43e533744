//! The Entities tab's island: reads the server-rendered controls into a draft and sends it
//! (Save, Preview), and fetches the whole list again (Refresh list). Messages go beside their
//! fields; a preview shows the first entities.

use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntityList;
use crate::ui::islands::island_ready;

/// What the last button found: a preview, the refreshed list's size, or what went wrong.
#[derive(Clone)]
#[cfg_attr(
    not(feature = "hydrate"),
    expect(dead_code, reason = "made by the buttons, in the browser only")
)]
enum Outcome {
    Preview(EntityList),
    Refreshed(EntityList),
    Failed(String),
}

/// The form around the controls in `children`, and what its buttons found.
#[island(lazy)]
pub fn EntitySourceForm(
    integration_id: IntegrationId,
    name: String,
    has_source: bool,
    children: Children,
) -> impl IntoView {
    island_ready();
    // Disabled until live: before then a submit would send the form as a plain GET.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let saved_href = format!("{}/entities?saved", super::list::integration_href(&name));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        send::save(integration_id, &saved_href, pending, outcome);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&saved_href, integration_id);
    };
    let on_preview = move |_| {
        #[cfg(feature = "hydrate")]
        send::preview(integration_id, pending, outcome);
    };
    let on_refresh = move |_| {
        #[cfg(feature = "hydrate")]
        send::refresh(integration_id, pending, outcome);
    };
    let disabled = move || !live.get() || pending.get();
    view! {
        <form id="entity-source-form" class="values-form" novalidate=true aria-label="Entity source" on:submit=on_submit>
            {children()}
            <div class="form-actions">
                <button type="submit" class="button" disabled=disabled>"Save"</button>
                <button type="button" class="button secondary" disabled=disabled on:click=on_preview>"Preview"</button>
                {has_source.then(|| view! {
                    <button type="button" class="button secondary" disabled=disabled on:click=on_refresh>"Refresh list"</button>
                })}
            </div>
        </form>
        <div aria-live="polite">{move || outcome.get().map(show_outcome)}</div>
    }
}

fn show_outcome(outcome: Outcome) -> AnyView {
    match outcome {
        Outcome::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
        Outcome::Refreshed(list) => view! {
            <p class="success" role="status">{format!(
                "{} entities on {} page{}{}.",
                list.total,
                list.pages,
                if list.pages == 1 { "" } else { "s" },
                if list.truncated { "; the page limit stopped the list, raise it to see the rest" } else { "" },
            )}</p>
        }
        .into_any(),
        Outcome::Preview(list) => view! {
            <section class="entity-preview" aria-label="Preview">
                <p class="muted">{format!("The first page holds {} entities; the first {} are shown.", list.total, list.entities.len())}</p>
                <table>
                    <thead><tr><th scope="col">"ID"</th><th scope="col">"Name"</th></tr></thead>
                    <tbody>
                        {list.entities.into_iter().map(|entity| view! {
                            <tr><td><code>{entity.id}</code></td><td>{entity.name}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
        .into_any(),
    }
}

#[cfg(feature = "hydrate")]
mod send {
    use leptos::prelude::*;

    use super::Outcome;
    use crate::domain::ids::IntegrationId;
    use crate::domain::integration::EntitySourceDraft;
    use crate::error::AppError;
    use crate::serverfns::entities::{preview_entities, refresh_entity_list, save_entity_source};
    use crate::ui::components::form::show_field_message;
    use crate::ui::islands::go_to;

    /// The draft as the controls hold it now.
    pub fn read_draft() -> EntitySourceDraft {
        let value = |name: &str| -> String {
            use wasm_bindgen::JsCast;
            document()
                .get_element_by_id(&format!("source-{name}"))
                .and_then(|element| {
                    element
                        .clone()
                        .dyn_into::<web_sys::HtmlInputElement>()
                        .map(|input| input.value())
                        .or_else(|_| {
                            element
                                .dyn_into::<web_sys::HtmlSelectElement>()
                                .map(|select| select.value())
                        })
                        .ok()
                })
                .unwrap_or_default()
        };
        EntitySourceDraft {
            path: value("path"),
            auth_kind: value("auth_kind"),
            header_name: value("header_name"),
            header_field: value("header_field"),
            list_pointer: value("list_pointer"),
            id_pointer: value("id_pointer"),
            name_pointer: value("name_pointer"),
            paging_kind: value("paging_kind"),
            next_pointer: value("next_pointer"),
            page_parameter: value("page_parameter"),
            first_page: value("first_page"),
            max_pages: value("max_pages"),
            cache_minutes: value("cache_minutes"),
        }
    }

    const FIELDS: [&str; 13] = [
        "path",
        "auth_kind",
        "header_name",
        "header_field",
        "list_pointer",
        "id_pointer",
        "name_pointer",
        "paging_kind",
        "next_pointer",
        "page_parameter",
        "first_page",
        "max_pages",
        "cache_minutes",
    ];

    pub fn save(
        integration_id: IntegrationId,
        saved_href: &str,
        pending: RwSignal<bool>,
        outcome: RwSignal<Option<Outcome>>,
    ) {
        let draft = read_draft();
        let saved_href = saved_href.to_string();
        run(pending, outcome, async move {
            save_entity_source(integration_id, draft).await?;
            go_to(&saved_href);
            Ok(None)
        });
    }

    pub fn preview(
        integration_id: IntegrationId,
        pending: RwSignal<bool>,
        outcome: RwSignal<Option<Outcome>>,
    ) {
        let draft = read_draft();
        run(pending, outcome, async move {
            Ok(Some(Outcome::Preview(
                preview_entities(integration_id, draft).await?,
            )))
        });
    }

    pub fn refresh(
        integration_id: IntegrationId,
        pending: RwSignal<bool>,
        outcome: RwSignal<Option<Outcome>>,
    ) {
        run(pending, outcome, async move {
            Ok(Some(Outcome::Refreshed(
                refresh_entity_list(integration_id).await?,
            )))
        });
    }

    fn run(
        pending: RwSignal<bool>,
        outcome: RwSignal<Option<Outcome>>,
        call: impl std::future::Future<Output = Result<Option<Outcome>, AppError>> + 'static,
    ) {
        pending.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = call.await;
            show_field_messages(result.as_ref().err());
            match result {
                Ok(Some(found)) => outcome.set(Some(found)),
                Ok(None) => {}
                Err(failure) => outcome.set(Some(Outcome::Failed(if failure.is_about_fields() {
                    "Nothing was saved or fetched: correct the settings marked above.".to_string()
                } else {
                    failure.to_string()
                }))),
            }
            pending.set(false);
        });
    }

    /// Each field's message from the server beside it, the hint back where there is none.
    fn show_field_messages(failure: Option<&AppError>) {
        let document = document();
        for name in FIELDS {
            let id = format!("source-{name}");
            if let Some(shown) = document.get_element_by_id(&format!("{id}-message")) {
                show_field_message(
                    &shown,
                    document.get_element_by_id(&id),
                    failure.and_then(|failure| failure.for_field(name)),
                );
            }
        }
    }
}
