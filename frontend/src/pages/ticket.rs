//! One ticket: its details and form answers, the conversation (internal notes only for staff,
//! clearly marked), the reply box, the lifecycle steps the person may take, and for staff the
//! assignee, priority, type and confidentiality.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::app::{CurrentUser, is_staff};
use crate::components::{ErrorNote, FieldError};
use crate::live::{self, Watch};

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
    let reload = RwSignal::new(0u32);
    // What the person is typing survives every refresh of the ticket.
    let draft = RwSignal::new(String::new());
    // Follow this ticket live: any change to it reloads what the page shows.
    Effect::new(move |_| {
        let number = number();
        live::refresh_on_change(Watch { all_tickets: false, ticket_numbers: vec![number] }, move || {
            reload.update(|n| *n += 1)
        });
    });
    let ticket = LocalResource::new(move || {
        reload.track();
        let number = number();
        async move {
            api::tickets()
                .get_ticket(pb::GetTicketRequest { number })
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    });
    view! {
        {move || match ticket.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) if error.is_not_found() => view! {
                <h1>"Ticket not found"</h1>
                <p>{format!("There is no ticket #{}, or you do not have access to it.", number())}</p>
                <p><a href="/tickets">"Back to Tickets"</a></p>
            }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(response)) => view! { <TicketView response reload draft/> }.into_any(),
        }}
    }
}

