//! Settings > Administrators: who may sign in, adding and removing them, and one's own password.

use leptos::html;
use leptos::prelude::*;

use crate::domain::admin::{AdminView, PASSWORD_HINT};
use crate::domain::ids::AdminId;
use crate::domain::time::format_utc;
use crate::serverfns::admins::{
    list_administrators, AddAdministrator, ChangeOwnPassword, RemoveAdministrator,
};
use crate::ui::components::dialog::{focus_on_open, ConfirmDialog};
use crate::ui::components::form::{action_error, BoundField, FormError, FormField, SaveOrCancel};
use crate::ui::components::loaded::when_loaded;
use crate::ui::components::page_heading::PageHeading;
use crate::ui::islands::{clicked_button, go_to, on_demand, start_page_island, PageQuery};

const PATH: &str = "/settings/administrators";

/// Rendered on the server: the list, with Add administrator, the removal confirmation and the
/// password form in an island.
#[component]
pub fn AdministratorsPage(query: PageQuery) -> impl IntoView {
    // After an administrator is added the page loads again with `?added={id}`.
    let added = query.get("added").and_then(|id| id.parse::<AdminId>().ok());
    view! {
        {when_loaded(list_administrators(), move |admins| {
            let added = added
                .and_then(|id| admins.iter().find(|admin| admin.id == id))
                .map(|admin| format!("{} can now sign in.", admin.email));
            view! {
                <AdministratorsWorkspace query>
                    {added.map(|message| view! { <p class="success" role="status">{message}</p> })}
                    <AdministratorTable admins />
                </AdministratorsWorkspace>
            }
        })}
    }
}

/// What the page's buttons opened.
#[derive(Clone, PartialEq, Eq)]
enum Opened {
    Add,
    Remove { id: AdminId, email: String },
}

/// The heading with Add administrator, the dialogs, the server-rendered table (`children`) whose
/// Remove buttons open the confirmation, and the password form.
#[island(lazy)]
fn AdministratorsWorkspace(query: PageQuery, children: Children) -> impl IntoView {
    start_page_island(query);
    let opened = RwSignal::new(None::<Opened>);
    view! {
        <PageHeading title="Administrators" button_label="Add administrator" on_click=Callback::new(move |()| opened.set(Some(Opened::Add))) />
        <p class="lead">"Administrators sign in to this site and can change everything on it."</p>
        {move || opened.get().map(|chosen| on_demand(administrator_dialog(chosen, opened)))}
        <div on:click=move |event| {
            if let Some(button) = clicked_button(&event, "button[data-remove-admin]") {
                let id = button.get_attribute("data-remove-admin").and_then(|id| id.parse().ok());
                let email = button.get_attribute("data-email").unwrap_or_default();
                opened.set(id.map(|id| Opened::Remove { id, email }));
            }
        }>
            {children()}
        </div>
        <ChangePasswordForm />
    }
}

#[component]
fn AdministratorTable(admins: Vec<AdminView>) -> impl IntoView {
    view! {
        <table class="data-table">
            <thead>
                <tr><th scope="col">"E-mail address"</th><th scope="col">"Added"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {admins.into_iter().map(|admin| view! {
                    <tr>
                        <td>{admin.email.clone()}{admin.is_self.then(|| view! { <span class="badge">"you"</span> })}</td>
                        <td class="muted">{format_utc(admin.created_at)}</td>
                        <td class="row-actions">
                            {(!admin.is_self).then(|| view! {
                                <button type="button" class="button danger small" aria-label=format!("Remove {}", admin.email)
                                    data-remove-admin=admin.id.get() data-email=admin.email.clone()>"Remove"</button>
                            })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Opens on a click; its code loads then, not with the page.
#[lazy]
fn administrator_dialog(chosen: Opened, opened: RwSignal<Option<Opened>>) -> AnyView {
    match chosen {
        Opened::Add => view! { <AddAdministratorForm opened /> }.into_any(),
        Opened::Remove { id, email } => view! { <ConfirmRemoval id email opened /> }.into_any(),
    }
}

#[component]
fn ConfirmRemoval(id: AdminId, email: String, opened: RwSignal<Option<Opened>>) -> impl IntoView {
    let remove = ServerAction::<RemoveAdministrator>::new();
    let password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            go_to(PATH);
        }
    });
    let failure = move || remove.value().get().and_then(Result::err);
    view! {
        <ConfirmDialog labelled_by="confirm-remove-admin" confirm_label="Remove administrator" pending=remove.pending()
            error=Signal::derive(move || failure().filter(|error| error.for_field("current_password").is_none()).map(|error| error.to_string()))
            on_confirm=Callback::new(move |()| {
                remove.dispatch(RemoveAdministrator { id, current_password: Some(password.get_untracked()) });
            })
            on_close=Callback::new(move |()| opened.set(None))>
            <p id="confirm-remove-admin"><strong>{format!("Remove the administrator {email}? They are signed out at once.")}</strong></p>
            <BoundField id="remove-admin-password" label="Your password" value=password input_type="password"
                error=Signal::derive(move || failure().and_then(|error| error.for_field("current_password").map(str::to_string)))
                hint="Asked for again when you last gave it more than 10 minutes ago." />
        </ConfirmDialog>
    }
}

#[component]
fn AddAdministratorForm(opened: RwSignal<Option<Opened>>) -> impl IntoView {
    let add = ServerAction::<AddAdministrator>::new();
    let error = action_error(add);
    // The list is the server's: load the page again to show the new administrator in it.
    Effect::new(move |_| {
        if let Some(Ok(admin)) = add.value().get() {
            go_to(&format!("{PATH}?added={}", admin.id));
        }
    });
    let dialog = NodeRef::<html::Section>::new();
    focus_on_open(dialog, None);
    view! {
        <section class="editor-panel" node_ref=dialog role="dialog" aria-labelledby="add-admin-heading"
            on:keydown=move |event| if event.key() == "Escape" { opened.set(None) }>
            <h2 id="add-admin-heading">"Add an administrator"</h2>
            <ActionForm action=add attr:class="form">
                <FormError error fields=&["email", "password", "confirm_password", "current_password"] />
                <FormField label="E-mail address" name="email" input_type="email" autocomplete="off" error />
                <FormField label="Password" name="password" input_type="password" autocomplete="new-password" hint=PASSWORD_HINT error />
                <FormField label="Confirm password" name="confirm_password" input_type="password" autocomplete="new-password" error />
                <FormField label="Your password" name="current_password" id="add-admin-your-password" input_type="password"
                    autocomplete="current-password" hint="Asked for again when you last gave it more than 10 minutes ago." error />
                <SaveOrCancel save_label="Add administrator" pending=add.pending() on_cancel=Callback::new(move |()| opened.set(None)) />
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangeOwnPassword>::new();
    let error = action_error(change);
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
