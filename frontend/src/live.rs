//! Live updates for a page: exactly one `LiveService.Watch` stream per page, cancelled when the
//! page goes away (browsers allow about six HTTP/1.1 connections per origin, across all tabs),
//! reconnecting with backoff after any end or error and resuming after the last position
//! received, so nothing is missed and nothing is applied twice. The connection's state is shown
//! by [`LiveIndicator`] in the header.

use futures_util::future::{AbortHandle, Abortable, Either, select};
use leptos::prelude::*;
use steward_proto::v1 as pb;
use steward_proto::v1::watch_response::Message;

use crate::api::{self, ApiError};

/// A stream that sends nothing (not even a heartbeat) for this long is treated as dead.
const SILENCE_MS: u32 = 25_000;
/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF_MS`], with jitter.
const FIRST_BACKOFF_MS: f64 = 500.0;
const MAX_BACKOFF_MS: f64 = 10_000.0;
/// After this many failed attempts in a row the page says it is offline (and keeps trying).
const OFFLINE_AFTER: u32 = 3;

/// The state of the page's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting,
    Offline,
}

/// The stream state of the current page, shared with the header; `None` when the page does not
/// watch anything.
#[derive(Clone, Copy)]
pub struct LiveStatus(pub RwSignal<Option<Connection>>);

/// What a page hears from its stream.
pub enum LiveEvent {
    /// A change, newer than anything heard before.
    Change(Box<pb::TicketChange>),
    /// Caught up: everything up to now has been delivered (after every (re)connection).
    Live,
    /// Too much was missed to replay: reload what the page shows.
    Resync,
}

/// What a page watches.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    pub all_tickets: bool,
    pub ticket_numbers: Vec<i64>,
}

fn position_of(position: &Option<pb::LivePosition>) -> Option<(u64, i64)> {
    position.as_ref().map(|p| (p.transaction, p.event))
}

/// Watches `what` after `after` (or from now) for the lifetime of the current reactive owner
/// (the page), calling `on_event` for each event. The stream is cancelled on cleanup.
pub fn watch(what: Watch, after: Option<pb::LivePosition>, on_event: impl Fn(LiveEvent) + 'static) {
    let status = expect_context::<LiveStatus>().0;
    let (abort, registration) = AbortHandle::new_pair();
    status.set(Some(Connection::Connecting));
    let stream = Abortable::new(run(what, after, status, on_event), registration);
    leptos::task::spawn_local(async move {
        let _ = stream.await;
    });
    on_cleanup(move || {
        abort.abort();
        status.set(None);
    });
}

async fn run(
    what: Watch,
    after: Option<pb::LivePosition>,
    status: RwSignal<Option<Connection>>,
    on_event: impl Fn(LiveEvent),
) {
    let mut last = position_of(&after);
    let mut failures: u32 = 0;
    loop {
        let request = pb::WatchRequest {
            after: last.map(|(transaction, event)| pb::LivePosition { transaction, event }),
            all_tickets: what.all_tickets,
            ticket_numbers: what.ticket_numbers.clone(),
        };
        match api::live().watch(request).await {
            Ok(response) => {
                let mut stream = response.into_inner();
                loop {
                    let next = select(Box::pin(stream.message()), gloo_timers::future::TimeoutFuture::new(SILENCE_MS));
                    let message = match next.await {
                        Either::Left((Ok(Some(message)), _)) => message,
                        // Ended by the server (it is shutting down) or silent too long: reconnect.
                        Either::Left((Ok(None), _)) | Either::Right(_) => break,
                        Either::Left((Err(status), _)) => {
                            if ApiError::from(status).is_unauthenticated() {
                                // Signed out elsewhere: nothing to reconnect to until sign-in.
                                return reload_to_sign_in();
                            }
                            break;
                        }
                    };
                    match message.message {
                        Some(Message::Live(live)) => {
                            last = last.max(position_of(&live.position));
                            failures = 0;
                            status.set(Some(Connection::Live));
                            on_event(LiveEvent::Live);
                        }
                        Some(Message::TicketChange(change)) => {
                            let position = position_of(&change.position);
                            if position > last {
                                last = position;
                                on_event(LiveEvent::Change(Box::new(change)));
                            }
                        }
                        Some(Message::Resync(resync)) => {
                            last = last.max(position_of(&resync.position));
                            on_event(LiveEvent::Resync);
                        }
                        Some(Message::Heartbeat(_)) | None => {}
                    }
                }
            }
            Err(status) => {
                if ApiError::from(status).is_unauthenticated() {
                    return reload_to_sign_in();
                }
            }
        }
        failures += 1;
        let offline = failures >= OFFLINE_AFTER || !navigator_online();
        status.set(Some(if offline { Connection::Offline } else { Connection::Reconnecting }));
        let backoff = (FIRST_BACKOFF_MS * 2f64.powi(failures.saturating_sub(1).min(10) as i32)).min(MAX_BACKOFF_MS);
        let jittered = backoff * (0.5 + js_sys::Math::random() / 2.0);
        gloo_timers::future::TimeoutFuture::new(jittered as u32).await;
    }
}

/// Calls `refresh` shortly after any change to what the page watches (several changes in a
/// burst cause one refresh), and after a resync: for pages that show data of their own.
pub fn refresh_on_change(what: Watch, refresh: impl Fn() + 'static) {
    let scheduled = RwSignal::new(false);
    let refresh = std::rc::Rc::new(refresh);
    watch(what, None, move |event| {
        if matches!(event, LiveEvent::Live) || scheduled.get_untracked() {
            return;
        }
        scheduled.set(true);
        let refresh = refresh.clone();
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(150).await;
            scheduled.set(false);
            refresh();
        });
    });
}

fn navigator_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

/// The session ended: reloading the page lets the shell send the person to sign in.
fn reload_to_sign_in() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Shows the page's stream state: live, reconnecting or offline.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let status = expect_context::<LiveStatus>().0;
    move || {
        status.get().map(|connection| {
            let (class, text) = match connection {
                Connection::Connecting => ("live-indicator connecting", "Connecting…"),
                Connection::Live => ("live-indicator live", "Live"),
                Connection::Reconnecting => ("live-indicator reconnecting", "Reconnecting…"),
                Connection::Offline => ("live-indicator offline", "Offline"),
            };
            view! { <span class=class role="status" aria-live="polite">{text}</span> }
        })
    }
}
