//! Incidents (seed 002): the list (`/incidents`, active first, filterable, live), the form that
//! declares one, the live incident board (`board`), and the blameless report (`report`).
//! Representatives see the incidents that affect their communities, with public entries only;
//! the server decides that, this only shows what it is given.

pub mod board;
pub mod report;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::components::{ErrorNote, FieldError, Required};
use crate::live::{self, Watch};
use crate::state::user::{CurrentUser, is_staff};

/// Which incidents the list shows (the `show` query parameter).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Active,
    Recent,
    All,
}

impl Shown {
    fn parse(value: Option<String>) -> Shown {
        match value.as_deref() {
            Some("recent") => Shown::Recent,
            Some("all") => Shown::All,
            _ => Shown::Active,
        }
    }

    fn keeps(self, incident: &pb::Incident) -> bool {
        let active = is_active(incident.phase);
        match self {
            Shown::Active => active,
            Shown::Recent => !active,
            Shown::All => true,
        }
    }
}

use steward_proto::domain::incident_active as is_active;

#[component]
pub fn IncidentsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Incidents".to_owned());
    let user = expect_context::<CurrentUser>();
    let staff = user.get().as_ref().is_some_and(is_staff);
    let query = use_query_map();
    let shown = Memo::new(move |_| Shown::parse(query.with(|q| q.get("show"))));
    let incidents = RwSignal::new(None::<Result<Vec<pb::Incident>, ApiError>>);
    let fetch = move || {
        leptos::task::spawn_local(async move {
            let answer =
                api::read(|| async { api::incidents().list_incidents(pb::ListIncidentsRequest::default()).await })
                    .await
                    .map(|r| r.incidents);
            incidents.try_set(Some(answer));
        });
    };
    fetch();
    live::refresh_on_change(Watch { all_incidents: true, ..Default::default() }, fetch);
    let navigate = use_navigate();
    let choose = move |value: String| {
        navigate(&format!("/incidents?show={value}"), NavigateOptions { replace: true, ..Default::default() });
    };
    view! {
        <h1>"Incidents"</h1>
        {(!staff).then(|| view! {
            <p class="hint">"Incidents that affect your communities, with the updates the support team posts."</p>
        })}
        {staff.then(|| view! { <DeclareForm/> })}
        <div class="filters">
            <label for="incident-filter">"Show"</label>
            <select id="incident-filter" on:change=move |ev| choose(event_target_value(&ev))>
                <option value="active" selected=move || shown.get() == Shown::Active>"Active"</option>
                <option value="recent" selected=move || shown.get() == Shown::Recent>"Resolved and closed"</option>
                <option value="all" selected=move || shown.get() == Shown::All>"All"</option>
            </select>
        </div>
        {move || match incidents.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(list)) => {
                let list: Vec<pb::Incident> = list.into_iter().filter(|i| shown.get().keeps(i)).collect();
                if list.is_empty() {
                    return view! { <p class="empty">"No incidents here."</p> }.into_any();
                }
                view! { <IncidentTable list staff/> }.into_any()
            }
        }}
    }
}

#[component]
fn IncidentTable(list: Vec<pb::Incident>, staff: bool) -> impl IntoView {
    let now = js_sys::Date::now() as i64 / 1000;
    view! {
        <table class="incidents">
            <thead><tr>
                <th scope="col">"Incident"</th><th scope="col">"Severity"</th><th scope="col">"Phase"</th>
                <th scope="col">"Commander"</th><th scope="col">"Affected"</th><th scope="col">"Declared"</th>
                <th scope="col">"Attention"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|i| {
                    let mut attention = Vec::new();
                    if let Some(due) = i.next_update_due.as_ref().filter(|_| is_active(i.phase)) {
                        let (late, text) = labels::countdown(due.seconds, now);
                        attention.push((late, format!("Next update {text}")));
                    }
                    if staff && i.report_overdue {
                        attention.push((true, "Report overdue".to_owned()));
                    }
                    if staff && i.overdue_action_items > 0 {
                        attention.push((true, format!("{} action items overdue", i.overdue_action_items)));
                    }
                    view! {
                        <tr class:active=is_active(i.phase)>
                            <td><a href=format!("/incidents/{}", i.number)>{format!("Incident {}: {}", i.number, i.title)}</a></td>
                            <td>{labels::priority(i.severity)}</td>
                            <td><span class="badge phase">{labels::phase(i.phase)}</span></td>
                            <td>{i.commander.as_ref().map(|p| p.display_name.clone()).unwrap_or_default()}</td>
                            <td>{i.affected_communities.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                            <td>{local_time(&i.declared_at)}</td>
                            <td>{attention.into_iter().map(|(late, text)| view! {
                                <span class="attention" class:overdue=late>{text}</span>
                            }).collect_view()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Staff: declare an incident from scratch (from a ticket, it is the ticket's "Escalate").
#[component]
fn DeclareForm() -> impl IntoView {
    let title = RwSignal::new(String::new());
    let severity = RwSignal::new(pb::Priority::Urgent as i32);
    let commander = RwSignal::new(0i64);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let request = pb::DeclareIncidentRequest {
            title: title.get_untracked(),
            severity: severity.get_untracked(),
            commander_id: commander.get_untracked(),
            escalated_ticket_number: 0,
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::incidents().declare_incident(request).await {
                Ok(response) => {
                    if let Some(incident) = response.into_inner().incident {
                        navigate(&format!("/incidents/{}", incident.number), NavigateOptions::default());
                    }
                }
                Err(status) => {
                    error.set(Some(ApiError::from(status)));
                    busy.set(false);
                }
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" on:click=move |_| open.set(true)>"Declare an incident"</button>
        }>
            <form class="declare" on:submit=submit.clone()>
                <h2>"Declare an incident"</h2>
                <label for="incident-title">"What is broken" <Required/></label>
                <input id="incident-title" bind:value=title aria-describedby="incident-title-error"
                    placeholder="Hubs cannot start servers"/>
                <FieldError id="incident-title-error" message=field("title")/>
                <label for="incident-severity">"Severity"</label>
                <select id="incident-severity" aria-describedby="incident-severity-error"
                    on:change=move |ev| severity.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {labels::priorities().map(|(value, label)| view! {
                        <option value=value selected=move || severity.get() == value>{label}</option>
                    }).collect_view()}
                </select>
                <FieldError id="incident-severity-error" message=field("severity")/>
                <label for="incident-commander">"Incident commander"</label>
                <select id="incident-commander" aria-describedby="incident-commander-error"
                    on:change=move |ev| commander.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">"Me"</option>
                    {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
                <FieldError id="incident-commander-error" message=field("commander_id")/>
                <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Declare"</button>
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
}
