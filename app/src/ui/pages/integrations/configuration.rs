//! The Configuration tab: the defaults every organization gets unless its mapping overrides them.

use leptos::prelude::*;

use super::layout::{start_tab_island, with_integration};
use super::values::{ValueInputs, ValueState};
use crate::domain::integration::{FieldValueView, IntegrationView};
use crate::error::AppError;
use crate::serverfns::integrations::{get_default_values, SaveDefaultValues};
use crate::ui::components::form::NonFieldError;
use crate::ui::islands::{sent_with_page, PageQuery};

#[island(lazy)]
pub fn ConfigurationTab(name: String, query: PageQuery) -> impl IntoView {
    let created = query.has("created");
    start_tab_island(name, query);
    view! {
        <Show when=move || created>
            <p class="success" role="status">"Integration created. Set its defaults below, then map organizations on the Mappings tab."</p>
        </Show>
        {with_integration(|integration| view! { <DefaultsPanel integration /> })}
    }
}

#[component]
fn DefaultsPanel(integration: IntegrationView) -> impl IntoView {
    let id = integration.id;
    let reloads = RwSignal::new(0u32);
    let values = sent_with_page(move || {
        Resource::new(
            move || (id, reloads.get()),
            |(id, _)| get_default_values(id),
        )
    });
    let saved = RwSignal::new(false);
    view! {
        <p class="lead">"Default values apply to every organization; a mapping can override each of them."</p>
        <Show when=move || saved.get()>
            <p class="success" role="status">"Defaults saved."</p>
        </Show>
        <Transition fallback=|| view! { <p class="muted">"Loading values…"</p> }>
            {move || values.get().map(|result| match result {
                Ok(values) if values.is_empty() => view! {
                    <div class="empty-state"><p>"This integration has no config fields. Add them with Edit on the Overview tab."</p></div>
                }.into_any(),
                Ok(values) => view! { <DefaultsForm id values reloads saved /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn DefaultsForm(
    id: i64,
    values: Vec<FieldValueView>,
    reloads: RwSignal<u32>,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let states: Vec<ValueState> = values.into_iter().map(ValueState::new).collect();
    let save = ServerAction::<SaveDefaultValues>::new();
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            saved.set(true);
            reloads.update(|n| *n += 1);
        }
        Some(Err(failure)) => {
            saved.set(false);
            error.set(Some(failure));
        }
        None => {}
    });
    let to_send = states.clone();
    view! {
        <form class="values-form" novalidate=true aria-label="Defaults" on:submit=move |event| {
            event.prevent_default();
            saved.set(false);
            let inputs = to_send.iter().map(|state| state.to_input(false)).collect();
            save.dispatch(SaveDefaultValues { integration_id: id, inputs });
        }>
            <NonFieldError error />
            {move || error.get().filter(|e| e.is_about_fields()).map(|_| view! {
                <p class="error" role="alert">"Nothing was saved: correct the values marked below."</p>
            })}
            <ValueInputs states overriding=false error error_prefix="" />
            <div class="form-actions">
                <button type="submit" class="button" disabled=save.pending()>"Save"</button>
            </div>
        </form>
    }
    .into_any()
}
