//! Settings > Two-factor sign-in: the signed-in administrator sets up an authenticator app (QR
//! code and a confirming code), keeps ten recovery codes shown once, or turns it off.

use leptos::prelude::*;

use crate::domain::admin::{TwoFactorEnrolment, TwoFactorStatus};
use crate::serverfns::admins::{
    get_two_factor_status, ConfirmTwoFactor, DisableTwoFactor, StartTwoFactor,
};
use crate::ui::components::form::{action_error, BoundField, FormError, FormField};
use crate::ui::islands::{go_to, start_page_island, PageQuery};

const PATH: &str = "/settings/two-factor";

#[island(lazy)]
pub fn TwoFactorPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let status = Resource::new(|| (), |()| get_two_factor_status());
    view! {
        <h1>"Two-factor sign-in"</h1>
        <p class="lead">"After your password, a code from an authenticator app on your phone: a stolen password alone does not sign in."</p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || status.get().map(|result| match result {
                Ok(status) if status.enabled => view! { <Enabled status /> }.into_any(),
                Ok(status) => view! { <Enrol required=status.required /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Enrol(required: bool) -> impl IntoView {
    let start = ServerAction::<StartTwoFactor>::new();
    let password = RwSignal::new(String::new());
    let failure = move || start.value().get().and_then(Result::err);
    view! {
        <section class="card" aria-labelledby="enrol-heading">
            <h2 id="enrol-heading">"Set up"</h2>
            {required.then(|| view! {
                <p class="notice" role="status">"This server requires two-factor sign-in: set it up to continue."</p>
            })}
            {move || match start.value().get() {
                Some(Ok(enrolment)) => view! { <Confirm enrolment /> }.into_any(),
                _ => view! {
                    {move || failure().filter(|error| error.for_field("current_password").is_none()).map(|error| view! {
                        <p class="error" role="alert">{error.to_string()}</p>
                    })}
                    <BoundField id="two-factor-password" label="Your password" value=password input_type="password"
                        error=Signal::derive(move || failure().and_then(|error| error.for_field("current_password").map(str::to_string)))
                        hint="Asked for again when you last gave it more than 10 minutes ago." />
                    <button type="button" class="button" disabled=start.pending()
                        on:click=move |_| { start.dispatch(StartTwoFactor { current_password: Some(password.get_untracked()) }); }>
                        "Set up two-factor sign-in"
                    </button>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Confirm(enrolment: TwoFactorEnrolment) -> impl IntoView {
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let error = action_error(confirm);
    view! {
        {move || match confirm.value().get() {
            Some(Ok(codes)) => view! { <RecoveryCodes codes /> }.into_any(),
            _ => view! {
                <p>"Scan the code with your authenticator app, or type the secret into it, then enter the code it shows."</p>
                <div class="qr-code" role="img" aria-label="QR code of the secret" inner_html=enrolment.qr_svg.clone()></div>
                <p>"Secret: " <code class="totp-secret">{enrolment.secret.clone()}</code></p>
                <ActionForm action=confirm attr:class="form">
                    <FormError error fields=&["code"] />
                    <FormField label="Code from the app" name="code" autocomplete="one-time-code" error />
                    <button type="submit" class="button" disabled=confirm.pending()>"Turn on"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div role="status">
            <p><strong>"Two-factor sign-in is on."</strong>" Keep these recovery codes somewhere safe: each signs you in once without your phone. They are not shown again."</p>
            <ol class="recovery-codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <button type="button" class="button" on:click=move |_| go_to(PATH)>"I have saved them"</button>
        </div>
    }
}

#[component]
fn Enabled(status: TwoFactorStatus) -> impl IntoView {
    let disable = ServerAction::<DisableTwoFactor>::new();
    let error = action_error(disable);
    Effect::new(move |_| {
        if let Some(Ok(())) = disable.value().get() {
            go_to(PATH);
        }
    });
    view! {
        <section class="card" aria-labelledby="enabled-heading">
            <h2 id="enabled-heading">"On"</h2>
            <p class="two-factor-state">{format!("Two-factor sign-in is on; {} recovery codes left.", status.recovery_codes_left)}</p>
            {(!status.required).then(|| view! {
                <h3>"Turn off"</h3>
                <ActionForm action=disable attr:class="form">
                    <FormError error fields=&["password", "code"] />
                    <FormField label="Your password" name="password" input_type="password" autocomplete="current-password" error />
                    <FormField label="Code from the app" name="code" autocomplete="one-time-code" error />
                    <button type="submit" class="button danger" disabled=disable.pending()>"Turn off two-factor sign-in"</button>
                </ActionForm>
            })}
        </section>
    }
}
