//! The OAuth Provider section's part of the integration form's island: which part the chosen
//! radio button shows, what Save sends for it, where the page goes after saving, and the
//! server's messages beside the section's fields.

use wasm_bindgen::JsCast;

use super::form_island::{by_id, input_value, set_flag};
use super::oauth_choice::{
    CHOICE_NAME, CONNECTION_SELECT, CUSTOM, CUSTOM_INPUTS, EXISTING, GRANT_SELECT, PKCE_CHECKBOX,
};
use crate::domain::integration::{inline_oauth_field, IntegrationOAuthChoice};
use crate::domain::oauth::{GrantType, OAuthConnectionDraft, SecretChange};
use crate::error::AppError;
use crate::ui::components::form::show_field_message;

fn chosen() -> Option<String> {
    leptos::prelude::document()
        .query_selector(&format!("input[name={CHOICE_NAME}]:checked"))
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
}

fn select_value(id: &str) -> String {
    by_id(id)
        .and_then(|select| select.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|select| select.value())
        .unwrap_or_default()
}

/// Shows the part of the section the checked radio button names, the others hidden.
pub fn show_chosen_part(event: &web_sys::Event) {
    let is_choice = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.name() == CHOICE_NAME);
    if !is_choice {
        return;
    }
    let chosen = chosen().unwrap_or_default();
    for part in [EXISTING, CUSTOM] {
        let element = leptos::prelude::document()
            .query_selector(&format!("[data-oauth-part={part}]"))
            .ok()
            .flatten();
        set_flag(element, "hidden", chosen != part);
    }
}

/// What Save sends for the section: `None` for None (and on Edit, which has no section).
pub fn read_choice() -> Option<IntegrationOAuthChoice> {
    match chosen()?.as_str() {
        EXISTING => Some(IntegrationOAuthChoice::Existing {
            connection_id: select_value(CONNECTION_SELECT).parse().unwrap_or_default(),
        }),
        CUSTOM => Some(IntegrationOAuthChoice::Custom {
            draft: Box::new(custom_draft()),
        }),
        _ => None,
    }
}

fn custom_draft() -> OAuthConnectionDraft {
    let text = |index: usize| input_value(by_id(CUSTOM_INPUTS[index].1));
    let secret = text(4);
    OAuthConnectionDraft {
        name: text(0),
        grant_type: GrantType::parse(&select_value(GRANT_SELECT)).unwrap_or_default(),
        authorization_url: text(1),
        token_url: text(2),
        client_id: text(3),
        client_secret: if secret.is_empty() {
            SecretChange::Keep
        } else {
            SecretChange::Set(secret)
        },
        scopes: text(5),
        pkce: by_id(PKCE_CHECKBOX)
            .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| input.checked()),
        ..Default::default()
    }
}

/// Whether Connect is the next step: the linked connection asks the provider for consent. A
/// new one has no token yet; an existing one's token, if any, shows on the OAuth tab.
pub fn connect_comes_next(choice: Option<&IntegrationOAuthChoice>) -> bool {
    match choice {
        Some(IntegrationOAuthChoice::Custom { draft }) => {
            draft.grant_type == GrantType::AuthorizationCode
        }
        Some(IntegrationOAuthChoice::Existing { .. }) => leptos::prelude::document()
            .query_selector(&format!("#{CONNECTION_SELECT} option:checked"))
            .ok()
            .flatten()
            .and_then(|option| option.get_attribute("data-grant"))
            .is_some_and(|grant| grant == GrantType::AuthorizationCode.as_str()),
        None => false,
    }
}

/// The server's message for each field of the section beside it, the hints back elsewhere.
pub fn show_messages(failure: &AppError) {
    let inputs = CUSTOM_INPUTS
        .iter()
        .copied()
        .chain([("connection_id", CONNECTION_SELECT)]);
    for (field, id) in inputs {
        if let Some(shown) = by_id(&format!("{id}-message")) {
            let message = failure.for_field(&inline_oauth_field(field));
            show_field_message(&shown, by_id(id), message);
        }
    }
}
