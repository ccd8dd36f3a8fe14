//! Staff: where the ticket stands in the triage order, the 30-minute timebox, the release that
//! makes it available, and the time logged on it. The panel is built once; its figures follow
//! the store.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError, labels};
use crate::components::FieldError;

/// Seconds since the epoch now, from the browser's clock.
fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[component]
pub fn TriagePanel(store: TicketStore) -> impl IntoView {
    let ticket = store.ticket;
    let triage = store.triage;
    let number = ticket.with_untracked(|t| t.number);
    let version = move || ticket.with_untracked(|t| t.version);
    let error = RwSignal::new(None::<ApiError>);
    let done = move |result: Result<Option<pb::Ticket>, tonic::Status>| match result {
        Ok(changed) => {
            error.set(None);
            // The figures follow from the stream's echo.
            if let Some(changed) = changed {
                store.show_ticket(changed);
            }
        }
        Err(status) => error.set(Some(ApiError::from(status))),
    };
    // The timebox: a clock that says how long is left, and when it is up.
    let now = RwSignal::new(now_seconds());
    let tick = set_interval_with_handle(move || now.set(now_seconds()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    let ends = move || triage.with(|t| t.as_ref().and_then(|t| t.timebox_ends_at.as_ref().map(|at| at.seconds)));
    let running = move || triage.with(|t| t.as_ref().is_some_and(|t| t.timebox_started_at.is_some()));
    let set_timebox = move |running: bool| {
        let request = pb::SetTimeboxRequest { number, expected_version: version(), running };
        leptos::task::spawn_local(async move {
            done(api::triage().set_timebox(request).await.map(|r| r.into_inner().ticket))
        });
    };
    // `None` until the steward edits it: the field shows the recorded release.
    let release_draft = RwSignal::new(None::<String>);
    let release =
        move || release_draft.get().unwrap_or_else(|| ticket.with(|t| t.released_in.clone().unwrap_or_default()));
    let save_release = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let released_in = release_draft
            .get_untracked()
            .unwrap_or_else(|| ticket.with_untracked(|t| t.released_in.clone().unwrap_or_default()));
        let request = pb::SetReleaseRequest { number, expected_version: version(), released_in };
        leptos::task::spawn_local(async move {
            let saved = api::triage().set_release(request).await.map(|r| r.into_inner().ticket);
            if saved.is_ok() {
                // Show what is recorded from now on.
                release_draft.set(None);
            }
            done(saved)
        });
    };
    let minutes = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let budget = RwSignal::new(None::<pb::Budget>);
    let log = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(value) = minutes.get_untracked().trim().parse::<i32>() else {
            let message = "Give the time in minutes, e.g. 45.".to_owned();
            error.set(Some(ApiError {
                code: tonic::Code::InvalidArgument,
                message: message.clone(),
                fields: vec![("minutes".to_owned(), message)],
                retry_after_ms: None,
            }));
            return;
        };
        let request =
            pb::LogTimeRequest { number, minutes: value, worked_on: String::new(), note: note.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::triage().log_time(request).await {
                Ok(response) => {
                    budget.set(response.into_inner().budget);
                    minutes.set(String::new());
                    note.set(String::new());
                    done(Ok(None));
                }
                Err(status) => done(Err(status)),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let placed_by = move || triage.with(|t| t.as_ref().map(|t| t.placed_by.clone()).unwrap_or_default());
    let flags = move || {
        triage.with(|t| {
            let flags = t.as_ref().map(|t| t.flags.as_slice()).unwrap_or_default();
            if flags.is_empty() {
                "No priority flags set (set them on the triage queue).".to_owned()
            } else {
                format!("Flags: {}", flags.iter().map(|f| labels::priority_flag(*f)).collect::<Vec<_>>().join(", "))
            }
        })
    };
    let logged = move || triage.with(|t| t.as_ref().map_or(0, |t| i64::from(t.minutes_logged)));
    view! {
        <section class="triage-panel" aria-labelledby="triage-panel-heading">
            <h2 id="triage-panel-heading">"Priority and time"</h2>
            <p>"Placed in the queue by: " <strong class="placed-by">{placed_by}</strong></p>
            <p>{flags}</p>
            <div class="timebox" role="group" aria-label="30-minute timebox">
                {move || match ends() {
                    Some(ends) if ends > now.get() => {
                        let left = ends - now.get();
                        view! { <span class="timebox-clock" role="timer">{format!("Timebox: {}:{:02} left", left / 60, left % 60)}</span> }.into_any()
                    }
                    Some(_) => view! { <span class="timebox-clock up" role="alert">"Timebox is up: open an engineering issue and link it, or keep going deliberately."</span> }.into_any(),
                    None => view! { <span class="timebox-clock">"Timebox not started."</span> }.into_any(),
                }}
                {move || {
                    let (label, start) = if running() { ("Stop timebox", false) } else { ("Start 30-minute timebox", true) };
                    view! { <button type="button" class="secondary" on:click=move |_| set_timebox(start)>{label}</button> }
                }}
            </div>
            <form class="release" on:submit=save_release>
                <label for="released-in">"Released in (the release or change that makes it available)"</label>
                <input type="text" id="released-in" prop:value=release aria-describedby="released-in-error"
                    on:input=move |ev| release_draft.set(Some(event_target_value(&ev)))/>
                <FieldError id="released-in-error" message=field("released_in")/>
                <button type="submit" class="secondary">"Save release"</button>
            </form>
            <form class="log-time" on:submit=log>
                <p>{move || format!("Time logged: {}", labels::duration(logged()))}</p>
                <label for="log-minutes">"Minutes spent"</label>
                <input type="text" id="log-minutes" inputmode="numeric" bind:value=minutes aria-describedby="log-minutes-error"/>
                <FieldError id="log-minutes-error" message=field("minutes")/>
                <label for="log-note">"Note"</label>
                <input type="text" id="log-note" bind:value=note aria-describedby="log-note-error"/>
                <FieldError id="log-note-error" message=field("note")/>
                <button type="submit" class="secondary">"Log time"</button>
                {move || budget.get().map(|b| view! { <p role="status">{labels::budget_line(&b)}</p> })}
            </form>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
        </section>
    }
}
