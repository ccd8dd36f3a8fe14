//! One ticket: its details and form answers, the conversation (internal notes only for staff,
//! clearly marked) with the reply box, the lifecycle steps the person may take, and for staff
//! the triage tools in a side panel. The page reads the ticket once into a [`TicketStore`] and
//! the live stream patches it from there; each part below renders once and binds to the store.

mod actions;
mod conversation;
mod history;
mod incident;
mod links;
mod manage;
mod store;
mod survey;
mod triage_panel;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::components::StaleNote;
use crate::components::attachments::FileList;
use crate::components::clocks::{ClockBadges, ClockRecord, Promises};
use crate::components::markdown::Markdown;
use crate::components::paging::PagesPanel;
use crate::components::sealed::SealedText;
use crate::live::{self, LiveEvent, Watch};
use crate::state::user::CurrentUser;
use store::TicketStore;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0)));
    // Until the ticket is read (and if it cannot be): its number.
    crate::components::title::page_title(move || format!("#{}", number.get()));
    // Another ticket is another page: everything typed on this one goes with it.
    move || {
        let number = number.get();
        view! { <LoadedTicket number/> }
    }
}

async fn read(number: i64) -> Result<tonic::Response<pb::GetTicketResponse>, tonic::Status> {
    api::tickets().get_ticket(pb::GetTicketRequest { number }).await
}

/// Tells the server the person has seen the ticket as it now is (its unread mark goes). Failing
/// costs nothing but a mark that stays: it is not worth a message.
fn mark_read(number: i64) {
    leptos::task::spawn_local(async move {
        let _ = api::tickets().mark_ticket_read(pb::MarkTicketReadRequest { number }).await;
    });
}

/// Reads the ticket, then follows it live from the position it was read at.
#[component]
fn LoadedTicket(number: i64) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<TicketStore, ApiError>>);
    let user = expect_context::<CurrentUser>();
    let owner = Owner::current().expect("the ticket page has an owner");
    leptos::task::spawn_local(async move {
        let response = api::read(move || read(number)).await;
        let position = response.as_ref().ok().and_then(|r| r.position);
        let store = response.map(TicketStore::new);
        if let Ok(store) = store {
            mark_read(number);
            owner.with(|| follow(store, number, position, user));
            store.load_pages(false);
        }
        loaded.try_set(Some(store));
    });
    move || match loaded.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) if error.is_not_found() => view! {
            <h1>"Ticket not found"</h1>
            <p>{format!("There is no ticket #{number}, or you do not have access to it.")}</p>
            <p><a href="/tickets">"Back to Tickets"</a></p>
        }
        .into_any(),
        Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
        Some(Ok(store)) => view! { <TicketView store/> }.into_any(),
    }
}

/// Applies every change to the ticket as it arrives; after a resync, reads it all again.
fn follow(store: TicketStore, number: i64, position: Option<pb::LivePosition>, user: CurrentUser) {
    let watch = Watch { ticket_numbers: vec![number], ..Default::default() };
    live::watch(watch, position, move |event| match event {
        LiveEvent::Change(change) => {
            let who = user.0.with_untracked(|person| person.as_ref().map(steward_proto::domain::principal));
            store.apply(&change, who.as_ref());
            mark_read(number);
        }
        LiveEvent::Resync => {
            leptos::task::spawn_local(async move {
                if let Some(response) = api::read_in_background(store.stale, move || read(number)).await {
                    store.replace(response);
                }
            });
        }
        LiveEvent::Live { .. } | LiveEvent::Incident(_) => {}
    });
}