#[component]
fn TicketView(response: pb::GetTicketResponse, reload: RwSignal<u32>, draft: RwSignal<String>) -> impl IntoView {
    let ticket = response.ticket.unwrap_or_default();
    let can_manage = response.can_manage;
    let comments = RwSignal::new(response.comments);
    let number = ticket.number;
    let person = |p: &Option<pb::PersonRef>| {
        p.as_ref().map(|p| p.display_name.clone()).unwrap_or_else(|| "Unassigned".to_owned())
    };
    view! {
        <article class="ticket">
            <h1>{format!("#{} {}", ticket.number, ticket.title)}</h1>
            <p class="badges">
                <span class="badge state">{labels::state(ticket.state)}</span>
                <span class="badge">{labels::request_type(ticket.request_type)}</span>
                <span class="badge priority">{labels::priority(ticket.priority)}</span>
                {if ticket.confidential {
                    view! { <span class="badge confidential">"Confidential"</span> }.into_any()
                } else {
                    view! { <span class="badge public">"Public"</span> }.into_any()
                }}
            </p>
            <dl class="facts">
                <dt>"Community"</dt><dd>{ticket.community.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</dd>
                <dt>"Requester"</dt><dd>{person(&ticket.requester)}</dd>
                <dt>"Assignee"</dt><dd>{person(&ticket.assignee)}</dd>
                <dt>"Filed"</dt><dd>{local_time(&ticket.created_at)}</dd>
                <dt>"Updated"</dt><dd>{local_time(&ticket.updated_at)}</dd>
            </dl>
            <Actions ticket=ticket.clone() actions=response.available_actions staff=can_manage reload/>
            <section aria-labelledby="request-heading">
                <h2 id="request-heading">"Request"</h2>
                <p class="description">{ticket.description.clone()}</p>
                {(!ticket.answers.is_empty()).then(|| view! {
                    <dl class="answers">
                        {ticket.answers.iter().map(|a| view! { <dt>{a.label.clone()}</dt><dd>{a.value.clone()}</dd> }).collect_view()}
                    </dl>
                })}
            </section>
            {can_manage.then(|| view! { <ManageForm ticket=ticket.clone() reload/> })}
            <section aria-labelledby="conversation-heading">
                <h2 id="conversation-heading">"Conversation"</h2>
                {move || {
                    let list = comments.get();
                    if list.is_empty() {
                        return view! { <p class="hint">"No messages yet."</p> }.into_any();
                    }
                    view! {
                        <ol class="conversation">
                            {list.into_iter().map(|c| {
                                let internal = labels::is_internal(c.visibility);
                                view! {
                                    <li>
                                        <article class:internal=internal class="entry">
                                            <header>
                                                <strong>{c.author.as_ref().map(|a| a.display_name.clone()).unwrap_or_default()}</strong>
                                                " · " <time>{local_time(&c.created_at)}</time>
                                                {internal.then(|| view! { <span class="badge internal">"Internal note"</span> })}
                                            </header>
                                            <p class="body">{c.body.clone()}</p>
                                        </article>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                <ReplyBox number staff=can_manage comments reload body=draft/>
            </section>
            <History number/>
        </article>
    }
}

#[component]
fn ReplyBox(
    number: i64,
    staff: bool,
    comments: RwSignal<Vec<pb::Comment>>,
    reload: RwSignal<u32>,
    body: RwSignal<String>,
) -> impl IntoView {
    let internal = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let visibility = if internal.get_untracked() {
            pb::CommentVisibility::InternalNote
        } else {
            pb::CommentVisibility::PublicReply
        };
        let request = pb::AddCommentRequest { number, body: body.get_untracked(), visibility: visibility as i32 };
        leptos::task::spawn_local(async move {
            match api::tickets().add_comment(request).await {
                Ok(response) => {
                    if let Some(comment) = response.into_inner().comment {
                        comments.update(|list| list.push(comment));
                    }
                    body.set(String::new());
                    error.set(None);
                    if !staff {
                        // A requester's answer can move the ticket (Pending -> Open).
                        reload.update(|n| *n += 1);
                    }
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let body_error = Signal::derive(move || error.get().and_then(|e| e.field("body")));
    view! {
        <form class="reply" on:submit=send>
            <label for="message">"Message"</label>
            <textarea id="message" rows="4" bind:value=body aria-describedby="body-error"
                aria-invalid=move || body_error.get().is_some().to_string()></textarea>
            <FieldError id="body-error" message=body_error/>
            {staff.then(|| view! {
                <fieldset class="visibility">
                    <legend>"Visibility"</legend>
                    <input type="radio" name="visibility" id="visibility-public" prop:checked=move || !internal.get() on:change=move |_| internal.set(false)/>
                    <label for="visibility-public">"Public reply"</label>
                    <input type="radio" name="visibility" id="visibility-internal" prop:checked=move || internal.get() on:change=move |_| internal.set(true)/>
                    <label for="visibility-internal">"Internal note"</label>
                </fieldset>
            })}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="submit" disabled=move || busy.get()>"Send"</button>
        </form>
    }
}

#[component]
fn Actions(ticket: pb::Ticket, actions: Vec<i32>, staff: bool, reload: RwSignal<u32>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let confirming = !user.get().as_ref().is_some_and(is_staff) && ticket.state == pb::TicketState::Resolved as i32;
    let asking_reason = RwSignal::new(None::<i32>);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let number = ticket.number;
    let version = ticket.version;
    let act = move |action: i32| {
        let request =
            pb::TransitionTicketRequest { number, action, expected_version: version, reason: reason.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::tickets().transition_ticket(request).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(status) => {
                    let failure = ApiError::from(status);
                    let refused = failure.code == tonic::Code::FailedPrecondition;
                    error.set(Some(failure));
                    if refused {
                        // Someone else changed it, or it moved on: show the current ticket.
                        reload.update(|n| *n += 1);
                    }
                }
            }
        });
    };
    let _ = staff;
    let reason_error = Signal::derive(move || error.get().and_then(|e| e.field("reason")));
    view! {
        <div class="actions" role="group" aria-label="Ticket actions">
            {actions.iter().copied().map(|action| {
                let label = labels::action(action, confirming);
                view! {
                    <Show when=move || asking_reason.get() != Some(action)>
                        <button type="button" on:click=move |_| {
                            if labels::action_needs_reason(action) { asking_reason.set(Some(action)) } else { act(action) }
                        }>{label}</button>
                    </Show>
                }
            }).collect_view()}
        </div>
        {move || asking_reason.get().map(|action| view! {
            <div class="reason">
                <label for="reason">"Reason"</label>
                <textarea id="reason" rows="2" bind:value=reason aria-describedby="reason-error"></textarea>
                <FieldError id="reason-error" message=reason_error/>
                <button type="button" on:click=move |_| act(action)>{labels::action(action, false)}</button>
                <button type="button" class="secondary" on:click=move |_| asking_reason.set(None)>"Cancel"</button>
            </div>
        })}
        {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
    }
}

#[component]
fn ManageForm(ticket: pb::Ticket, reload: RwSignal<u32>) -> impl IntoView {
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let assignee = RwSignal::new(ticket.assignee.as_ref().map(|a| a.id).unwrap_or(0));
    let priority = RwSignal::new(ticket.priority);
    let request_type = RwSignal::new(ticket.request_type);
    let confidential = RwSignal::new(ticket.confidential);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let number = ticket.number;
    let version = ticket.version;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::UpdateTicketRequest {
            number,
            expected_version: version,
            assignee_id: Some(assignee.get_untracked()),
            priority: Some(priority.get_untracked()),
            request_type: Some(request_type.get_untracked()),
            confidential: Some(confidential.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::tickets().update_ticket(request).await {
                Ok(_) => {
                    saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    view! {
        <form class="manage" on:submit=save>
            <h2>"Triage"</h2>
            <label for="assignee">"Assignee"</label>
            <select id="assignee" on:change=move |ev| assignee.set(event_target_value(&ev).parse().unwrap_or(0))>
                <option value="0" selected=move || assignee.get() == 0>"Unassigned"</option>
                {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                    <option value=p.id.to_string() selected=move || assignee.get() == p.id>{p.display_name}</option>
                }).collect_view()}
            </select>
            <label for="priority">"Priority"</label>
            <select id="priority" on:change=move |ev| priority.set(event_target_value(&ev).parse().unwrap_or(0))>
                {labels::PRIORITIES.iter().map(|p| { let v = *p as i32; view! {
                    <option value=v.to_string() selected=move || priority.get() == v>{labels::priority(v)}</option>
                }}).collect_view()}
            </select>
            <label for="type">"Type"</label>
            <select id="type" on:change=move |ev| request_type.set(event_target_value(&ev).parse().unwrap_or(0))>
                {labels::REQUEST_TYPES.iter().map(|t| { let v = *t as i32; view! {
                    <option value=v.to_string() selected=move || request_type.get() == v>{labels::request_type(v)}</option>
                }}).collect_view()}
            </select>
            <div class="choice">
                <input type="checkbox" id="manage-confidential" prop:checked=move || confidential.get()
                    on:change=move |ev| confidential.set(event_target_checked(&ev))/>
                <label for="manage-confidential">"Confidential"</label>
            </div>
            <ErrorNote message=error/>
            <button type="submit" class="secondary">"Save changes"</button>
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
    }
}

#[component]
fn History(number: i64) -> impl IntoView {
    let events = LocalResource::new(move || async move {
        api::tickets()
            .list_ticket_events(pb::ListTicketEventsRequest { number })
            .await
            .map(|r| r.into_inner().events)
            .map_err(ApiError::from)
    });
    view! {
        <details class="history">
            <summary>"History"</summary>
            {move || match events.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol>
                        {list.into_iter().map(|e| view! {
                            <li>
                                <time>{local_time(&e.at)}</time>" "
                                <strong>{e.actor.map(|a| a.display_name).unwrap_or_else(|| "Steward".to_owned())}</strong>" "
                                {e.summary}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </details>
    }
}
