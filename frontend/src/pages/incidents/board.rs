//! The live incident board, `/incidents/N`: a header (title, severity, phase, commander, how long
//! it has run, the affected communities, and the next update counting down), the phase steps,
//! the composer for updates, the timeline (newest last, live, internal entries marked), and for
//! the team the roles, the linked tickets and the status-page switch. The page reads the
//! incident once into an [`IncidentStore`]; the page's one stream patches it. Parts render once
//! and bind to the store, so what someone is typing survives every live change.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_domain::incident::{Phase, Step, steps_from};
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;
use steward_proto::v1::incident_entry::Entry;

use crate::api::{self, ApiError, error_reason, labels, local_time};
use crate::components::markdown::Markdown;
use crate::components::paging::PagesPanel;
use crate::components::template_picker::{Filling, TemplatePicker};
use crate::components::{ErrorNote, FieldError, StaleNote};
use crate::live::{self, LiveEvent, Watch};
use crate::state::user::{CurrentUser, is_staff};

/// How many timeline entries are drawn at first (the newest); earlier ones on request.
const SHOWN_AT_FIRST: usize = 200;

#[component]
pub fn IncidentPage() -> impl IntoView {
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0)));
    crate::components::title::page_title(move || format!("Incident #{}", number.get()));
    move || {
        let number = number.get();
        view! { <LoadedIncident number/> }
    }
}

async fn read(number: i64) -> Result<tonic::Response<pb::GetIncidentResponse>, tonic::Status> {
    api::incidents().get_incident(pb::GetIncidentRequest { number }).await
}

/// What the board shows, one signal per part.
#[derive(Clone, Copy)]
pub struct IncidentStore {
    pub number: i64,
    pub incident: RwSignal<pb::Incident>,
    pub roles: RwSignal<Vec<pb::IncidentRoleAssignment>>,
    pub tickets: RwSignal<Vec<pb::IncidentTicket>>,
    pub timeline: RwSignal<Vec<pb::IncidentEntry>>,
    /// Staff only: the entries pinned as key moments.
    pub pinned: RwSignal<Vec<i64>>,
    /// Staff only: the response's tasks.
    pub tasks: RwSignal<Vec<pb::IncidentTask>>,
    /// Staff only: its pages (production down), newest first; `None` until read.
    pub pages: RwSignal<Option<Vec<pb::Page>>>,
    /// Why bringing the page up to date failed, while it is being tried again.
    pub stale: RwSignal<Option<String>>,
    /// The signed-in person runs incidents (staff).
    pub staff: bool,
    pub me: i64,
}

impl IncidentStore {
    fn new(response: pb::GetIncidentResponse, staff: bool, me: i64) -> IncidentStore {
        IncidentStore {
            number: response.incident.as_ref().map_or(0, |i| i.number),
            incident: RwSignal::new(response.incident.unwrap_or_default()),
            roles: RwSignal::new(response.roles),
            tickets: RwSignal::new(response.tickets),
            timeline: RwSignal::new(response.timeline),
            pinned: RwSignal::new(response.pinned_entry_ids),
            tasks: RwSignal::new(response.tasks),
            pages: RwSignal::new(None),
            stale: RwSignal::new(None),
            staff,
            me,
        }
    }

    /// Shows the incident as an answer or the stream has it, if it is newer than what is shown.
    pub fn show(&self, incident: pb::Incident) {
        if incident.version > self.incident.with_untracked(|i| i.version) {
            self.incident.set(incident);
        }
    }

    fn replace(&self, response: pb::GetIncidentResponse) {
        if let Some(incident) = response.incident {
            self.incident.set(incident);
        }
        self.roles.set(response.roles);
        self.tickets.set(response.tickets);
        self.timeline.set(response.timeline);
        self.pinned.set(response.pinned_entry_ids);
        self.tasks.set(response.tasks);
    }

