//! Auto-match on the Mappings tab: the proposed entity for every unmapped organization, with
//! its score; the admin accepts or rejects each (a checkbox), or accepts all above a score.
//! Accepting maps them all at once, then the tab loads again.

use leptos::prelude::*;

use crate::domain::ids::IntegrationId;
use crate::domain::integration::{AcceptedMatch, AutoMatchView, MatchProposalView};
use crate::error::AppError;
use crate::serverfns::entities::{accept_matches, propose_matches};
use crate::ui::components::dialog::focus_on_open;
use crate::ui::islands::go_to;

/// The score at or above which a proposal starts accepted.
const DEFAULT_THRESHOLD: u8 = 90;

#[component]
pub fn AutoMatchPanel(
    integration_id: IntegrationId,
    done_href: String,
    open: RwSignal<bool>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Section>::new();
    focus_on_open(dialog, None);
    let proposals = LocalResource::new(move || propose_matches(integration_id));
    view! {
        <section class="panel auto-match" node_ref=dialog tabindex="-1" aria-labelledby="auto-match-heading">
            <h2 id="auto-match-heading">"Auto-match"</h2>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Matching organizations with entities…"</p> }>
                {move || proposals.get().map(|found| match found {
                    Ok(view) => view! { <Proposals integration_id found=view done_href=done_href.clone() /> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
            <div class="form-actions">
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </section>
    }
}

#[component]
fn Proposals(
    integration_id: IntegrationId,
    found: AutoMatchView,
    done_href: String,
) -> impl IntoView {
    let summary = format!(
        "{} proposals for {} unmapped organizations, from {} unmapped entities{}.",
        found.proposals.len(),
        found.unmapped_organizations,
        found.unmapped_entities,
        if found.list_truncated {
            " (the entity list stopped at its page limit)"
        } else {
            ""
        },
    );
    if found.proposals.is_empty() {
        return view! { <p class="empty-state">{summary}" Nothing to propose."</p> }.into_any();
    }
    let proposals = StoredValue::new(found.proposals);
    let accepted: Vec<RwSignal<bool>> = proposals.with_value(|all| {
        all.iter()
            .map(|p| RwSignal::new(p.score >= DEFAULT_THRESHOLD))
            .collect()
    });
    let accepted = StoredValue::new(accepted);
    let threshold = RwSignal::new(DEFAULT_THRESHOLD.to_string());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done_href = StoredValue::new(done_href);
    let send = move |chosen: Vec<AcceptedMatch>| {
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match accept_matches(integration_id, chosen).await {
                Ok(count) => go_to(&format!("{}?matched={count}", done_href.get_value())),
                Err(failure) => {
                    error.set(Some(failure_text(&failure)));
                    pending.set(false);
                }
            }
        });
    };
    let accept_selected = move |_| {
        let chosen = proposals.with_value(|all| {
            accepted.with_value(|flags| {
                all.iter()
                    .zip(flags)
                    .filter(|(_, flag)| flag.get_untracked())
                    .map(|(p, _)| choice(p))
                    .collect::<Vec<_>>()
            })
        });
        send(chosen);
    };
    let accept_above = move |_| {
        let Ok(minimum) = threshold.get_untracked().trim().parse::<u8>() else {
            error.set(Some(
                "The score must be a whole number from 0 to 100.".into(),
            ));
            return;
        };
        let chosen = proposals.with_value(|all| {
            all.iter()
                .filter(|p| p.score > minimum)
                .map(choice)
                .collect::<Vec<_>>()
        });
        send(chosen);
    };
    view! {
        <p class="muted">{summary}</p>
        <table class="proposals">
            <thead><tr>
                <th scope="col">"Accept"</th><th scope="col">"Organization"</th>
                <th scope="col">"Entity"</th><th scope="col">"Score"</th>
            </tr></thead>
            <tbody>
                {proposals.with_value(|all| all.iter().zip(accepted.get_value()).enumerate().map(|(index, (p, flag))| {
                    let id = format!("accept-{index}");
                    view! {
                        <tr>
                            <td><input type="checkbox" id=id.clone() prop:checked=move || flag.get()
                                on:change=move |event| flag.set(event_target_checked(&event)) /></td>
                            <td><label for=id>{p.organization_name.clone()}</label></td>
                            <td>{p.entity_name.clone()}" "<code>{p.entity_id.clone()}</code></td>
                            <td>{format!("{}%", p.score)}{p.exact.then_some(" exact")}</td>
                        </tr>
                    }
                }).collect_view())}
            </tbody>
        </table>
        {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        <div class="form-actions">
            <button type="button" class="button" disabled=move || pending.get() on:click=accept_selected>"Accept selected"</button>
            <label for="accept-threshold">"Accept all above"</label>
            <input id="accept-threshold" type="text" inputmode="numeric" size="3"
                prop:value=move || threshold.get() on:input=move |event| threshold.set(event_target_value(&event)) />
            <span>"%"</span>
            <button type="button" class="button secondary" disabled=move || pending.get() on:click=accept_above>"Accept all above"</button>
        </div>
    }
    .into_any()
}

fn choice(proposal: &MatchProposalView) -> AcceptedMatch {
    AcceptedMatch {
        organization_id: proposal.organization_id,
        entity_id: proposal.entity_id.clone(),
    }
}

fn failure_text(failure: &AppError) -> String {
    failure
        .for_field("matches")
        .map_or_else(|| failure.to_string(), str::to_string)
}