#[component]
fn TicketView(store: TicketStore) -> impl IntoView {
    let ticket = store.ticket;
    crate::components::title::page_title(move || ticket.with(|t| format!("#{} {}", t.number, t.title)));
    let answers = ticket.with_untracked(|t| t.answers.clone());
    let description = store.description_html;
    view! {
        <article class="ticket">
            <StaleNote problem=store.stale/>
            // Read-only: the heading and the facts are rebuilt when the ticket changes.
            {move || ticket.with(heading)}
            <p class="badges clocks"><ClockBadges clocks=Signal::derive(move || ticket.with(|t| t.clocks.clone()))/></p>
            {(!store.can_manage).then(|| view! { <Promises clocks=Signal::derive(move || ticket.with(|t| t.clocks.clone()))/> })}
            <div class="ticket-layout">
                <div class="ticket-main">
                    <actions::Actions store/>
                    <section aria-labelledby="request-heading">
                        <h2 id="request-heading">"Request"</h2>
                        {move || view! { <Markdown html=description.get()/> }}
                        {move || view! { <FileList files=store.request_files.get()/> }}
                        {(!answers.is_empty()).then(|| view! {
                            <dl class="answers">
                                {answers.into_iter().map(|a| if a.sealed_for.is_empty() {
                                    view! { <dt>{a.label}</dt><dd>{a.value}</dd> }.into_any()
                                } else {
                                    view! { <dt>{a.label}</dt><dd><SealedText block=a.value sealed_for=a.sealed_for/></dd> }.into_any()
                                }).collect_view()}
                            </dl>
                        })}
                    </section>
                    <conversation::Conversation store/>
                    <survey::SurveyView store/>
                    <history::History store/>
                </div>
                <aside class="ticket-side" aria-label="Details and triage">
                    {store.can_manage.then(|| view! { <PagesPanel pages=store.pages/> })}
                    <incident::IncidentPanel store/>
                    {move || ticket.with(facts)}
                    <ClockRecord number=ticket.with_untracked(|t| t.number) version=Signal::derive(move || ticket.with(|t| t.version))/>
                    <links::Links store/>
                    {store.can_manage.then(|| view! { <manage::ManageForm store/> })}
                    {store.can_manage.then(|| view! { <triage_panel::TriagePanel store/> })}
                </aside>
            </div>
        </article>
    }
}

fn heading(t: &pb::Ticket) -> impl IntoView + use<> {
    view! {
        <h1>{format!("#{} {}", t.number, t.title)}</h1>
        <p class="badges">
            <span class="badge state">{labels::state(t.state)}</span>
            <span class="badge">{labels::request_type(t.request_type)}</span>
            <span class="badge priority">{labels::priority(t.priority)}</span>
            {if t.confidential {
                view! { <span class="badge confidential" title=labels::CONFIDENTIAL_MEANS>"Confidential"</span> }
            } else {
                view! { <span class="badge public" title=labels::PUBLIC_MEANS>"Public"</span> }
            }}
        </p>
    }
}

fn facts(t: &pb::Ticket) -> impl IntoView + use<> {
    let person = |p: &Option<pb::PersonRef>| {
        p.as_ref().map(|p| p.display_name.clone()).unwrap_or_else(|| "Unassigned".to_owned())
    };
    let acknowledged = if t.acknowledged_at.is_some() { local_time(&t.acknowledged_at) } else { "Not yet".to_owned() };
    view! {
        <dl class="facts">
            <dt>"Community"</dt><dd>{t.community.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</dd>
            <dt>"Requester"</dt><dd>{person(&t.requester)}</dd>
            <dt>"Assignee"</dt><dd>{person(&t.assignee)}</dd>
            <dt>"Filed"</dt><dd>{local_time(&t.created_at)}</dd>
            <dt>"Updated"</dt><dd>{local_time(&t.updated_at)}</dd>
            <dt>"Acknowledged"</dt><dd>{acknowledged}</dd>
            {t.released_in.clone().map(|release| view! { <dt>"Released in"</dt><dd class="released-in">{release}</dd> })}
            {t.scheduled_for.clone().map(|day| view! { <dt>"Scheduled for"</dt><dd class="scheduled-for">{day}</dd> })}
        </dl>
    }
}
