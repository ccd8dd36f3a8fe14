//! Staff: the ticket's assignee (or, for a workshop, its day), priority, type and
//! confidentiality. Each field shows the ticket as it is now, live, until the steward changes
//! it; from then on it shows their choice until they save.

use leptos::prelude::*;
use steward_domain::RequestType;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError, labels};
use crate::components::ErrorNote;

/// What the steward chose, once they changed anything, until they save.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    assignee: i64,
    priority: i32,
    request_type: i32,
    confidential: bool,
    scheduled_for: String,
}

impl Draft {
    fn of(ticket: &pb::Ticket) -> Draft {
        Draft {
            assignee: ticket.assignee.as_ref().map_or(0, |a| a.id),
            priority: ticket.priority,
            request_type: ticket.request_type,
            confidential: ticket.confidential,
            scheduled_for: ticket.scheduled_for.clone().unwrap_or_default(),
        }
    }
}

#[component]
pub fn ManageForm(store: TicketStore) -> impl IntoView {
    let ticket = store.ticket;
    let number = ticket.with_untracked(|t| t.number);
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let suggestions = LocalResource::new(move || async move {
        api::triage()
            .suggest_assignee(pb::SuggestAssigneeRequest { number })
            .await
            .map(|r| r.into_inner().suggestions)
            .unwrap_or_default()
    });
    // `None` while untouched: the form shows the ticket as it is now.
    let draft = RwSignal::new(None::<Draft>);
    let shown = move || draft.get().unwrap_or_else(|| ticket.with(Draft::of));
    let change = move |edit: &dyn Fn(&mut Draft)| {
        let mut next = draft.get_untracked().unwrap_or_else(|| ticket.with_untracked(Draft::of));
        edit(&mut next);
        draft.set(Some(next));
    };
    let workshop_value = RequestType::WorkshopRequest.to_wire() as i32;
    let workshop = move || shown().request_type == workshop_value;
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = draft.get_untracked().unwrap_or_else(|| ticket.with_untracked(Draft::of));
        let is_workshop = chosen.request_type == workshop_value;
        let request = pb::UpdateTicketRequest {
            number,
            expected_version: ticket.with_untracked(|t| t.version),
            // Workshops are scheduled for a day, not assigned.
            assignee_id: (!is_workshop).then_some(chosen.assignee),
            priority: Some(chosen.priority),
            request_type: Some(chosen.request_type),
            confidential: Some(chosen.confidential),
            scheduled_for: is_workshop.then_some(chosen.scheduled_for),
        };
        leptos::task::spawn_local(async move {
            match api::tickets().update_ticket(request).await {
                Ok(response) => {
                    if let Some(updated) = response.into_inner().ticket {
                        store.show_ticket(updated);
                    }
                    // Saved: show what the ticket says from now on.
                    draft.set(None);
                    error.set(None);
                    saved.set(true);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    let number_of = |ev: &leptos::ev::Event| -> i64 { event_target_value(ev).parse().unwrap_or(0) };
    view! {
        <form class="manage" on:submit=save>
            <h2>"Triage"</h2>
            <Show when=move || !workshop() fallback=move || view! {
                <label for="scheduled-for">"Scheduled for (workshops are planned for a day, not assigned)"</label>
                <input id="scheduled-for" type="date" prop:value=move || shown().scheduled_for
                    on:input=move |ev| change(&|d| d.scheduled_for = event_target_value(&ev))/>
            }>
                {move || suggestions.get().and_then(|list| list.into_iter().next()).map(|best| {
                    let person = best.person.unwrap_or_default();
                    let id = person.id;
                    view! {
                        <p class="suggestion">
                            "Suggested: " <strong>{person.display_name.clone()}</strong>
                            {format!(" ({})", best.reasons.join("; "))} " "
                            <button type="button" class="link-button" on:click=move |_| change(&|d| d.assignee = id)>
                                {format!("Choose {}", person.display_name)}
                            </button>
                        </p>
                    }
                })}
                <label for="assignee">"Assignee"</label>
                <select id="assignee" on:change=move |ev| change(&|d| d.assignee = number_of(&ev))>
                    <option value="0" selected=move || shown().assignee == 0>"Unassigned"</option>
                    {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.to_string() selected=move || shown().assignee == p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
            </Show>
            <label for="priority">"Priority"</label>
            <select id="priority" on:change=move |ev| change(&|d| d.priority = number_of(&ev) as i32)>
                {labels::priorities().map(|(v, label)| view! {
                    <option value=v.to_string() selected=move || shown().priority == v>{label}</option>
                }).collect_view()}
            </select>
            <label for="type">"Type"</label>
            <select id="type" on:change=move |ev| change(&|d| d.request_type = number_of(&ev) as i32)>
                {labels::request_types().map(|(v, label)| view! {
                    <option value=v.to_string() selected=move || shown().request_type == v>{label}</option>
                }).collect_view()}
            </select>
            <div class="choice">
                <input type="checkbox" id="manage-confidential" prop:checked=move || shown().confidential
                    aria-describedby="manage-confidential-means"
                    on:change=move |ev| change(&|d| d.confidential = event_target_checked(&ev))/>
                <label for="manage-confidential">"Confidential"</label>
            </div>
            <p class="help" id="manage-confidential-means">{move || labels::confidentiality_means(shown().confidential)}</p>
            <ErrorNote message=error/>
            <button type="submit" class="secondary">"Save changes"</button>
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
    }
}
