//! Settings > Administrators: who may sign in, adding and removing them, and one's own password.

use leptos::html;
use leptos::prelude::*;

use crate::domain::admin::{AdminView, PASSWORD_HINT};
use crate::domain::time::format_utc;
use crate::serverfns::admins::{
    list_administrators, AddAdministrator, ChangeOwnPassword, RemoveAdministrator,
};
use crate::ui::components::form::{FormError, FormField};
use crate::ui::islands::{sent_with_page, start_page_island, PageQuery};

#[island(lazy)]
pub fn AdministratorsPage(query: PageQuery) -> impl IntoView {
    start_page_island(query);
    let changes = RwSignal::new(0u32);
    let admins =
        sent_with_page(move || Resource::new(move || changes.get(), |_| list_administrators()));
    view! {
        <h1>"Administrators"</h1>
        <p class="lead">"Administrators sign in to this site and can change everything on it."</p>
        <Transition fallback=|| view! { <p class="muted">"Loading administrators…"</p> }>
            {move || admins.get().map(|result| match result {
                Ok(admins) => view! { <AdministratorTable admins changes /> }.into_any(),
                Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <div class="card-grid">
            <AddAdministratorForm changes />
            <ChangePasswordForm />
        </div>
    }
}

#[component]
fn AdministratorTable(admins: Vec<AdminView>, changes: RwSignal<u32>) -> impl IntoView {
    view! {
        <table class="data-table">
            <thead>
                <tr><th scope="col">"E-mail address"</th><th scope="col">"Added"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {admins.into_iter().map(|admin| view! { <AdministratorRow admin changes /> }.into_any()).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AdministratorRow(admin: AdminView, changes: RwSignal<u32>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let remove = ServerAction::<RemoveAdministrator>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            changes.update(|n| *n += 1);
        }
    });
    let AdminView {
        id,
        email,
        created_at,
        is_self,
    } = admin;
    let remove_label = format!("Remove {email}");
    let question = format!("Remove the administrator {email}? They are signed out at once.");
    view! {
        <tr>
            <td>{email}{is_self.then(|| view! { <span class="badge">"you"</span> })}</td>
            <td class="muted">{format_utc(created_at)}</td>
            <td class="row-actions">
                {(!is_self).then(|| view! {
                    <button type="button" class="button danger small" aria-label=remove_label
                        on:click=move |_| confirming.set(true)>"Remove"</button>
                })}
            </td>
        </tr>
        <Show when=move || confirming.get()>
            <tr class="confirm-row"><td colspan="3">
                <div class="confirm" role="alertdialog" aria-label="Confirm removal">
                    <p><strong>{question.clone()}</strong></p>
                    {move || remove.value().get().and_then(Result::err).map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })}
                    <div class="confirm-actions">
                        <button type="button" class="button danger" disabled=remove.pending()
                            on:click=move |_| { remove.dispatch(RemoveAdministrator { id }); }>"Remove administrator"</button>
                        <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </div>
            </td></tr>
        </Show>
    }
}

#[component]
fn AddAdministratorForm(changes: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddAdministrator>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            changes.update(|n| *n += 1);
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="add-admin-heading">
            <h2 id="add-admin-heading">"Add an administrator"</h2>
            <ActionForm action=add node_ref=form attr:class="form">
                <FormError error fields=&["email", "password", "confirm_password"] />
                <FormField label="E-mail address" name="email" input_type="email" autocomplete="off" error />
                <FormField label="Password" name="password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT error />
                <FormField label="Confirm password" name="confirm_password" input_type="password" autocomplete="new-password" error />
                <button type="submit" class="button" disabled=add.pending()>"Add administrator"</button>
                {move || add.value().get().and_then(Result::ok).map(|admin| view! {
                    <p class="success" role="status">{format!("{} can now sign in.", admin.email)}</p>
                })}
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangeOwnPassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(form)) = (change.value().get(), form.get()) {
            form.reset();
        }
    });
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <ActionForm action=change node_ref=form attr:class="form">
                <FormError error fields=&["current_password", "password", "confirm_password"] />
                <FormField label="Current password" name="current_password" input_type="password" autocomplete="current-password" error />
                <FormField label="New password" name="password" id="change-password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT error />
                <FormField label="Confirm new password" name="confirm_password" id="change-confirm-password" input_type="password" autocomplete="new-password" error />
                <button type="submit" class="button" disabled=change.pending()>"Change password"</button>
                {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="success" role="status">"Your password is changed. Your other sessions are signed out."</p>
                })}
            </ActionForm>
        </section>
    }
}
