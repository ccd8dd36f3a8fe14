//! The lifecycle steps the person may take now, decided in the browser by the same rules the
//! server applies (`steward_domain::authz`), with a reason asked first where the lifecycle
//! wants one, and why Close is held back when a release is still missing.

use leptos::prelude::*;
use steward_domain::lifecycle::Action;
use steward_domain::{RequestType, TicketState, authz};
use steward_proto::domain::{self as wire, WireEnum};
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

/// What the person may do with the ticket as it is now, and why closing waits, if it does.
fn offer(person: &pb::Person, ticket: &pb::Ticket) -> (Vec<Action>, Option<String>) {
    let who = wire::principal(person);
    let (Some(facts), Some(request_type)) =
        (wire::ticket_facts(ticket), RequestType::from_wire_lossy(ticket.request_type))
    else {
        return (Vec::new(), None);
    };
    let released_in = ticket.released_in.as_deref();
    let actions = authz::available_actions(&who, &facts, request_type, released_in);
    let held_back = authz::close_held_back(&who, &facts, request_type, released_in).map(|m| m.to_string());
    (actions, held_back)
}

#[component]
pub fn Actions(store: TicketStore) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let ticket = store.ticket;
    let offered = Memo::new(move |_| {
        user.0.with(|person| person.as_ref().map(|p| ticket.with(|t| offer(p, t))).unwrap_or_default())
    });
    // The requester's side "confirms" a resolution where staff close.
    let confirming = move || {
        let staff = user.0.with(|p| p.as_ref().is_some_and(crate::state::user::is_staff));
        !staff && ticket.with(|t| TicketState::from_wire_lossy(t.state) == Some(TicketState::Resolved))
    };
    let asking_reason = RwSignal::new(None::<Action>);
    // Closing asks first: a closed ticket leaves the open columns, and reopening needs a reason.
    let confirming_close = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let act = move |action: Action| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let request = ticket.with_untracked(|t| pb::TransitionTicketRequest {
            number: t.number,
            action: action.to_wire() as i32,
            expected_version: t.version,
            reason: reason.get_untracked(),
        });
        leptos::task::spawn_local(async move {
            match api::tickets().transition_ticket(request).await {
                Ok(response) => {
                    if let Some(moved) = response.into_inner().ticket {
                        store.show_ticket(moved);
                    }
                    error.set(None);
                    asking_reason.set(None);
                    confirming_close.set(false);
                    reason.set(String::new());
                }
                // Someone else changed it or it moved on: the stream shows the ticket as it is
                // now, and the reason stays on screen.
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let reason_error = Signal::derive(move || error.get().and_then(|e| e.field("reason")));
    view! {
        <div class="actions" role="group" aria-label="Ticket actions">
            {move || offered.get().0.into_iter()
                .filter(|action| asking_reason.get() != Some(*action) && !(*action == Action::Close && confirming_close.get()))
                .map(|action| view! {
                    <button type="button" class:secondary=action == Action::Close disabled=move || busy.get() on:click=move |_| {
                        if action.needs_reason() {
                            asking_reason.set(Some(action))
                        } else if action == Action::Close {
                            confirming_close.set(true)
                        } else {
                            act(action)
                        }
                    }>{action.button_label(confirming())}</button>
                }).collect_view()}
        </div>
        {move || confirming_close.get().then(|| {
            let number = ticket.with_untracked(|t| t.number);
            let (question, yes) = if confirming() {
                (format!("Confirm that #{number} is resolved? It will be closed."), "Yes, it is resolved")
            } else {
                (format!("Close #{number}? It leaves the open columns; reopening it asks for a reason."), "Yes, close it")
            };
            view! {
                <div class="confirm-close" role="group" aria-label="Confirm closing">
                    <p>{question}</p>
                    <button type="button" disabled=move || busy.get() on:click=move |_| act(Action::Close)>{yes}</button>
                    <button type="button" class="secondary" on:click=move |_| confirming_close.set(false)>"Cancel"</button>
                </div>
            }
        })}
        {move || offered.get().1.map(|why| view! { <p class="note close-held-back">{why}</p> })}
        {move || asking_reason.get().map(|action| view! {
            <div class="reason">
                <label for="reason">"Reason"</label>
                <textarea id="reason" rows="2" bind:value=reason aria-describedby="reason-error"></textarea>
                <FieldError id="reason-error" message=reason_error/>
                <button type="button" disabled=move || busy.get() on:click=move |_| act(action)>{action.button_label(false)}</button>
                <button type="button" class="secondary" on:click=move |_| asking_reason.set(None)>"Cancel"</button>
            </div>
        })}
        {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
    }
}
