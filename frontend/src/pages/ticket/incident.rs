//! The incident a ticket is part of, for everyone who sees the ticket (a representative follows
//! it from here), and for staff the one action that escalates the ticket: into a new incident,
//! or into one already running.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError, labels};
use crate::components::{ErrorNote, FieldError};

#[component]
pub fn IncidentPanel(store: TicketStore) -> impl IntoView {
    let number = store.ticket.with_untracked(|t| t.number);
    let incident = RwSignal::new(None::<Option<pb::Incident>>);
    leptos::task::spawn_local(async move {
        let listed = api::read(move || async move {
            api::incidents().list_incidents(pb::ListIncidentsRequest { ticket_number: number }).await
        })
        .await;
        if let Ok(listed) = listed {
            incident.try_set(Some(listed.incidents.into_iter().next()));
        }
    });
    view! {
        {move || match incident.get() {
            Some(Some(i)) => Some(view! {
                <section class="ticket-incident" aria-label="Incident">
                    <p>"Part of "<a href=format!("/incidents/{}", i.number)>{format!("Incident {}: {}", i.number, i.title)}</a>
                        " "<span class="badge phase">{labels::phase(i.phase)}</span></p>
                </section>
            }.into_any()),
            Some(None) if store.can_manage => Some(view! { <Escalate store incident/> }.into_any()),
            _ => None,
        }}
    }
}

/// Staff: escalate the ticket into a new incident or an active one.
#[component]
fn Escalate(store: TicketStore, incident: RwSignal<Option<Option<pb::Incident>>>) -> impl IntoView {
    let (number, ticket_title, ticket_priority) =
        store.ticket.with_untracked(|t| (t.number, t.title.clone(), t.priority));
    // The board card's "Escalate" opens the form at once.
    let asked = use_query_map().with_untracked(|q| q.get("escalate").is_some());
    let open = RwSignal::new(asked);
    let into = RwSignal::new(0i64);
    let title = RwSignal::new(ticket_title);
    let severity = RwSignal::new(ticket_priority);
    let error = RwSignal::new(None::<ApiError>);
    let active = LocalResource::new(|| async {
        api::incidents().list_incidents(pb::ListIncidentsRequest::default()).await.ok().map(|r| {
            r.into_inner()
                .incidents
                .into_iter()
                .filter(|i| steward_proto::domain::incident_active(i.phase))
                .collect::<Vec<_>>()
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let existing = into.get_untracked();
        let declare = pb::DeclareIncidentRequest {
            title: title.get_untracked(),
            severity: severity.get_untracked(),
            commander_id: 0,
            escalated_ticket_number: number,
        };
        leptos::task::spawn_local(async move {
            let answer = if existing == 0 {
                api::incidents().declare_incident(declare).await.map(|r| r.into_inner().incident)
            } else {
                let link = pb::LinkIncidentTicketRequest { number: existing, ticket_number: number };
                api::incidents().link_incident_ticket(link).await.map(|r| r.into_inner().incident)
            };
            match answer {
                Ok(linked) => {
                    error.set(None);
                    incident.set(Some(linked));
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <section class="ticket-incident" aria-label="Incident">
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" class="secondary" on:click=move |_| open.set(true)>"Escalate to an incident"</button>
            }>
                <form class="escalate" on:submit=submit>
                    <label for="escalate-into">"Escalate into"</label>
                    <select id="escalate-into" on:change=move |ev| into.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">"A new incident"</option>
                        {move || active.get().flatten().unwrap_or_default().into_iter().map(|i| view! {
                            <option value=i.number>{format!("Incident {}: {}", i.number, i.title)}</option>
                        }).collect_view()}
                    </select>
                    <Show when=move || into.get() == 0>
                        <label for="escalate-title">"Incident title"</label>
                        <input id="escalate-title" bind:value=title aria-describedby="escalate-title-error"/>
                        <FieldError id="escalate-title-error" message=field("title")/>
                        <label for="escalate-severity">"Severity"</label>
                        <select id="escalate-severity" on:change=move |ev| severity.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {labels::priorities().map(|(value, label)| view! {
                                <option value=value selected=move || severity.get() == value>{label}</option>
                            }).collect_view()}
                        </select>
                    </Show>
                    <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                    <button type="submit">"Escalate"</button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </form>
            </Show>
        </section>
    }
}
