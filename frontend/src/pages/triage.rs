//! The triage queue (staff): every ticket still to be worked, in the seeds' priority order,
//! each saying which rule placed it there; stewards set the flags that move a request up, and
//! the queue reorders live on every steward's screen.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels};
use crate::components::StaleNote;
use crate::components::clocks::ClockBadges;
use crate::live::{self, Watch};

/// How many entries the queue shows at first, and how many more each "Show more" adds: the top
/// of the queue is what gets worked; a queue of thousands is read and drawn a page at a time.
const PAGE: u32 = 50;

#[component]
pub fn TriagePage() -> impl IntoView {
    crate::components::title::page_title(|| "Triage queue".to_owned());
    let queue = RwSignal::new(None::<Result<pb::GetTriageQueueResponse, ApiError>>);
    let untriaged_only = RwSignal::new(false);
    let due_first = RwSignal::new(false);
    let breaching_only = RwSignal::new(false);
    // How many entries are read and shown; a live refresh reads as many again, so it never
    // takes away what "Show more" brought.
    let limit = RwSignal::new(PAGE);
    let stale = RwSignal::new(None::<String>);
    let call = move || {
        let request = pb::GetTriageQueueRequest {
            due_soonest_first: due_first.get_untracked(),
            breaching_soon_only: breaching_only.get_untracked(),
            untriaged_only: untriaged_only.get_untracked(),
            limit: limit.get_untracked(),
        };
        async move { api::triage().get_triage_queue(request).await }
    };
    Effect::new(move |_| {
        due_first.track();
        breaching_only.track();
        untriaged_only.track();
        limit.track();
        leptos::task::spawn_local(async move {
            queue.try_set(Some(api::read(call).await));
        });
    });
    // A refresh that fails keeps the queue shown and says so beside it.
    live::refresh_on_change(Watch { all_tickets: true, ..Default::default() }, move || {
        leptos::task::spawn_local(async move {
            if let Some(response) = api::read_in_background(stale, call).await {
                queue.try_set(Some(Ok(response)));
            }
        });
    });
    let entries = move || {
        queue.with(|queue| match queue {
            Some(Ok(response)) => response.entries.clone(),
            _ => Vec::new(),
        })
    };
    let total = move || queue.with(|queue| queue.as_ref().and_then(|q| q.as_ref().ok()).map_or(0, |q| q.total));
    let shown = move || queue.with(|queue| queue.as_ref().and_then(|q| q.as_ref().ok()).map_or(0, |q| q.entries.len()));
    let hidden = move || (total() as usize).saturating_sub(shown());
    let rules = move || {
        queue.with(|queue| queue.as_ref().and_then(|q| q.as_ref().ok()).map(|q| q.rules.clone()).unwrap_or_default())
    };
    // A filter starts again from the top page.
    let filter = move |signal: RwSignal<bool>, on: bool| {
        limit.set(PAGE);
        signal.set(on);
    };
    view! {
        <h1>"Triage queue"</h1>
        <p class="hint">
            "Incidents first, then the seed's order: the first rule that applies places a request; "
            "within a rule, higher priority, then older requests, come first."
        </p>
        <div class="choice">
            <input type="checkbox" id="untriaged-only" prop:checked=move || untriaged_only.get()
                on:change=move |ev| filter(untriaged_only, event_target_checked(&ev))/>
            <label for="untriaged-only">"Untriaged only"</label>
            <input type="checkbox" id="due-first" prop:checked=move || due_first.get()
                on:change=move |ev| filter(due_first, event_target_checked(&ev))/>
            <label for="due-first">"Due soonest first"</label>
            <input type="checkbox" id="breaching-only" prop:checked=move || breaching_only.get()
                on:change=move |ev| filter(breaching_only, event_target_checked(&ev))/>
            <label for="breaching-only">"Breaching soon (due within the hour, or overdue)"</label>
        </div>
        <StaleNote problem=stale/>
        {move || match queue.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(_)) if total() == 0 => view! { <p class="hint">"Nothing to triage."</p> }.into_any(),
            Some(Ok(_)) => view! {
                <p class="hint" id="queue-count">{move || match hidden() {
                    0 => format!("{} requests.", total()),
                    _ => format!("The first {} of {} requests.", shown(), total()),
                }}</p>
            }.into_any(),
        }}
        // Keyed, so a refresh that changes nothing about an entry leaves it (and what is being
        // clicked in it) in place; entries that changed are rebuilt, and the order follows.
        <ol class="triage-queue" aria-label="Requests in the order to work them">
            <For each=entries key=entry_key let:entry>
                <QueueItem entry/>
            </For>
        </ol>
        <Show when=move || { hidden() > 0 }>
            <button type="button" class="secondary" aria-describedby="queue-count"
                on:click=move |_| limit.update(|limit| *limit += PAGE)>
                {move || format!("Show {} more", hidden().min(PAGE as usize))}
                <span class="hint">{move || format!(" ({} not shown)", hidden())}</span>
            </button>
        </Show>
        <details class="rules">
            <summary>"The order"</summary>
            <ol>{move || rules().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ol>
        </details>
    }
}

