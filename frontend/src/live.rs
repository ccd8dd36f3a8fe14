//! Live updates for a page: exactly one `LiveService.Watch` stream per page, cancelled when the
//! page goes away (browsers allow about six HTTP/1.1 connections per origin, across all tabs, and
//! `spawn_local` alone would keep a stream open after its page is gone: an abort handle fired on
//! cleanup drops it, which aborts the fetch). After any end or error it reconnects with
//! exponential backoff and jitter, resuming after the last position received, and ignores any
//! change at or below that position: nothing is missed and nothing is applied twice. The
//! connection's state is shown by [`LiveIndicator`] in the header.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_util::future::{AbortHandle, Abortable, Either, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use steward_proto::v1 as pb;
use steward_proto::v1::watch_response::Message;

use crate::api::{self, ApiError};

/// A stream that sends nothing (the server sends a heartbeat every ~10 s) for this long is dead.
const SILENCE_MS: u32 = 25_000;
/// The first wait before reconnecting; it doubles with every failure up to [`MAX_BACKOFF_MS`],
/// and each wait is jittered so that many pages do not reconnect in step after a restart.
const FIRST_BACKOFF_MS: f64 = 500.0;
const MAX_BACKOFF_MS: f64 = 10_000.0;
/// After this many failed attempts in a row the page says it is offline (and keeps trying).
const OFFLINE_AFTER: u32 = 3;

/// The state of the page's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Opening the stream for the first time.
    Connecting,
    /// Caught up: changes arrive as they happen.
    Live,
    /// The stream ended or failed; trying again.
    Reconnecting,
    /// The browser is offline, or several attempts in a row failed (it keeps trying).
    Offline,
}

/// The stream state of the current page, shared with the header.
#[derive(Clone, Copy)]
pub struct LiveStatus {
    /// `None` when the page watches nothing.
    connection: RwSignal<Option<Connection>>,
    /// Why the stream last failed, until it is live again.
    problem: RwSignal<Option<String>>,
    /// Which stream owns the status: a page that goes away after the next one started watching
    /// must not clear the next page's state.
    holder: StoredValue<u64>,
}

impl Default for LiveStatus {
    fn default() -> Self {
        LiveStatus { connection: RwSignal::new(None), problem: RwSignal::new(None), holder: StoredValue::new(0) }
    }
}

impl LiveStatus {
    fn set(&self, token: u64, connection: Option<Connection>) {
        if self.holder.get_value() == token {
            self.connection.set(connection);
        }
    }

    fn set_problem(&self, token: u64, problem: Option<String>) {
        if self.holder.get_value() == token {
            self.problem.set(problem);
        }
    }
}

/// What a page hears from its stream.
pub enum LiveEvent {
    /// A change, newer than anything heard before.
    Change(Box<pb::TicketChange>),
    /// A change to an incident, newer than anything heard before.
    Incident(Box<pb::IncidentChange>),
    /// Caught up: everything up to now has been delivered. `from_scratch` when this connection
    /// started without a position (changes made before it began were not replayed).
    Live { from_scratch: bool },
    /// Too much was missed to replay: reload what the page shows. The stream goes on.
    Resync,
}

/// What a page watches.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    pub all_tickets: bool,
    pub ticket_numbers: Vec<i64>,
    pub all_incidents: bool,
    pub incident_numbers: Vec<i64>,
}

/// A position as something that compares the way the server orders changes: by transaction,
/// then event.
type Position = (u64, i64);

fn position_of(position: &Option<pb::LivePosition>) -> Option<Position> {
    position.as_ref().map(|p| (p.transaction, p.event))
}

/// Whether a change may come with news for someone (a clock warned or missed, a reminder, a
/// message with a mention or an answer, an assignment, a request to approve, a page), so the
/// header counts its notifications again.
fn raises_a_notification(change: &pb::TicketChange) -> bool {
    use pb::ticket_happening::Kind;
    matches!(
        change.what.as_ref().and_then(|w| w.kind.as_ref()),
        Some(
            Kind::ClockWarned(_)
                | Kind::ClockBreached(_)
                | Kind::Reminded(_)
                | Kind::Commented(_)
                | Kind::Updated(_)
                | Kind::Created(_)
                | Kind::RequesterReplied(_)
                | Kind::Paged(_)
                | Kind::PageAcknowledged(_)
        )
    )
}