    /// Patches the pins and tasks an entry changed (the entry carries all they need).
    fn patch(&self, entry: &pb::IncidentEntry) {
        match &entry.entry {
            Some(Entry::EntryPinned(pin)) => self.pinned.update(|pinned| {
                pinned.retain(|id| *id != pin.entry_id);
                if pin.pinned {
                    pinned.push(pin.entry_id);
                }
            }),
            Some(Entry::TaskAdded(added)) => self.tasks.update(|tasks| {
                if !tasks.iter().any(|t| t.id == added.task_id) {
                    tasks.push(pb::IncidentTask {
                        id: added.task_id,
                        title: added.title.clone(),
                        owner: added.owner.clone(),
                        due_at: added.due_at,
                        done: false,
                    });
                }
            }),
            Some(Entry::TaskUpdated(updated)) => self.tasks.update(|tasks| {
                if let Some(task) = tasks.iter_mut().find(|t| t.id == updated.task_id) {
                    task.owner = updated.owner.clone();
                    task.done = updated.done;
                }
            }),
            _ => {}
        }
    }

    /// Applies one change from the stream: the header if newer, the entry if new; a change to
    /// the team or the links reads those again.
    fn apply(&self, change: pb::IncidentChange) {
        if let Some(incident) = change.incident {
            self.show(incident);
        }
        let Some(entry) = change.entry else { return };
        let reread =
            matches!(entry.entry, Some(Entry::CommandHandedOver(_) | Entry::RoleChanged(_) | Entry::TicketLinked(_)));
        if matches!(entry.entry, Some(Entry::Paged(_) | Entry::PageAcknowledged(_) | Entry::PageEnded(_))) {
            self.load_pages();
        }
        let last = self.timeline.with_untracked(|t| t.last().map_or(0, |e| e.id));
        if entry.id > last {
            self.patch(&entry);
            self.timeline.update(|t| t.push(entry));
        }
        if reread && self.staff {
            let store = *self;
            leptos::task::spawn_local(async move {
                let number = store.number;
                if let Some(response) = api::read_in_background(store.stale, move || read(number)).await {
                    store.roles.set(response.roles);
                    store.tickets.set(response.tickets);
                }
            });
        }
    }

    /// Reads the incident's pages (the team's).
    fn load_pages(&self) {
        if self.staff {
            let about = pb::list_pages_request::About::IncidentNumber(self.number);
            crate::components::paging::load(about, self.pages, self.stale);
        }
    }

    fn phase(&self) -> Option<Phase> {
        self.incident.with(|i| Phase::from_wire_lossy(i.phase))
    }
}

#[component]
fn LoadedIncident(number: i64) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<IncidentStore, ApiError>>);
    let user = expect_context::<CurrentUser>();
    let person = user.0.get_untracked();
    let staff = person.as_ref().is_some_and(is_staff);
    let me = person.as_ref().map_or(0, |p| p.id);
    let owner = Owner::current().expect("the incident page has an owner");
    leptos::task::spawn_local(async move {
        let response = api::read(move || read(number)).await;
        let position = response.as_ref().ok().and_then(|r| r.position);
        let store = response.map(|r| IncidentStore::new(r, staff, me));
        if let Ok(store) = store {
            owner.with(|| follow(store, position));
            store.load_pages();
        }
        loaded.try_set(Some(store));
    });
    move || match loaded.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) if error.is_not_found() => view! {
            <h1>"Incident not found"</h1>
            <p>{format!("There is no incident {number}, or it does not affect a community of yours.")}</p>
            <p><a href="/incidents">"Back to Incidents"</a></p>
        }
        .into_any(),
        Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
        Some(Ok(store)) => view! { <IncidentView store/> }.into_any(),
    }
}

fn follow(store: IncidentStore, position: Option<pb::LivePosition>) {
    let number = store.number;
    live::watch(Watch { incident_numbers: vec![number], ..Default::default() }, position, move |event| match event {
        LiveEvent::Incident(change) => store.apply(*change),
        LiveEvent::Resync => {
            leptos::task::spawn_local(async move {
                if let Some(response) = api::read_in_background(store.stale, move || read(number)).await {
                    store.replace(response);
                }
            });
        }
        LiveEvent::Live { .. } | LiveEvent::Change(_) => {}
    });
}

