//! The Configuration tab: the defaults every organization gets unless its mapping overrides them.
//! The tab renders on the server; the form is an island that starts from the values it is given.

use leptos::prelude::*;

use super::list::integration_href;
use super::values::{ValueInputs, ValueState};
use crate::domain::integration::FieldValueView;
use crate::error::AppError;
use crate::serverfns::integrations::{get_default_values, get_integration, SaveDefaultValues};
use crate::ui::components::form::NonFieldError;
use crate::ui::components::loaded::when_loaded;
use crate::ui::islands::{go_to, island_ready, PageQuery};

#[component]
pub fn ConfigurationTab(name: String, query: PageQuery) -> impl IntoView {
    let created = query.has("created").then(|| view! {
        <p class="success" role="status">"Integration created. Set its defaults below, then map organizations on the Mappings tab."</p>
    });
    let saved = query
        .has("saved")
        .then(|| view! { <p class="success" role="status">"Defaults saved."</p> });
    let load = async move {
        let integration = get_integration(name).await?;
        let values = get_default_values(integration.id).await?;
        Ok::<_, AppError>((integration.id, integration.name, values))
    };
    view! {
        {created}
        <p class="lead">"Default values apply to every organization; a mapping can override each of them."</p>
        {saved}
        {when_loaded(load, |(id, name, values)| if values.is_empty() {
            view! {
                <div class="empty-state"><p>"This integration has no config fields. Add them with Edit on the Overview tab."</p></div>
            }.into_any()
        } else {
            view! { <DefaultsForm integration_id=id name values /> }.into_any()
        })}
    }
}

/// The defaults form. A save that succeeds loads the tab again, which shows what is stored now
/// (a replaced secret as set, values in their canonical form).
#[island(lazy)]
fn DefaultsForm(integration_id: i64, name: String, values: Vec<FieldValueView>) -> impl IntoView {
    island_ready();
    let states: Vec<ValueState> = values.into_iter().map(ValueState::new).collect();
    let save = ServerAction::<SaveDefaultValues>::new();
    let error = RwSignal::new(None::<AppError>);
    let saved_href = format!("{}/configuration?saved", integration_href(&name));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => go_to(&saved_href),
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    let to_send = states.clone();
    view! {
        <form class="values-form" novalidate=true aria-label="Defaults" on:submit=move |event| {
            event.prevent_default();
            let inputs = to_send.iter().map(|state| state.to_input(false)).collect();
            save.dispatch(SaveDefaultValues { integration_id, inputs });
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
}
