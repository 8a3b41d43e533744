//! A mapping's organization-specific OAuth token: its status and Connect in the mappings table,
//! and linking an existing token of the same connection in the mapping editor.

use leptos::prelude::*;

use super::token_status::state_badge;
use crate::domain::ids::{IntegrationId, MappingId, OrganizationId, TokenId};
use crate::domain::integration::MappingSummary;
use crate::serverfns::oauth::{get_integration_oauth, LinkMappingToken};
use crate::ui::islands::{reload_page, sent_with_page};

/// The table cell: the token's status (or the shared token) and Connect for this organization,
/// and Use it for an entity ID the provider reported. Rendered on the server: the buttons work
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
            {detected}
        </td>
    }
}

/// In the mapping editor: use the shared token or link the organization's own token (made
/// through another integration on the same connection, or unlinked earlier).
#[component]
pub fn MappingTokenLink(
    integration_id: IntegrationId,
    mapping_id: MappingId,
    organization_id: OrganizationId,
    linked: Option<TokenId>,
) -> impl IntoView {
    let oauth = sent_with_page(move || {
        Resource::new(|| (), move |_| get_integration_oauth(integration_id))
    });
    let chosen = RwSignal::new(linked);
    let link = ServerAction::<LinkMappingToken>::new();
    Effect::new(move |_| {
        // The list shows the link: load the page again.
        if let Some(Ok(())) = link.value().get() {
            reload_page();
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || oauth.get().and_then(Result::ok).flatten().map(|oauth| view! {
                <div class="inline-form mapping-token-link">
                    <div class="field">
                        <label for="mapping-oauth-token">"OAuth token"</label>
                        <select id="mapping-oauth-token" on:change=move |event| chosen.set(event_target_value(&event).parse().ok())>
                            <option value="" selected=move || chosen.get().is_none()>"Shared token"</option>
                            {oauth.organization_tokens.into_iter().filter(|token| token.organization_id == Some(organization_id)).map(|token| {
                                let label = format!("{} ({})", token.organization_name.clone().unwrap_or_default(), token.state.label());
                                view! { <option value=token.id.to_string() selected=move || chosen.get() == Some(token.id)>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="button" class="button secondary" disabled=link.pending()
                        on:click=move |_| { link.dispatch(LinkMappingToken { integration_id, mapping_id, token_id: chosen.get_untracked() }); }>
                        "Save token link"
                    </button>
                </div>
                {move || link.value().get().map(|result| match result {
                    Ok(()) => view! { <p class="success" role="status">"Token link saved."</p> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            })}
        </Transition>
    }
    .into_any()
}