/// Whether an incident's change may come with news (a page, a role, an update, a resolution).
fn incident_news(change: &pb::IncidentChange) -> bool {
    use pb::incident_entry::Entry;
    matches!(
        change.entry.as_ref().and_then(|e| e.entry.as_ref()),
        Some(
            Entry::Paged(_)
                | Entry::PageAcknowledged(_)
                | Entry::RoleChanged(_)
                | Entry::CommandHandedOver(_)
                | Entry::UpdatePosted(_)
                | Entry::Stepped(_)
        )
    )
}

/// Watches `what` after `after` (or from now) for the lifetime of the current reactive owner
/// (the page), calling `on_event` for each event. The stream is cancelled on cleanup.
pub fn watch(what: Watch, after: Option<pb::LivePosition>, on_event: impl Fn(LiveEvent) + 'static) {
    let status = expect_context::<LiveStatus>();
    let notifications = crate::state::notifications::handle();
    let on_event = move |event: LiveEvent| {
        let news = match &event {
            LiveEvent::Change(change) => raises_a_notification(change),
            LiveEvent::Incident(change) => incident_news(change),
            _ => false,
        };
        if news {
            notifications.changed();
        }
        on_event(event)
    };
    let token = status.holder.get_value() + 1;
    status.holder.set_value(token);
    status.connection.set(Some(Connection::Connecting));
    status.problem.set(None);

    // Coming back online cuts the wait before the next attempt short. Going offline ends the
    // connection at once: a stream that outlived a short drop may be dead or alive, and a new
    // one (resuming after the last position) is live again within moments of the network.
    let wake = Rc::new(Cell::new(false));
    let connection = Rc::new(RefCell::new(None::<AbortHandle>));
    let online = window_event_listener(leptos::ev::online, {
        let wake = wake.clone();
        move |_| wake.set(true)
    });
    let offline = window_event_listener(leptos::ev::offline, {
        let connection = connection.clone();
        move |_| {
            status.set(token, Some(Connection::Offline));
            if let Some(current) = connection.borrow_mut().take() {
                current.abort();
            }
        }
    });

    let (abort, registration) = AbortHandle::new_pair();
    let stream =
        Abortable::new(run(what, position_of(&after), status, token, wake, connection, on_event), registration);
    leptos::task::spawn_local(async move {
        let _ = stream.await;
    });
    on_cleanup(move || {
        abort.abort();
        online.remove();
        offline.remove();
        status.set(token, None);
        status.set_problem(token, None);
    });
}

/// How one connection ended.
enum Ended {
    /// The server closed the stream (it is shutting down, or dropped a slow reader).
    Closed,
    /// An error status, at the start or in the middle of the stream, or silence.
    Failed(ApiError),
}

async fn run(
    what: Watch,
    mut last: Option<Position>,
    status: LiveStatus,
    token: u64,
    wake: Rc<Cell<bool>>,
    connection: Rc<RefCell<Option<AbortHandle>>>,
    on_event: impl Fn(LiveEvent),
) {
    let mut failures: u32 = 0;
    loop {
        let (abort, registration) = AbortHandle::new_pair();
        *connection.borrow_mut() = Some(abort);
        let from_scratch = last.is_none();
        let request = pb::WatchRequest {
            after: last.map(|(transaction, event)| pb::LivePosition { transaction, event }),
            all_tickets: what.all_tickets,
            ticket_numbers: what.ticket_numbers.clone(),
            all_incidents: what.all_incidents,
            incident_numbers: what.incident_numbers.clone(),
        };
        let read = async {
            let mut stream = match api::live().watch(request).await {
                Err(error) => return Ended::Failed(error.into()),
                Ok(response) => response.into_inner(),
            };
            let mut caught_up = false;
            loop {
                let next = select(Box::pin(stream.message()), TimeoutFuture::new(SILENCE_MS)).await;
                let message = match next {
                    Either::Left((Ok(Some(message)), _)) => message,
                    Either::Left((Ok(None), _)) => break Ended::Closed,
                    // An error status in the trailers, mid-stream: an error, not an end.
                    Either::Left((Err(error), _)) => break Ended::Failed(error.into()),
                    Either::Right(_) => {
                        break Ended::Failed(ApiError {
                            code: tonic::Code::DeadlineExceeded,
                            message: "Steward stopped answering.".to_owned(),
                            fields: Vec::new(),
                            retry_after_ms: None,
                        });
                    }
                };
                // Anything heard on a caught-up stream means it is live, whatever the
                // browser said about the network meanwhile.
                if caught_up && status.connection.get_untracked() != Some(Connection::Live) {
                    status.set(token, Some(Connection::Live));
                }
                match message.message {
                    Some(Message::Live(live)) => {
                        last = last.max(position_of(&live.position));
                        failures = 0;
                        caught_up = true;
                        status.set(token, Some(Connection::Live));
                        status.set_problem(token, None);
                        on_event(LiveEvent::Live { from_scratch });
                    }
                    Some(Message::TicketChange(change)) => {
                        let position = position_of(&change.position);
                        // At or below the last position: already applied.
                        if position.is_some() && position > last {
                            last = position;
                            on_event(LiveEvent::Change(Box::new(change)));
                        }
                    }
                    Some(Message::IncidentChange(change)) => {
                        let position = position_of(&change.position);
                        if position.is_some() && position > last {
                            last = position;
                            on_event(LiveEvent::Incident(Box::new(change)));
                        }
                    }
                    Some(Message::Resync(resync)) => {
                        last = last.max(position_of(&resync.position));
                        on_event(LiveEvent::Resync);
                    }
                    Some(Message::Heartbeat(_)) | None => {}
                }
            }
        };
        let ended = Abortable::new(read, registration).await.unwrap_or_else(|_| {
            Ended::Failed(ApiError {
                code: tonic::Code::Unavailable,
                message: "Your browser is offline.".to_owned(),
                fields: Vec::new(),
                retry_after_ms: None,
            })
        });
        if let Ended::Failed(error) = ended {
            if error.is_unauthenticated() {
                // Signed out (here or elsewhere): reloading lets the shell ask for a sign-in.
                return reload_to_sign_in();
            }
            status.set_problem(token, Some(error.message));
        }
        failures += 1;
        let offline = failures >= OFFLINE_AFTER || !navigator_online();
        status.set(token, Some(if offline { Connection::Offline } else { Connection::Reconnecting }));
        wait_before_retry(failures, &wake).await;
    }
}