#[component]
fn IncidentView(store: IncidentStore) -> impl IntoView {
    crate::components::title::page_title(move || {
        store.incident.with(|i| format!("Incident #{} {}", i.number, i.title))
    });
    view! {
        <article class="incident">
            <StaleNote problem=store.stale/>
            <IncidentHeader store/>
            <div class="ticket-layout">
                <div class="ticket-main">
                    {store.staff.then(|| view! { <Steps store/> })}
                    {(!store.staff).then(|| view! { <Confirm store/> })}
                    <ReportLink store/>
                    {store.staff.then(|| view! { <Composer store/> })}
                    {store.staff.then(|| view! { <Tasks store/> })}
                    <Timeline store/>
                </div>
                {store.staff.then(|| view! {
                    <aside class="ticket-side" aria-label="Response team and links">
                        <PagesPanel pages=store.pages/>
                        <Team store/>
                        <LinkedTickets store/>
                        <Publicity store/>
                    </aside>
                })}
            </div>
        </article>
    }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[component]
fn IncidentHeader(store: IncidentStore) -> impl IntoView {
    let incident = store.incident;
    let now = RwSignal::new(now_seconds());
    let tick = set_interval_with_handle(move || now.set(now_seconds()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    let commands = move || incident.with(|i| i.commander.as_ref().is_some_and(|c| c.id == store.me));
    let running = move || {
        incident.with(|i| {
            let from = i.declared_at.as_ref().map_or(0, |t| t.seconds);
            let to = i.resolved_at.as_ref().map_or_else(|| now.get(), |t| t.seconds);
            labels::duration((to - from).max(0) / 60)
        })
    };
    let due = move || {
        incident.with(|i| {
            i.next_update_due
                .as_ref()
                .filter(|_| steward_proto::domain::incident_active(i.phase))
                .map(|due| labels::countdown(due.seconds, now.get()))
        })
    };
    view! {
        <header class="incident-header">
            <h1>{move || incident.with(|i| format!("Incident {}: {}", i.number, i.title))}</h1>
            <Show when=commands>
                <p class="you-command" role="status">"You are the incident commander."</p>
            </Show>
            <p class="badges">
                <span class="badge priority">{move || incident.with(|i| labels::priority(i.severity))}</span>
                <span class="badge phase">{move || incident.with(|i| labels::phase(i.phase))}</span>
                {move || incident.with(|i| i.public).then(|| view! { <span class="badge public">"On the status page"</span> })}
            </p>
            <dl class="facts">
                <dt>"Commander"</dt>
                <dd class="commander">{move || incident.with(|i| i.commander.as_ref().map(|c| c.display_name.clone()).unwrap_or_default())}</dd>
                <dt>"Declared"</dt>
                <dd>{move || incident.with(|i| format!("{} by {}", local_time(&i.declared_at),
                    i.declared_by.as_ref().map(|p| p.display_name.clone()).unwrap_or_default()))}</dd>
                <dt>{move || if incident.with(|i| i.resolved_at.is_some()) { "Lasted" } else { "Running for" }}</dt>
                <dd>{running}</dd>
                <dt>"Affected"</dt>
                <dd class="affected">{move || incident.with(|i| {
                    let names: Vec<String> = i.affected_communities.iter().map(|c| c.name.clone()).collect();
                    if names.is_empty() { "No community yet".to_owned() } else { names.join(", ") }
                })}</dd>
                {move || due().map(|(late, text)| view! {
                    <dt>"Next update"</dt>
                    <dd class="next-update" class:overdue=late role=if late { "alert" } else { "timer" }>{text}</dd>
                })}
            </dl>
        </header>
    }
}

/// Staff: the phase steps the domain allows from here.
#[component]
fn Steps(store: IncidentStore) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let resolve_tickets = RwSignal::new(true);
    let outcome = RwSignal::new(None::<String>);
    let take = move |step: Step| {
        busy.set(true);
        let request = pb::StepIncidentRequest {
            number: store.number,
            expected_version: store.incident.with_untracked(|i| i.version),
            step: step.to_wire() as i32,
            resolve_linked_tickets: step == Step::Resolve && resolve_tickets.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::incidents().step_incident(request).await {
                Ok(response) => {
                    let response = response.into_inner();
                    if let Some(incident) = response.incident {
                        store.show(incident);
                    }
                    let left: Vec<String> =
                        response.tickets_left.iter().map(|t| format!("#{}: {}", t.number, t.reason)).collect();
                    outcome.set((!response.tickets_resolved.is_empty() || !left.is_empty()).then(|| {
                        let resolved: Vec<String> = response.tickets_resolved.iter().map(|n| format!("#{n}")).collect();
                        let mut text = String::new();
                        if !resolved.is_empty() {
                            text.push_str(&format!("Resolved with it: {}. ", resolved.join(", ")));
                        }
                        if !left.is_empty() {
                            text.push_str(&format!("Left as they were: {}.", left.join("; ")));
                        }
                        text
                    }));
                    error.set(None);
                }
                Err(status) => {
                    let stale = error_reason(&status).as_deref() == Some("STALE_VERSION");
                    let message = ApiError::from(status).message;
                    error.set(Some(if stale {
                        format!("{message} The board now shows the incident as it is; check it and try again.")
                    } else {
                        message
                    }));
                }
            }
            busy.set(false);
        });
    };
    let steps = move || store.phase().map(steps_from).unwrap_or_default();
    view! {
        <section class="incident-steps" aria-label="Phase">
            {move || steps().into_iter().map(|step| view! {
                <button type="button" class:secondary=step != Step::Resolve && step != Step::Close
                    disabled=move || busy.get() on:click=move |_| take(step)>{step.label()}</button>
            }).collect_view()}
            <Show when=move || steps().contains(&Step::Resolve)>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || resolve_tickets.get()
                        on:change=move |ev| resolve_tickets.set(event_target_checked(&ev))/>
                    " Resolving also resolves the linked tickets"
                </label>
            </Show>
            <ErrorNote message=error/>
            {move || outcome.get().map(|text| view! { <p role="status">{text}</p> })}
        </section>
    }
}

/// A representative: confirm, for her community, that the incident is over.
#[component]
fn Confirm(store: IncidentStore) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let confirm = move |_| {
        let request = pb::ConfirmIncidentResolutionRequest { number: store.number };
        leptos::task::spawn_local(async move {
            match api::incidents().confirm_incident_resolution(request).await {
                Ok(response) => {
                    if let Some(incident) = response.into_inner().incident {
                        store.show(incident);
                    }
                    done.set(true);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    view! {
        <Show when=move || store.phase() == Some(Phase::Resolved)>
            <section class="confirm">
                <p>"The support team believes this incident is resolved."</p>
                <Show when=move || !done.get() fallback=|| view! { <p role="status">"Thank you: your confirmation is recorded."</p> }>
                    <button type="button" on:click=confirm>"Confirm it works again for us"</button>
                </Show>
                <ErrorNote message=error/>
            </section>
        </Show>
    }
}

#[component]
fn ReportLink(store: IncidentStore) -> impl IntoView {
    let shown = move || matches!(store.phase(), Some(Phase::Resolved | Phase::Closed));
    view! {
        <Show when=shown>
            <p class="report-link"><a href=format!("/incidents/{}/report", store.number)>"The incident report"</a></p>
        </Show>
    }
}

/// Staff: an update, public (a reply on every linked ticket, and the status view) or internal.
#[component]
fn Composer(store: IncidentStore) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let public = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let request = pb::PostIncidentUpdateRequest {
            number: store.number,
            body: body.get_untracked(),
            public: public.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::incidents().post_incident_update(request).await {
                Ok(response) => {
                    if let Some(incident) = response.into_inner().incident {
                        store.show(incident);
                    }
                    body.set(String::new());
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let reach = move || {
        let tickets = store.tickets.with(Vec::len);
        format!("Goes out as a public reply on {tickets} linked ticket(s) and shows on the status view.")
    };
    let body_error = Signal::derive(move || error.get().and_then(|e| e.field("body")));
    view! {
        <section class="composer" aria-labelledby="composer-heading">
            <h2 id="composer-heading">"Post an update"</h2>
            <TemplatePicker filling=Filling::Incident(store.number) body legend="Start from a template" button="Fill in the update"/>
            <form class="reply" on:submit=send>
                <label for="update-body">"Update"</label>
                <textarea id="update-body" rows="5" bind:value=body aria-describedby="update-body-error"></textarea>
                <FieldError id="update-body-error" message=body_error/>
                <fieldset class="visibility">
                    <legend>"Who reads it"</legend>
                    <input type="radio" name="update-visibility" id="update-public" prop:checked=move || public.get()
                        on:change=move |_| public.set(true)/>
                    <label for="update-public">"Public update"</label>
                    <input type="radio" name="update-visibility" id="update-internal" prop:checked=move || !public.get()
                        on:change=move |_| public.set(false)/>
                    <label for="update-internal">"Internal note (the team only)"</label>
                </fieldset>
                <p class="hint">{move || if public.get() { reach() } else { "Only the response team sees it.".to_owned() }}</p>
                <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                <button type="submit" disabled=move || busy.get()>"Post"</button>
            </form>
        </section>
    }
}

/// The timeline, oldest first and newest last; only the newest entries are drawn until earlier
/// ones are asked for, so a long incident opens at once. Entries arrive live at the end.
#[component]
fn Timeline(store: IncidentStore) -> impl IntoView {
    let shown = RwSignal::new(SHOWN_AT_FIRST);
    let hidden = move || store.timeline.with(Vec::len).saturating_sub(shown.get());
    let visible = move || {
        store.timeline.with(|t| {
            let from = t.len().saturating_sub(shown.get());
            t[from..].to_vec()
        })
    };
    view! {
        <section class="timeline" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Timeline"</h2>
            <Show when=move || { hidden() > 0 }>
                <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += 1_000)>
                    {move || format!("Show {} earlier entries", hidden().min(1_000))}
                </button>
            </Show>
            <ol class="incident-timeline">
                <For each=visible key=|entry| entry.id let:entry>
                    <TimelineEntry entry store/>
                </For>
            </ol>
        </section>
    }
}

#[component]
fn TimelineEntry(entry: pb::IncidentEntry, store: IncidentStore) -> impl IntoView {
    let id = entry.id;
    let pinned = move || store.pinned.with(|p| p.contains(&id));
    let pin = move |_| {
        let request = pb::PinIncidentEntryRequest { number: store.number, entry_id: id, pinned: !pinned() };
        leptos::task::spawn_local(async move {
            match api::incidents().pin_incident_entry(request).await {
                Ok(response) => {
                    if let Some(incident) = response.into_inner().incident {
                        store.show(incident);
                    }
                    store.stale.set(None);
                }
                Err(status) => store.stale.set(Some(ApiError::from(status).message)),
            }
        });
    };
    let sentence = labels::incident_entry(&entry);
    let update = match &entry.entry {
        Some(Entry::UpdatePosted(update)) => Some(update.body_html.clone()),
        _ => None,
    };
    let is_update = update.is_some();
    let public_update = matches!(&entry.entry, Some(Entry::UpdatePosted(u)) if u.public);
    view! {
        <li class="entry" class:internal=entry.internal class:update=is_update class:pinned=pinned data-entry=entry.id>
            <p class="entry-line">
                {store.staff.then(|| view! {
                    <button type="button" class="pin" aria-pressed=move || pinned().to_string()
                        title="A key moment: the report's timeline is drafted from the pinned entries"
                        on:click=pin>{move || if pinned() { "Unpin" } else { "Pin" }}</button>
                })}
                {move || pinned().then(|| view! { <span class="badge pinned">"Key moment"</span> })}
                <time>{local_time(&entry.at)}</time>" "
                {entry.internal.then(|| view! { <span class="badge internal">"Internal"</span> })}
                {public_update.then(|| view! { <span class="badge public">"Public"</span> })}
                " "{sentence}
            </p>
            {update.map(|html| view! { <Markdown html/> })}
        </li>
    }
}

/// Staff: who plays which part now, the handover, and adding or removing helpers.
#[component]
fn Team(store: IncidentStore) -> impl IntoView {
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let error = RwSignal::new(None::<String>);
    let handover_to = RwSignal::new(0i64);
    let helper = RwSignal::new(0i64);
    let helper_role = RwSignal::new(pb::IncidentRole::SubjectMatterExpert as i32);
    let answer = move |result: Result<Option<pb::Incident>, tonic::Status>| match result {
        Ok(incident) => {
            if let Some(incident) = incident {
                store.show(incident);
            }
            error.set(None);
            leptos::task::spawn_local(async move {
                let number = store.number;
                if let Some(response) = api::read_in_background(store.stale, move || read(number)).await {
                    store.roles.set(response.roles);
                }
            });
        }
        Err(status) => error.set(Some(ApiError::from(status).message)),
    };
    let hand_over = move |_| {
        let request = pb::HandOverCommandRequest { number: store.number, person_id: handover_to.get_untracked() };
        leptos::task::spawn_local(async move {
            answer(api::incidents().hand_over_command(request).await.map(|r| r.into_inner().incident));
        });
    };
    let set_role = move |person_id: i64, role: i32, joined: bool| {
        let request = pb::SetIncidentRoleRequest { number: store.number, person_id, role, joined };
        leptos::task::spawn_local(async move {
            answer(api::incidents().set_incident_role(request).await.map(|r| r.into_inner().incident));
        });
    };
    let current =
        move || store.roles.with(|roles| roles.iter().filter(|r| r.ended_at.is_none()).cloned().collect::<Vec<_>>());
    let people = move || staff.get().flatten().unwrap_or_default();
    view! {
        <section class="team" aria-labelledby="team-heading">
            <h2 id="team-heading">"Response team"</h2>
            <ul class="roles">
                {move || current().into_iter().map(|r| {
                    let person = r.person.clone().unwrap_or_default();
                    let commander = r.role == pb::IncidentRole::Commander as i32;
                    view! {
                        <li>
                            <strong>{person.display_name.clone()}</strong>" — "{labels::incident_role(r.role)}
                            <span class="since">{format!(" since {}", local_time(&r.started_at))}</span>
                            {(!commander).then(|| view! {
                                <button type="button" class="link" aria-label=format!("Take {} off the team", person.display_name)
                                    on:click=move |_| set_role(person.id, r.role, false)>"Remove"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <label for="handover-to">"Hand command to"</label>
            <select id="handover-to" on:change=move |ev| handover_to.set(event_target_value(&ev).parse().unwrap_or(0))>
                <option value="0">"Choose…"</option>
                {move || people().into_iter().map(|p| view! { <option value=p.id>{p.display_name}</option> }).collect_view()}
            </select>
            <button type="button" on:click=hand_over disabled=move || handover_to.get() == 0>"Hand over command"</button>
            <label for="helper">"Add to the team"</label>
            <select id="helper" on:change=move |ev| helper.set(event_target_value(&ev).parse().unwrap_or(0))>
                <option value="0">"Choose…"</option>
                {move || people().into_iter().map(|p| view! { <option value=p.id>{p.display_name}</option> }).collect_view()}
            </select>
            <select id="helper-role" aria-label="Role" on:change=move |ev| helper_role.set(event_target_value(&ev).parse().unwrap_or(0))>
                <option value=pb::IncidentRole::SubjectMatterExpert as i32>"Subject-matter expert"</option>
                <option value=pb::IncidentRole::SupportSteward as i32>"Support steward"</option>
            </select>
            <button type="button" class="secondary" disabled=move || helper.get() == 0
                on:click=move |_| set_role(helper.get_untracked(), helper_role.get_untracked(), true)>"Add"</button>
            <ErrorNote message=error/>
        </section>
    }
}

/// Staff: the linked tickets, linking another, and naming a community affected by hand.
#[component]
fn LinkedTickets(store: IncidentStore) -> impl IntoView {
    let ticket = RwSignal::new(String::new());
    let community = RwSignal::new(0i64);
    let error = RwSignal::new(None::<ApiError>);
    let communities = LocalResource::new(|| async {
        api::directory().list_communities(pb::ListCommunitiesRequest {}).await.map(|r| r.into_inner().communities).ok()
    });
    let answer = move |result: Result<Option<pb::Incident>, tonic::Status>| match result {
        Ok(incident) => {
            if let Some(incident) = incident {
                store.show(incident);
            }
            error.set(None);
            ticket.set(String::new());
            leptos::task::spawn_local(async move {
                let number = store.number;
                if let Some(response) = api::read_in_background(store.stale, move || read(number)).await {
                    store.tickets.set(response.tickets);
                }
            });
        }
        Err(status) => error.set(Some(ApiError::from(status))),
    };
    let link = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = ticket.get_untracked();
        let ticket_number = typed.trim().trim_start_matches('#').parse::<i64>().unwrap_or(0);
        let request = pb::LinkIncidentTicketRequest { number: store.number, ticket_number };
        leptos::task::spawn_local(async move {
            answer(api::incidents().link_incident_ticket(request).await.map(|r| r.into_inner().incident));
        });
    };
    let add_community = move |_| {
        let request = pb::AddAffectedCommunityRequest { number: store.number, community_id: community.get_untracked() };
        leptos::task::spawn_local(async move {
            answer(api::incidents().add_affected_community(request).await.map(|r| r.into_inner().incident));
        });
    };
    let ticket_error = Signal::derive(move || error.get().and_then(|e| e.field("ticket_number")));
    view! {
        <section class="linked" aria-labelledby="linked-heading">
            <h2 id="linked-heading">"Linked tickets"</h2>
            <ul>
                {move || store.tickets.get().into_iter().map(|t| view! {
                    <li><a href=format!("/tickets/{}", t.number)>{format!("#{} {}", t.number, t.title)}</a>
                        {format!(" ({})", t.community.map(|c| c.name).unwrap_or_default())}</li>
                }).collect_view()}
            </ul>
            <form on:submit=link>
                <label for="link-ticket">"Link ticket number"</label>
                <input id="link-ticket" inputmode="numeric" bind:value=ticket aria-describedby="link-ticket-error"/>
                <FieldError id="link-ticket-error" message=ticket_error/>
                <button type="submit" class="secondary">"Link"</button>
            </form>
            <label for="affected-community">"Also affected"</label>
            <select id="affected-community" on:change=move |ev| community.set(event_target_value(&ev).parse().unwrap_or(0))>
                <option value="0">"Choose a community…"</option>
                {move || communities.get().flatten().unwrap_or_default().into_iter().map(|c| view! {
                    <option value=c.id>{c.name}</option>
                }).collect_view()}
            </select>
            <button type="button" class="secondary" disabled=move || community.get() == 0 on:click=add_community>"Add"</button>
            <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
        </section>
    }
}

/// Staff: whether the public status page shows the incident.
#[component]
fn Publicity(store: IncidentStore) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let set = move |public: bool| {
        let request = pb::SetIncidentPublicRequest { number: store.number, public };
        leptos::task::spawn_local(async move {
            match api::incidents().set_incident_public(request).await {
                Ok(response) => {
                    if let Some(incident) = response.into_inner().incident {
                        store.show(incident);
                    }
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    view! {
        <section class="publicity" aria-labelledby="publicity-heading">
            <h2 id="publicity-heading">"Status page"</h2>
            <label class="inline">
                <input type="checkbox" prop:checked=move || store.incident.with(|i| i.public)
                    on:change=move |ev| set(event_target_checked(&ev))/>
                " Show on the public status page (title, phase, affected communities and public updates)"
            </label>
            <p><a href="/status">"See the status page"</a></p>
            <ErrorNote message=error/>
        </section>
    }
}

/// Staff: the response's task list (owner, status, due).
#[component]
fn Tasks(store: IncidentStore) -> impl IntoView {
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let title = RwSignal::new(String::new());
    let owner = RwSignal::new(0i64);
    let due = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::AddIncidentTaskRequest {
            number: store.number,
            title: title.get_untracked(),
            owner_id: owner.get_untracked(),
            due_at: super::report::from_input(&due.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::incidents().add_incident_task(request).await {
                Ok(response) => {
                    let response = response.into_inner();
                    if let Some(incident) = response.incident {
                        store.show(incident);
                    }
                    store.tasks.set(response.tasks);
                    title.set(String::new());
                    due.set(String::new());
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let set = move |task: pb::IncidentTask, owner_id: i64, done: bool| {
        let request = pb::SetIncidentTaskRequest { number: store.number, task_id: task.id, owner_id, done };
        leptos::task::spawn_local(async move {
            match api::incidents().set_incident_task(request).await {
                Ok(response) => {
                    let response = response.into_inner();
                    if let Some(incident) = response.incident {
                        store.show(incident);
                    }
                    store.tasks.set(response.tasks);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let people = move || staff.get().flatten().unwrap_or_default();
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let now = now_seconds();
    view! {
        <section class="tasks" aria-labelledby="tasks-heading">
            <h2 id="tasks-heading">"Tasks"</h2>
            <ul class="incident-tasks">
                {move || store.tasks.get().into_iter().map(|task| {
                    let id = task.id;
                    let owner_id = task.owner.as_ref().map_or(0, |p| p.id);
                    let late = !task.done && task.due_at.as_ref().is_some_and(|d| d.seconds < now);
                    let (done_task, owner_task) = (task.clone(), task.clone());
                    view! {
                        <li class:done=task.done class:overdue=late>
                            <input type="checkbox" id=format!("task-{id}") prop:checked=task.done
                                on:change=move |ev| set(done_task.clone(), owner_id, event_target_checked(&ev))/>
                            <label for=format!("task-{id}")>{task.title.clone()}</label>
                            {task.due_at.is_some().then(|| view! { <span class="due">{format!(" due {}", local_time(&task.due_at))}</span> })}
                            <select aria-label=format!("Owner of {}", task.title)
                                on:change=move |ev| set(owner_task.clone(), event_target_value(&ev).parse().unwrap_or(0), owner_task.done)>
                                <option value="0" selected=owner_id == 0>"Nobody yet"</option>
                                {people().into_iter().map(|p| view! {
                                    <option value=p.id selected=p.id == owner_id>{p.display_name}</option>
                                }).collect_view()}
                            </select>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="task" on:submit=add novalidate>
                <label for="task-title">"New task"</label>
                <input id="task-title" bind:value=title aria-describedby="task-title-error"/>
                <FieldError id="task-title-error" message=field("title")/>
                <label for="task-owner">"Owner"</label>
                <select id="task-owner" aria-describedby="task-owner-error"
                    on:change=move |ev| owner.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">"Nobody yet"</option>
                    {move || people().into_iter().map(|p| view! { <option value=p.id>{p.display_name}</option> }).collect_view()}
                </select>
                <FieldError id="task-owner-error" message=field("owner_id")/>
                <label for="task-due">"Due"</label>
                <input id="task-due" type="datetime-local" bind:value=due aria-describedby="task-due-error"/>
                <FieldError id="task-due-error" message=field("due_at")/>
                <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                <button type="submit" class="secondary">"Add task"</button>
            </form>
        </section>
    }
}
