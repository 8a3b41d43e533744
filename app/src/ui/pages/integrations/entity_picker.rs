//! The mapping form's entity picker: the external system's entities that no mapping uses, found
//! by ID or name from the integration's entity source; choosing one fills Entity ID and Entity
//! name, which can still be typed by hand.

use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::EntityView;
use crate::serverfns::entities::search_entities;
use crate::ui::islands::sent_with_page;

#[component]
pub fn EntityPicker(
    integration_id: IntegrationId,
    entity_id: RwSignal<String>,
    entity_name: RwSignal<String>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let choices = sent_with_page(move || {
        Resource::new(
            move || filter.get(),
            move |search| search_entities(integration_id, search),
        )
    });
    let choose = move |value: String, entities: &[EntityView]| {
        if let Some(entity) = entities.iter().find(|entity| entity.id == value) {
            entity_id.set(entity.id.clone());
            entity_name.set(entity.name.clone());
        }
    };
    view! {
        <div class="field">
            <label for="mapping-entity-search">"Find entity"</label>
            <input id="mapping-entity-search" type="search" autocomplete="off" placeholder="Type part of a name or ID"
                on:input=move |event| filter.set(event_target_value(&event)) />
        </div>
        <div class="field">
            <label for="mapping-entity-choice">"Entity"</label>
            <Transition fallback=|| view! { <p class="muted">"Loading entities…"</p> }>
                {move || choices.get().map(|result| match result {
                    Ok(found) if found.entities.is_empty() => view! {
                        <p class="muted" id="mapping-entity-choice">"No unmapped entity matches; type the ID below."</p>
                    }.into_any(),
                    Ok(found) => {
                        let more = (found.total > found.entities.len()).then(|| format!(
                            "The first {} of {} matches; type more to narrow them.", found.entities.len(), found.total,
                        ));
                        let entities = StoredValue::new(found.entities);
                        view! {
                            <select id="mapping-entity-choice"
                                on:change=move |event| entities.with_value(|all| choose(event_target_value(&event), all))>
                                <option value="" selected=move || entity_id.get().is_empty()>"Choose an entity"</option>
                                {entities.with_value(|all| all.iter().map(|entity| {
                                    let id = entity.id.clone();
                                    view! {
                                        <option value=entity.id.clone() selected=move || entity_id.get() == id>
                                            {format!("{} ({})", entity.name, entity.id)}
                                        </option>
                                    }
                                }).collect_view())}
                            </select>
                            {more.map(|text| view! { <p class="field-message muted">{text}</p> })}
                        }.into_any()
                    }
                    Err(error) => view! {
                        <p class="error" role="alert">{format!("The entity list could not be loaded: {error}. Type the ID below.")}</p>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}
