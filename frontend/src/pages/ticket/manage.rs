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

/// A field of the form: the steward's choice, or `None` to show the ticket's value.
struct Choice<T: Clone + Send + Sync + 'static> {
    chosen: RwSignal<Option<T>>,
    current: Signal<T>,
}

impl<T: Clone + Send + Sync + 'static> Clone for Choice<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Clone + Send + Sync + 'static> Copy for Choice<T> {}

impl<T: Clone + Send + Sync + 'static> Choice<T> {
    fn new(current: Signal<T>) -> Self {
        Choice { chosen: RwSignal::new(None), current }
    }

    fn get(&self) -> T {
        self.chosen.get().unwrap_or_else(|| self.current.get())
    }

    fn get_untracked(&self) -> T {
        self.chosen.get_untracked().unwrap_or_else(|| self.current.get_untracked())
    }

    fn choose(&self, value: T) {
        self.chosen.set(Some(value));
    }

    fn forget(&self) {
        self.chosen.set(None);
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
    let assignee = Choice::new(Signal::derive(move || ticket.with(|t| t.assignee.as_ref().map_or(0, |a| a.id))));
    let priority = Choice::new(Signal::derive(move || ticket.with(|t| t.priority)));
    let request_type = Choice::new(Signal::derive(move || ticket.with(|t| t.request_type)));
    let confidential = Choice::new(Signal::derive(move || ticket.with(|t| t.confidential)));
    let scheduled_for =
        Choice::new(Signal::derive(move || ticket.with(|t| t.scheduled_for.clone().unwrap_or_default())));
    let workshop_value = RequestType::WorkshopRequest.to_wire() as i32;
    let workshop = move || request_type.get() == workshop_value;
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let is_workshop = request_type.get_untracked() == workshop_value;
        let request = pb::UpdateTicketRequest {
            number,
            expected_version: ticket.with_untracked(|t| t.version),
            // Workshops are scheduled for a day, not assigned.
            assignee_id: (!is_workshop).then(|| assignee.get_untracked()),
            priority: Some(priority.get_untracked()),
            request_type: Some(request_type.get_untracked()),
            confidential: Some(confidential.get_untracked()),
            scheduled_for: is_workshop.then(|| scheduled_for.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::tickets().update_ticket(request).await {
                Ok(response) => {
                    if let Some(updated) = response.into_inner().ticket {
                        store.show_ticket(updated);
                    }
                    // Saved: show what the ticket says from now on.
                    assignee.forget();
                    priority.forget();
                    request_type.forget();
                    confidential.forget();
                    scheduled_for.forget();
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
                <input id="scheduled-for" type="date" prop:value=move || scheduled_for.get()
                    on:input=move |ev| scheduled_for.choose(event_target_value(&ev))/>
            }>
                {move || suggestions.get().and_then(|list| list.into_iter().next()).map(|best| {
                    let person = best.person.unwrap_or_default();
                    let id = person.id;
                    view! {
                        <p class="suggestion">
                            "Suggested: " <strong>{person.display_name.clone()}</strong>
                            {format!(" ({})", best.reasons.join("; "))} " "
                            <button type="button" class="link-button" on:click=move |_| assignee.choose(id)>
                                {format!("Choose {}", person.display_name)}
                            </button>
                        </p>
                    }
                })}
                <label for="assignee">"Assignee"</label>
                <select id="assignee" on:change=move |ev| assignee.choose(number_of(&ev))>
                    <option value="0" selected=move || assignee.get() == 0>"Unassigned"</option>
                    {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.to_string() selected=move || assignee.get() == p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
            </Show>
            <label for="priority">"Priority"</label>
            <select id="priority" on:change=move |ev| priority.choose(number_of(&ev) as i32)>
                {labels::priorities().map(|(v, label)| view! {
                    <option value=v.to_string() selected=move || priority.get() == v>{label}</option>
                }).collect_view()}
            </select>
            <label for="type">"Type"</label>
            <select id="type" on:change=move |ev| request_type.choose(number_of(&ev) as i32)>
                {labels::request_types().map(|(v, label)| view! {
                    <option value=v.to_string() selected=move || request_type.get() == v>{label}</option>
                }).collect_view()}
            </select>
            <div class="choice">
                <input type="checkbox" id="manage-confidential" prop:checked=move || confidential.get()
                    on:change=move |ev| confidential.choose(event_target_checked(&ev))/>
                <label for="manage-confidential">"Confidential"</label>
            </div>
            <ErrorNote message=error/>
            <button type="submit" class="secondary">"Save changes"</button>
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
    }
}
