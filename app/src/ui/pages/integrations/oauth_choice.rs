//! Create Integration's optional "OAuth Provider" section: None, an existing connection, or
//! custom OAuth settings (the connection form's main fields), rendered by the server. The form's
//! island shows the part the chosen radio button names and reads it on Save.

use leptos::prelude::*;

use super::form::labelled_input;
use crate::domain::oauth::{GrantType, OAuthConnectionView};

/// The radio buttons' name and values.
pub const CHOICE_NAME: &str = "oauth-choice";
pub const NONE: &str = "none";
pub const EXISTING: &str = "existing";
pub const CUSTOM: &str = "custom";

/// The ids of the inputs of the custom settings, by the connection draft's field names (an
/// error on `oauth.<field>` shows at `{id}-message`).
pub const CUSTOM_INPUTS: [(&str, &str); 6] = [
    ("name", "oauth-name"),
    ("authorization_url", "oauth-authorization-url"),
    ("token_url", "oauth-token-url"),
    ("client_id", "oauth-client-id"),
    ("client_secret", "oauth-client-secret"),
    ("scopes", "oauth-scopes"),
];
pub const CONNECTION_SELECT: &str = "oauth-connection-id";
pub const GRANT_SELECT: &str = "oauth-grant-type";
pub const PKCE_CHECKBOX: &str = "oauth-pkce";

pub fn oauth_choice_fieldset(connections: Vec<OAuthConnectionView>) -> impl IntoView {
    let none_exist = connections.is_empty();
    view! {
        <fieldset class="oauth-choice">
            <legend>"OAuth Provider"</legend>
            <p class="muted">"Optional. Workflows get this connection's token as "<code>"integration.oauth"</code>"; it can also be linked later on the OAuth tab."</p>
            <div class="choices" role="radiogroup" aria-label="OAuth Provider">
                {choice(NONE, "None", true, false)}
                {choice(EXISTING, "Select existing OAuth connection", false, none_exist)}
                {choice(CUSTOM, "Configure custom OAuth settings", false, false)}
            </div>
            {none_exist.then(|| view! { <p class="muted">"No OAuth connection exists yet."</p> })}
            <div class="oauth-part" data-oauth-part=EXISTING hidden=true>
                {existing_select(connections)}
            </div>
            <div class="oauth-part" data-oauth-part=CUSTOM hidden=true>
                {custom_settings()}
            </div>
        </fieldset>
    }
}

fn choice(
    value: &'static str,
    label: &'static str,
    checked: bool,
    disabled: bool,
) -> impl IntoView {
    let id = format!("{CHOICE_NAME}-{value}");
    view! {
        <div class="checkbox-field">
            <input type="radio" id=id.clone() name=CHOICE_NAME value=value checked=checked disabled=disabled />
            <label for=id>{label}</label>
        </div>
    }
}

/// The connections to choose from; each option says whether Connect comes next for it.
fn existing_select(connections: Vec<OAuthConnectionView>) -> impl IntoView {
    let message_id = format!("{CONNECTION_SELECT}-message");
    view! {
        <div class="field">
            <label for=CONNECTION_SELECT>"OAuth connection"</label>
            <select id=CONNECTION_SELECT aria-describedby=message_id.clone()>
                {connections.into_iter().map(|connection| {
                    let label = format!("{} ({})", connection.name, connection.grant_type.label());
                    view! {
                        <option value=connection.id.to_string() data-grant=connection.grant_type.as_str()>{label}</option>
                    }
                }).collect_view()}
            </select>
            <p class="field-message" id=message_id>
                <span class="field-error" hidden=true></span>
                <span class="muted">"Connections are created and edited under Settings > OAuth Connections."</span>
            </p>
        </div>
    }
}

fn custom_settings() -> impl IntoView {
    view! {
        {labelled_input(CUSTOM_INPUTS[0].1, "Connection name", "text", String::new(),
            "Optional: the integration's name when empty. Letters, digits, _ and -; part of the redirect URI.")}
        <div class="field">
            <label for=GRANT_SELECT>"Grant Type"</label>
            <select id=GRANT_SELECT>
                {[GrantType::AuthorizationCode, GrantType::ClientCredentials].into_iter().map(|grant| view! {
                    <option value=grant.as_str()>{grant.label()}</option>
                }).collect_view()}
            </select>
        </div>
        {labelled_input(CUSTOM_INPUTS[1].1, "Authorization URL", "text", String::new(),
            "Needed for the authorization code grant. May contain {entity_id} and {field}, as the Token URL.")}
        {labelled_input(CUSTOM_INPUTS[2].1, "Token URL", "text", String::new(),
            "May contain {entity_id} and any string config field as {field} (a field may name the host), filled per organization at Connect.")}
        {labelled_input(CUSTOM_INPUTS[3].1, "Client ID", "text", String::new(), "")}
        {labelled_input(CUSTOM_INPUTS[4].1, "Client Secret", "password", String::new(),
            "Write-only: it is stored encrypted and never shown again.")}
        {labelled_input(CUSTOM_INPUTS[5].1, "Scopes", "text", String::new(),
            "Separated by spaces, e.g. openid offline_access User.Read.")}
        <div class="checkbox-field">
            <input type="checkbox" id=PKCE_CHECKBOX checked=true />
            <label for=PKCE_CHECKBOX>"PKCE (S256)"</label>
        </div>
        <p class="muted">"More settings (extra parameters, audience, revocation) are on Settings > OAuth Connections after saving."</p>
    }
}