/// What an entry shows that can change without its ticket's version changing.
fn entry_key(entry: &pb::QueueEntry) -> (i64, i64, bool, String) {
    let ticket = entry.ticket.as_ref();
    (
        ticket.map_or(0, |t| t.number),
        ticket.map_or(0, |t| t.version),
        entry.acknowledged,
        entry.triage.as_ref().map(|t| t.placed_by.clone()).unwrap_or_default(),
    )
}

#[component]
fn QueueItem(entry: pb::QueueEntry) -> impl IntoView {
    let ticket = entry.ticket.unwrap_or_default();
    let triage = entry.triage.unwrap_or_default();
    let number = ticket.number;
    // Each change answers with the ticket's new version, so flags can be set one after another.
    let version = RwSignal::new(ticket.version);
    let flags = RwSignal::new(triage.flags.clone());
    let error = RwSignal::new(None::<String>);
    let toggle = move |flag: i32, on: bool| {
        let mut wanted = flags.get_untracked();
        wanted.retain(|f| *f != flag);
        if on {
            wanted.push(flag);
        }
        flags.set(wanted.clone());
        let request = pb::SetPriorityFlagsRequest { number, expected_version: version.get_untracked(), flags: wanted };
        leptos::task::spawn_local(async move {
            // On success the live stream reloads the queue in its new order.
            match api::triage().set_priority_flags(request).await {
                Ok(response) => {
                    if let Some(ticket) = response.into_inner().ticket {
                        version.set(ticket.version);
                    }
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    let community = ticket.community.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let assignee = ticket.assignee.as_ref().map(|a| a.display_name.clone());
    view! {
        <li class="queue-entry" data-number=number.to_string() data-list-item="" tabindex="-1">
            <header>
                <a href=format!("/tickets/{number}")>{format!("#{} {}", number, ticket.title)}</a>
                <span class="placed-by">{triage.placed_by.clone()}</span>
            </header>
            <p class="badges">
                {entry.untriaged.then(|| view! { <span class="badge untriaged">"Untriaged"</span> })}
                {(!entry.acknowledged).then(|| view! { <span class="badge">"Not acknowledged"</span> })}
                <ClockBadges clocks=ticket.clocks.clone()/>
                <span class="badge">{community}</span>
                <span class="badge">{labels::request_type(ticket.request_type)}</span>
                <span class="badge priority">{labels::priority(ticket.priority)}</span>
                <span class="badge state">{labels::state(ticket.state)}</span>
                {match ticket.scheduled_for.clone() {
                    Some(day) => view! { <span class="badge">{format!("Scheduled for {day}")}</span> }.into_any(),
                    None => view! { <span class="badge">{assignee.unwrap_or_else(|| "Unassigned".to_owned())}</span> }.into_any(),
                }}
            </p>
            <fieldset class="flags">
                <legend class="visually-hidden">{format!("Priority flags of #{number}")}</legend>
                {labels::priority_flags().map(|(flag, label)| {
                    let id = format!("flag-{number}-{flag}");
                    view! {
                        <span class="choice">
                            <input type="checkbox" id=id.clone() prop:checked=move || flags.get().contains(&flag)
                                on:change=move |ev| toggle(flag, event_target_checked(&ev))/>
                            <label for=id>{label}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </li>
    }
}