/// Waits 0.5 s, 1 s, 2 s, ... up to 10 s after the `failures`-th failure in a row, each
/// jittered to between half and all of it; returns early when the browser comes back online.
async fn wait_before_retry(failures: u32, wake: &Cell<bool>) {
    let exponent = failures.saturating_sub(1).min(16) as i32;
    let backoff = (FIRST_BACKOFF_MS * 2f64.powi(exponent)).min(MAX_BACKOFF_MS);
    let mut remaining = backoff * (0.5 + js_sys::Math::random() / 2.0);
    wake.set(false);
    while remaining > 0.0 && !wake.get() {
        let slice = remaining.min(250.0);
        TimeoutFuture::new(slice as u32).await;
        remaining -= slice;
    }
}

/// Calls `refresh` shortly after any change to what the page watches (a burst of changes causes
/// one refresh), after a resync, and once the first connection is live (to cover changes made
/// between the page's own load and the start of the stream): for pages that load their own data.
pub fn refresh_on_change(what: Watch, refresh: impl Fn() + 'static) {
    let scheduled = Rc::new(Cell::new(false));
    // Disposed with the page: a refresh scheduled just before the page goes away must not touch
    // the page's state.
    let alive = StoredValue::new(());
    let refresh = Rc::new(refresh);
    watch(what, None, move |event| {
        if matches!(event, LiveEvent::Live { from_scratch: false }) || scheduled.get() {
            return;
        }
        scheduled.set(true);
        let (scheduled, refresh) = (scheduled.clone(), refresh.clone());
        leptos::task::spawn_local(async move {
            TimeoutFuture::new(200).await;
            scheduled.set(false);
            if alive.try_get_value().is_some() {
                refresh();
            }
        });
    });
}

fn navigator_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

fn reload_to_sign_in() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Shows the page's stream state: "Live", "Reconnecting…" or "Offline" (with the last problem
/// as its title); nothing on pages that do not watch.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let status = expect_context::<LiveStatus>();
    move || {
        status.connection.get().map(|connection| {
            let (class, text) = match connection {
                Connection::Connecting => ("live-indicator connecting", "Connecting…"),
                Connection::Live => ("live-indicator live", "Live"),
                Connection::Reconnecting => ("live-indicator reconnecting", "Reconnecting…"),
                Connection::Offline => ("live-indicator offline", "Offline"),
            };
            let title = move || match (connection, status.problem.get()) {
                (Connection::Live, _) => "Changes appear as they happen.".to_owned(),
                (_, Some(problem)) => format!("Live updates interrupted: {problem}"),
                (_, None) => "Live updates interrupted; trying again.".to_owned(),
            };
            view! { <span class=class role="status" title=title>{text}</span> }
        })
    }
}
