//! A mapping's organization-specific OAuth token: its status and Connect in the mappings table,
//! and the choice of token in the mapping form.

use leptos::prelude::*;

use super::token_status::state_badge;
use crate::domain::ids::{IntegrationId, OrganizationId};
use crate::domain::integration::{MappingSummary, MappingTokenChoice};
use crate::domain::oauth::GrantType;
use crate::serverfns::oauth::get_integration_oauth;
use crate::ui::components::form::message_or_hint;
use crate::ui::islands::sent_with_page;

/// The table cell: the token's status (or the shared token), Connect for this organization, its
/// consent links for the customer to connect, and Use it for an entity ID the provider reported. Rendered on the server: the buttons work
/// through the listener of the Mappings tab's island (`data-mapping-action`).
#[component]
pub fn MappingTokenCell(mapping: MappingSummary) -> impl IntoView {
    let status = match mapping.oauth_token {
        Some((_, state)) => state_badge(state).into_any(),
        None => view! { <span class="muted">"Shared token"</span> }.into_any(),
    };
    let organization = mapping.organization_name;
    let detected = mapping.detected_entity_id.map(|reported| {
        let label = format!("Use {reported} as the entity ID of {organization}");
        view! {
            <p class="detected-entity-id">
                "The provider reports "<code>{reported}</code>" "
                <button type="button" class="button secondary small" aria-label=label
                    data-mapping-action="adopt" data-id=mapping.id.get()>"Use it"</button>
            </p>
        }
    });
    view! {
        <td class="mapping-token">
            {status}
            " "
            <button type="button" class="button secondary small" aria-label=format!("Connect an OAuth token for {organization}")
                data-mapping-action="connect" data-id=mapping.id.get()>"Connect"</button>
            " "
            <button type="button" class="button secondary small" aria-label=format!("Consent links for {organization}")
                data-mapping-action="consent" data-id=mapping.id.get() data-organization=organization.clone()>"Consent link"</button>
            {detected}
        </td>
    }
}

/// The mapping form's "OAuth token": the shared token, a token the organization already has on
/// the integration's connection (made through another integration, or unlinked earlier), or
/// Connect after saving where the connection asks the provider for consent.
#[component]
pub fn TokenChoiceField(
    integration_id: IntegrationId,
    organization_id: RwSignal<Option<OrganizationId>>,
    choice: RwSignal<MappingTokenChoice>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let oauth = sent_with_page(move || {
        Resource::new(|| (), move |_| get_integration_oauth(integration_id))
    });
    let chose = move |event: leptos::ev::Event| {
        if let Some(chosen) = MappingTokenChoice::parse(&event_target_value(&event)) {
            choice.set(chosen);
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || oauth.get().and_then(Result::ok).flatten().map(|oauth| {
                let connectable = oauth.connection.grant_type == GrantType::AuthorizationCode;
                let tokens = oauth.organization_tokens;
                let own_tokens = move || {
                    let organization = organization_id.get();
                    tokens.iter().filter(|token| token.organization_id.is_some() && token.organization_id == organization).map(|token| {
                        let id = token.id;
                        let label = format!("{}'s own token ({})", token.organization_name.clone().unwrap_or_default(), token.state.label());
                        view! { <option value=id.to_string() selected=move || choice.get() == MappingTokenChoice::Own(id)>{label}</option> }
                    }).collect_view()
                };
                view! {
                    <div class="field">
                        <label for="mapping-oauth-token">"OAuth token"</label>
                        <select id="mapping-oauth-token" on:change=chose
                            aria-invalid=move || message.get().is_some().to_string()>
                            <option value="shared" selected=move || matches!(choice.get(), MappingTokenChoice::Shared | MappingTokenChoice::Unchanged)>"Shared token (the integration's)"</option>
                            {own_tokens}
                            {connectable.then(|| view! {
                                <option value="connect" selected=move || choice.get() == MappingTokenChoice::ConnectAfterSaving>"Connect after saving (this organization's own token)"</option>
                            })}
                        </select>
                        <p class="field-message">{message_or_hint(message, "Which token this organization's workflows get. Connect after saving goes on to the provider's consent for this organization.")}</p>
                    </div>
                }
            })}
        </Transition>
    }
    .into_any()
}
