//! SLA clocks as people see them: a badge per running clock that counts down ("responds in 35
//! min", "response overdue 2 h"), the promise to the requester's side in their own time zone
//! ("We will answer by Tue 5 Jan, 14:00, your time"), and a ticket's whole record of clocks.
//! The words are the domain's (`steward_domain::sla`); every badge reads the one ticking
//! [`crate::state::now`].

use leptos::prelude::*;
use steward_domain::sla::{self, ClockKind};
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::api::time::{when, when_at};
use crate::api::{self, ApiError};
use crate::state::now;
use crate::state::user::CurrentUser;

/// Seconds until a running clock is due (negative once overdue); none while it stands still.
fn left(clock: &pb::TicketClock) -> Option<i64> {
    if clock.paused { None } else { clock.due_at.as_ref().map(|due| due.seconds - now::seconds()) }
}

/// How a badge looks: `ok`, `soon` (due within the hour), `overdue`, `paused`.
fn tone(left: Option<i64>) -> &'static str {
    match left {
        None => "paused",
        Some(s) if s < 0 => "overdue",
        Some(s) if sla::breaching_soon(s) => "soon",
        Some(_) => "ok",
    }
}

/// One badge per running clock, counting down.
#[component]
pub fn ClockBadges(#[prop(into)] clocks: Signal<Vec<pb::TicketClock>>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    move || {
        let zone = user.zone();
        clocks
            .get()
            .into_iter()
            .filter_map(|clock| {
                let kind = ClockKind::from_wire_lossy(clock.kind)?;
                let left = left(&clock);
                let calendar = if clock.always { "24/7" } else { "working hours" };
                let title = match &clock.due_at {
                    Some(due) if !clock.paused => {
                        format!("{}: due {} ({calendar})", kind.label(), when(due.seconds, zone.as_deref()))
                    }
                    _ => format!("{}: stands still while waiting on the requester", kind.label()),
                };
                let due =
                    clock.due_at.as_ref().filter(|_| !clock.paused).map(|d| d.seconds.to_string()).unwrap_or_default();
                Some(view! {
                    <span class=format!("badge clock {}", tone(left)) title=title data-clock=kind.as_str() data-due=due>
                        {sla::badge_words(kind, left)}
                    </span>
                })
            })
            .collect_view()
    }
}

/// What was promised to the requester's side, and by when, in the reader's own time zone.
#[component]
pub fn Promises(#[prop(into)] clocks: Signal<Vec<pb::TicketClock>>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    move || {
        let zone = user.zone();
        let yours = match &zone {
            Some(zone) => format!("your time ({zone})"),
            None => "your time".to_owned(),
        };
        let lines: Vec<String> = clocks
            .get()
            .iter()
            .filter_map(|clock| {
                let kind = ClockKind::from_wire_lossy(clock.kind)?;
                if clock.paused {
                    return (kind == ClockKind::NextUpdate)
                        .then(|| "We are waiting for your answer; our clock stands still until you reply.".to_owned());
                }
                let by = when_at(&clock.due_at, zone.as_deref());
                Some(match kind {
                    ClockKind::FirstResponse => format!("We will answer by {by}, {yours}."),
                    ClockKind::NextUpdate => format!("Our next update is due by {by}, {yours}."),
                    ClockKind::Resolution => format!("We aim to resolve it by {by}, {yours}."),
                    ClockKind::Confirmation => {
                        format!("Please confirm, or answer if something is missing: otherwise this request closes by itself on {by}, {yours}.")
                    }
                })
            })
            .collect();
        (!lines.is_empty()).then(|| {
            view! {
                <ul class="promises" aria-label="What we promised">
                    {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            }
        })
    }
}

/// Every clock a ticket has had: started, due, met or missed. Read again when `version` moves.
#[component]
pub fn ClockRecord(number: i64, #[prop(into)] version: Signal<i64>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let record = LocalResource::new(move || {
        version.track();
        async move {
            api::service_levels()
                .get_ticket_clocks(pb::GetTicketClocksRequest { number })
                .await
                .map(|r| r.into_inner().clocks)
                .map_err(ApiError::from)
        }
    });
    view! {
        <section class="clock-record" aria-labelledby="clocks-heading">
            <h2 id="clocks-heading">"Service levels"</h2>
            {move || match record.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
                Some(Ok(clocks)) if clocks.is_empty() => view! {
                    <p class="hint">"No clock runs on this ticket (it waits for approval, or its priority has no targets)."</p>
                }.into_any(),
                Some(Ok(clocks)) => {
                    let zone = user.zone();
                    view! {
                        <ul class="clocks">
                            {clocks.into_iter().filter_map(|clock| {
                                let kind = ClockKind::from_wire_lossy(clock.kind)?;
                                let target = clock.target.as_ref().and_then(steward_proto::domain::target_from_wire)
                                    .map(|t| t.words()).unwrap_or_else(|| "no target".to_owned());
                                let calendar = if clock.calendar.is_empty() { String::new() } else { format!(", {}", clock.calendar) };
                                let outcome = match (&clock.met_at, &clock.stopped_at, &clock.breached_at) {
                                    (Some(_), _, Some(_)) => format!("met late, {}", when_at(&clock.met_at, zone.as_deref())),
                                    (Some(_), _, None) => format!("met {}", when_at(&clock.met_at, zone.as_deref())),
                                    (None, Some(_), _) => format!("ended {}", when_at(&clock.stopped_at, zone.as_deref())),
                                    (None, None, _) if clock.paused => "standing still: waiting on the requester".to_owned(),
                                    (None, None, Some(_)) => format!("missed: was due {}", when_at(&clock.due_at, zone.as_deref())),
                                    (None, None, None) => format!("due {}", when_at(&clock.due_at, zone.as_deref())),
                                };
                                let missed = clock.breached_at.is_some();
                                Some(view! {
                                    <li class:missed=missed>
                                        <strong>{kind.label()}</strong>
                                        {format!(" ({target}{calendar}): {outcome}")}
                                        <span class="hint">{format!(" · started {}", when_at(&clock.started_at, zone.as_deref()))}</span>
                                    </li>
                                })
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
