//! A representative's queue: members' requests waiting for approval.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels};
use crate::components::ErrorNote;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Approvals".to_owned());
    let reload = RwSignal::new(0u32);
    let waiting = crate::state::approvals::handle();
    let queue = LocalResource::new(move || {
        reload.track();
        async move {
            api::tickets()
                .list_approval_queue(pb::ListApprovalQueueRequest {})
                .await
                .map(|r| r.into_inner().tickets)
                .inspect(|tickets| waiting.set(tickets.len()))
                .map_err(ApiError::from)
        }
    });
    view! {
        <h1>"Requests awaiting your approval"</h1>
        <p class="hint">"Members of your community asked for help. Approve a request to send it to the support team, or decline it with a reason."</p>
        {move || match queue.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(tickets)) if tickets.is_empty() => view! { <p>"Nothing is waiting for your approval."</p> }.into_any(),
            Some(Ok(tickets)) => view! {
                <ul class="approvals">
                    {tickets.into_iter().map(|ticket| view! { <ApprovalItem ticket reload/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
fn ApprovalItem(ticket: pb::Ticket, reload: RwSignal<u32>) -> impl IntoView {
    let declining = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let number = ticket.number;
    let version = ticket.version;
    let act = move |action: pb::TicketAction| {
        leptos::task::spawn_local(async move {
            let request = pb::TransitionTicketRequest {
                number,
                action: action as i32,
                expected_version: version,
                reason: reason.get_untracked(),
            };
            match api::tickets().transition_ticket(request).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    let community = ticket.community.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let requester = ticket.requester.as_ref().map(|p| p.display_name.clone()).unwrap_or_default();
    let reason_id = format!("reason-{number}");
    view! {
        <li class="approval">
            <a href=format!("/tickets/{number}")>{ticket.title.clone()}</a>
            <span class="meta">{format!("#{number} · {} · {community} · from {requester}", labels::request_type(ticket.request_type))}</span>
            <div class="actions">
                <button type="button" on:click=move |_| act(pb::TicketAction::Approve)>"Approve"</button>
                <Show when=move || !declining.get()>
                    <button type="button" class="secondary" on:click=move |_| declining.set(true)>"Decline"</button>
                </Show>
            </div>
            <Show when=move || declining.get()>
                <label for=reason_id.clone()>"Reason"</label>
                <textarea id=reason_id.clone() bind:value=reason></textarea>
                <button type="button" class="danger" on:click=move |_| act(pb::TicketAction::Decline)>"Decline"</button>
            </Show>
            <ErrorNote message=error/>
        </li>
    }
}
