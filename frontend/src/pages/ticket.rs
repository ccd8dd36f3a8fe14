//! One ticket: its details and form answers, the conversation (internal notes only for staff,
//! clearly marked), the reply box, the lifecycle steps the person may take, and for staff the
//! assignee, priority, type and confidentiality.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::components::{ErrorNote, FieldError};
use crate::live::{self, Watch};
use crate::state::user::{CurrentUser, is_staff};

/// What the person is typing on the ticket page, kept across refreshes.
#[derive(Clone, Copy)]
struct Drafts {
    template_key: RwSignal<String>,
    template_context: RwSignal<String>,
    link_url: RwSignal<String>,
    link_title: RwSignal<String>,
    /// `None` until the person edits it: the field shows the recorded release.
    release: RwSignal<Option<String>>,
    minutes: RwSignal<String>,
    note: RwSignal<String>,
    rating: RwSignal<i32>,
    comment: RwSignal<String>,
    /// The staff's triage choices, once changed and until saved.
    manage: RwSignal<Option<ManageDraft>>,
}

#[derive(Clone, Debug, PartialEq)]
struct ManageDraft {
    assignee: i64,
    priority: i32,
    request_type: i32,
    confidential: bool,
    scheduled_for: String,
}

impl Drafts {
    fn clear(&self) {
        for text in [
            self.template_key,
            self.template_context,
            self.link_url,
            self.link_title,
            self.minutes,
            self.note,
            self.comment,
        ] {
            text.set(String::new());
        }
        self.release.set(None);
        self.rating.set(0);
        self.manage.set(None);
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts {
            template_key: RwSignal::new(String::new()),
            template_context: RwSignal::new(String::new()),
            link_url: RwSignal::new(String::new()),
            link_title: RwSignal::new(String::new()),
            release: RwSignal::new(None),
            minutes: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
            rating: RwSignal::new(0),
            comment: RwSignal::new(String::new()),
            manage: RwSignal::new(None),
        }
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
    let reload = RwSignal::new(0u32);
    // What the person is typing survives every refresh of the ticket.
    let draft = RwSignal::new(String::new());
    // The same for every other field on the page: a live refresh rebuilds the page's parts, and
    // they bind to these. Opening another ticket starts afresh.
    let drafts = Drafts::default();
    provide_context(drafts);
    Effect::new(move |previous: Option<i64>| {
        let current = number();
        if previous.is_some_and(|p| p != current) {
            drafts.clear();
            draft.set(String::new());
        }
        current
    });
    // Why the last step was refused, kept across the refresh that shows the current ticket.
    let action_error = RwSignal::new(None::<ApiError>);
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
    // What the page shows changes only when the answer does: a refresh that finds nothing new
    // (the echo of the person's own change, say) leaves the page, and any message on it, alone.
    let shown = RwSignal::new(None::<Result<pb::GetTicketResponse, ApiError>>);
    Effect::new(move |_| {
        if let Some(answer) = ticket.get()
            && shown.with_untracked(|current| current.as_ref() != Some(&answer))
        {
            shown.set(Some(answer));
        }
    });
    view! {
        {move || match shown.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) if error.is_not_found() => view! {
                <h1>"Ticket not found"</h1>
                <p>{format!("There is no ticket #{}, or you do not have access to it.", number())}</p>
                <p><a href="/tickets">"Back to Tickets"</a></p>
            }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(response)) => view! { <TicketView response reload draft action_error/> }.into_any(),
        }}
    }
}

#[component]
fn TicketView(
    response: pb::GetTicketResponse,
    reload: RwSignal<u32>,
    draft: RwSignal<String>,
    action_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
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
            <div class="ticket-layout">
                <div class="ticket-main">
                    <Actions ticket=ticket.clone() actions=response.available_actions reload error=action_error/>
                    {(!response.close_held_back.is_empty()).then(|| view! { <p class="note close-held-back">{response.close_held_back.clone()}</p> })}
                    <section aria-labelledby="request-heading">
                        <h2 id="request-heading">"Request"</h2>
                        <p class="description">{ticket.description.clone()}</p>
                        {(!ticket.answers.is_empty()).then(|| view! {
                            <dl class="answers">
                                {ticket.answers.iter().map(|a| view! { <dt>{a.label.clone()}</dt><dd>{a.value.clone()}</dd> }).collect_view()}
                            </dl>
                        })}
                    </section>
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
                    {response.survey.map(|survey| view! { <SurveyView number survey reload/> })}
                    <History number/>
                </div>
                <aside class="ticket-side" aria-label="Details and triage">
                    <dl class="facts">
                        <dt>"Community"</dt><dd>{ticket.community.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</dd>
                        <dt>"Requester"</dt><dd>{person(&ticket.requester)}</dd>
                        <dt>"Assignee"</dt><dd>{person(&ticket.assignee)}</dd>
                        <dt>"Filed"</dt><dd>{local_time(&ticket.created_at)}</dd>
                        <dt>"Updated"</dt><dd>{local_time(&ticket.updated_at)}</dd>
                        <dt>"Acknowledged"</dt>
                        <dd>{if ticket.acknowledged_at.is_some() { local_time(&ticket.acknowledged_at) } else { "Not yet".to_owned() }}</dd>
                        {ticket.released_in.clone().map(|release| view! { <dt>"Released in"</dt><dd class="released-in">{release}</dd> })}
                        {ticket.scheduled_for.clone().map(|day| view! { <dt>"Scheduled for"</dt><dd class="scheduled-for">{day}</dd> })}
                    </dl>
                    <Links number links=response.links staff=can_manage reload/>
                    {can_manage.then(|| view! { <ManageForm ticket=ticket.clone() reload/> })}
                    {response.triage.map(|triage| view! { <TriagePanel ticket=ticket.clone() triage reload/> })}
                </aside>
            </div>
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
        {staff.then(|| view! { <TemplatePicker number body/> })}
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
fn Actions(
    ticket: pb::Ticket,
    actions: Vec<i32>,
    reload: RwSignal<u32>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let confirming = !user.get().as_ref().is_some_and(is_staff) && ticket.state == pb::TicketState::Resolved as i32;
    let asking_reason = RwSignal::new(None::<i32>);
    let reason = RwSignal::new(String::new());
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
                    // Someone else changed it, or it moved on: show the current ticket (the
                    // reason stays on screen). A missing release changes nothing.
                    let moved_on = matches!(
                        api::error_reason(&status).as_deref(),
                        Some("STALE_VERSION" | "TRANSITION_NOT_ALLOWED")
                    );
                    error.set(Some(ApiError::from(status)));
                    if moved_on {
                        reload.update(|n| *n += 1);
                    }
                }
            }
        });
    };
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
    // What the steward chose and has not saved yet survives a live refresh.
    let drafts = expect_context::<Drafts>();
    let initial = drafts.manage.get_untracked().unwrap_or_else(|| ManageDraft {
        assignee: ticket.assignee.as_ref().map(|a| a.id).unwrap_or(0),
        priority: ticket.priority,
        request_type: ticket.request_type,
        confidential: ticket.confidential,
        scheduled_for: ticket.scheduled_for.clone().unwrap_or_default(),
    });
    let assignee = RwSignal::new(initial.assignee);
    let priority = RwSignal::new(initial.priority);
    let request_type = RwSignal::new(initial.request_type);
    let confidential = RwSignal::new(initial.confidential);
    let scheduled_for = RwSignal::new(initial.scheduled_for);
    let remember = move || {
        drafts.manage.set(Some(ManageDraft {
            assignee: assignee.get_untracked(),
            priority: priority.get_untracked(),
            request_type: request_type.get_untracked(),
            confidential: confidential.get_untracked(),
            scheduled_for: scheduled_for.get_untracked(),
        }))
    };
    let suggestions = LocalResource::new(move || async move {
        api::triage()
            .suggest_assignee(pb::SuggestAssigneeRequest { number: ticket.number })
            .await
            .map(|r| r.into_inner().suggestions)
            .unwrap_or_default()
    });
    let workshop = move || request_type.get() == pb::RequestType::WorkshopRequest as i32;
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let number = ticket.number;
    let version = ticket.version;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let is_workshop = request_type.get_untracked() == pb::RequestType::WorkshopRequest as i32;
        let request = pb::UpdateTicketRequest {
            number,
            expected_version: version,
            // Workshops are scheduled for a day, not assigned.
            assignee_id: (!is_workshop).then(|| assignee.get_untracked()),
            priority: Some(priority.get_untracked()),
            request_type: Some(request_type.get_untracked()),
            confidential: Some(confidential.get_untracked()),
            scheduled_for: is_workshop.then(|| scheduled_for.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::tickets().update_ticket(request).await {
                Ok(_) => {
                    saved.set(true);
                    // Saved: show what the ticket says from now on.
                    drafts.manage.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    view! {
        <form class="manage" on:submit=save>
            <h2>"Triage"</h2>
            <Show when=move || !workshop() fallback=move || view! {
                <label for="scheduled-for">"Scheduled for (workshops are planned for a day, not assigned)"</label>
                <input id="scheduled-for" type="date" prop:value=move || scheduled_for.get()
                    on:input=move |ev| { scheduled_for.set(event_target_value(&ev)); remember() }/>
            }>
                {move || suggestions.get().and_then(|list| list.into_iter().next()).map(|best| {
                    let person = best.person.unwrap_or_default();
                    let id = person.id;
                    view! {
                        <p class="suggestion">
                            "Suggested: " <strong>{person.display_name.clone()}</strong>
                            {format!(" ({})", best.reasons.join("; "))} " "
                            <button type="button" class="link-button" on:click=move |_| { assignee.set(id); remember() }>
                                {format!("Choose {}", person.display_name)}
                            </button>
                        </p>
                    }
                })}
                <label for="assignee">"Assignee"</label>
                <select id="assignee" on:change=move |ev| { assignee.set(event_target_value(&ev).parse().unwrap_or(0)); remember() }>
                    <option value="0" selected=move || assignee.get() == 0>"Unassigned"</option>
                    {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.to_string() selected=move || assignee.get() == p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
            </Show>
            <label for="priority">"Priority"</label>
            <select id="priority" on:change=move |ev| { priority.set(event_target_value(&ev).parse().unwrap_or(0)); remember() }>
                {labels::priorities().map(|(v, label)| { view! {
                    <option value=v.to_string() selected=move || priority.get() == v>{label}</option>
                }}).collect_view()}
            </select>
            <label for="type">"Type"</label>
            <select id="type" on:change=move |ev| { request_type.set(event_target_value(&ev).parse().unwrap_or(0)); remember() }>
                {labels::request_types().map(|(v, label)| { view! {
                    <option value=v.to_string() selected=move || request_type.get() == v>{label}</option>
                }}).collect_view()}
            </select>
            <div class="choice">
                <input type="checkbox" id="manage-confidential" prop:checked=move || confidential.get()
                    on:change=move |ev| { confidential.set(event_target_checked(&ev)); remember() }/>
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
                                {e.what.as_ref().map(steward_proto::domain::sentence).unwrap_or_default()}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </details>
    }
}

/// Staff: pick a response template, say what `{CONTEXT}` should be, and get it filled in from
/// the ticket into the message box, to edit before sending.
#[component]
fn TemplatePicker(number: i64, body: RwSignal<String>) -> impl IntoView {
    let templates = LocalResource::new(|| async {
        api::triage()
            .list_response_templates(pb::ListResponseTemplatesRequest {})
            .await
            .map(|r| r.into_inner().templates)
            .map_err(ApiError::from)
    });
    let drafts = expect_context::<Drafts>();
    let (key, context) = (drafts.template_key, drafts.template_context);
    let error = RwSignal::new(None::<ApiError>);
    let fill = move |_| {
        let request =
            pb::FillResponseTemplateRequest { number, key: key.get_untracked(), context: context.get_untracked() };
        if request.key.is_empty() {
            error.set(Some(ApiError {
                code: tonic::Code::InvalidArgument,
                message: "Choose a template first.".to_owned(),
                fields: vec![("key".to_owned(), "Choose a template first.".to_owned())],
            }));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::triage().fill_response_template(request).await {
                Ok(response) => {
                    body.set(response.into_inner().text);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let key_error = Signal::derive(move || error.get().and_then(|e| e.field("key")));
    let context_error = Signal::derive(move || error.get().and_then(|e| e.field("context")));
    view! {
        <fieldset class="template-picker">
            <legend>"Reply from a template"</legend>
            <label for="template">"Template"</label>
            <select id="template" on:change=move |ev| key.set(event_target_value(&ev)) aria-describedby="template-error">
                <option value="" selected=move || key.get().is_empty()>"Choose…"</option>
                {move || match templates.get() {
                    Some(Ok(list)) => list.into_iter().map(|t| view! {
                        <option value=t.key.clone()>{t.name}</option>
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                }}
            </select>
            <FieldError id="template-error" message=key_error/>
            <label for="template-context">"Context (fills {CONTEXT})"</label>
            <textarea id="template-context" rows="2" bind:value=context aria-describedby="template-context-error"
                aria-invalid=move || context_error.get().is_some().to_string()></textarea>
            <FieldError id="template-context-error" message=context_error/>
            {move || match templates.get() {
                Some(Err(e)) => Some(view! { <p role="alert" class="error">{e.message}</p> }),
                _ => None,
            }}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="button" class="secondary" on:click=fill>"Fill in the message"</button>
        </fieldset>
    }
}

/// Engineering issues that track the work: everyone who sees the ticket sees them; staff add
/// and remove them.
#[component]
fn Links(number: i64, links: Vec<pb::TicketLink>, staff: bool, reload: RwSignal<u32>) -> impl IntoView {
    let drafts = expect_context::<Drafts>();
    let (url, title) = (drafts.link_url, drafts.link_title);
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::AddLinkRequest { number, url: url.get_untracked(), title: title.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::triage().add_link(request).await {
                Ok(_) => {
                    url.set(String::new());
                    title.set(String::new());
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let remove = move |link_id: i64| {
        leptos::task::spawn_local(async move {
            match api::triage().remove_link(pb::RemoveLinkRequest { number, link_id }).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let url_error = Signal::derive(move || error.get().and_then(|e| e.field("url")));
    let title_error = Signal::derive(move || error.get().and_then(|e| e.field("title")));
    let empty = links.is_empty();
    (staff || !empty).then(|| view! {
        <section aria-labelledby="links-heading" class="links">
            <h2 id="links-heading">"Engineering issues"</h2>
            {empty.then(|| view! { <p class="hint">"No issue linked yet."</p> })}
            <ul>
                {links.into_iter().map(|link| {
                    let id = link.id;
                    view! {
                        <li>
                            <a href=link.url.clone() rel="noopener noreferrer" target="_blank">{link.title.clone()}</a>
                            {staff.then(|| view! {
                                " " <button type="button" class="link-button" on:click=move |_| remove(id)
                                    aria-label=format!("Remove the link to {}", link.title)>"Remove"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {staff.then(|| view! {
                <form class="add-link" on:submit=add>
                    <label for="link-url">"Issue address"</label>
                    <input id="link-url" type="url" bind:value=url placeholder="https://…" aria-describedby="link-url-error"/>
                    <FieldError id="link-url-error" message=url_error/>
                    <label for="link-title">"Issue title"</label>
                    <input type="text" id="link-title" bind:value=title aria-describedby="link-title-error"/>
                    <FieldError id="link-title-error" message=title_error/>
                    {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    <button type="submit" class="secondary">"Link issue"</button>
                </form>
            })}
        </section>
    })
}

/// Seconds since the epoch now, from the browser's clock.
fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Staff: where the ticket stands in the triage order, the 30-minute timebox, the release that
/// makes it available, and the time logged on it.
#[component]
fn TriagePanel(ticket: pb::Ticket, triage: pb::TicketTriage, reload: RwSignal<u32>) -> impl IntoView {
    let number = ticket.number;
    let version = ticket.version;
    let error = RwSignal::new(None::<ApiError>);
    let done = move |result: Result<(), tonic::Status>| match result {
        Ok(()) => {
            error.set(None);
            reload.update(|n| *n += 1);
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
    let ends = triage.timebox_ends_at.as_ref().map(|t| t.seconds);
    let running = triage.timebox_started_at.is_some();
    let set_timebox = move |running: bool| {
        let request = pb::SetTimeboxRequest { number, expected_version: version, running };
        leptos::task::spawn_local(async move { done(api::triage().set_timebox(request).await.map(|_| ())) });
    };
    let drafts = expect_context::<Drafts>();
    let recorded = ticket.released_in.clone().unwrap_or_default();
    let release = Signal::derive(move || drafts.release.get().unwrap_or_else(|| recorded.clone()));
    let save_release = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::SetReleaseRequest { number, expected_version: version, released_in: release.get_untracked() };
        leptos::task::spawn_local(async move {
            let saved = api::triage().set_release(request).await.map(|_| ());
            if saved.is_ok() {
                // Show what is recorded from now on.
                drafts.release.set(None);
            }
            done(saved)
        });
    };
    let (minutes, note) = (drafts.minutes, drafts.note);
    let budget = RwSignal::new(None::<pb::Budget>);
    let log = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(value) = minutes.get_untracked().trim().parse::<i32>() else {
            let message = "Give the time in minutes, e.g. 45.".to_owned();
            error.set(Some(ApiError {
                code: tonic::Code::InvalidArgument,
                message: message.clone(),
                fields: vec![("minutes".to_owned(), message)],
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
                    done(Ok(()));
                }
                Err(status) => done(Err(status)),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <section class="triage-panel" aria-labelledby="triage-panel-heading">
            <h2 id="triage-panel-heading">"Priority and time"</h2>
            <p>"Placed in the queue by: " <strong class="placed-by">{triage.placed_by.clone()}</strong></p>
            <p>{if triage.flags.is_empty() {
                "No priority flags set (set them on the triage queue).".to_owned()
            } else {
                format!("Flags: {}", triage.flags.iter().map(|f| labels::priority_flag(*f)).collect::<Vec<_>>().join(", "))
            }}</p>
            <div class="timebox" role="group" aria-label="30-minute timebox">
                {move || match ends {
                    Some(ends) if ends > now.get() => {
                        let left = ends - now.get();
                        view! { <span class="timebox-clock" role="timer">{format!("Timebox: {}:{:02} left", left / 60, left % 60)}</span> }.into_any()
                    }
                    Some(_) => view! { <span class="timebox-clock up" role="alert">"Timebox is up: open an engineering issue and link it, or keep going deliberately."</span> }.into_any(),
                    None => view! { <span class="timebox-clock">"Timebox not started."</span> }.into_any(),
                }}
                {if running {
                    view! { <button type="button" class="secondary" on:click=move |_| set_timebox(false)>"Stop timebox"</button> }.into_any()
                } else {
                    view! { <button type="button" class="secondary" on:click=move |_| set_timebox(true)>"Start 30-minute timebox"</button> }.into_any()
                }}
            </div>
            <form class="release" on:submit=save_release>
                <label for="released-in">"Released in (the release or change that makes it available)"</label>
                <input type="text" id="released-in" prop:value=move || release.get() aria-describedby="released-in-error"
                    on:input=move |ev| drafts.release.set(Some(event_target_value(&ev)))/>
                <FieldError id="released-in-error" message=field("released_in")/>
                <button type="submit" class="secondary">"Save release"</button>
            </form>
            <form class="log-time" on:submit=log>
                <p>{format!("Time logged: {}", labels::duration(i64::from(triage.minutes_logged)))}</p>
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

const RATINGS: &[(i32, &str)] =
    &[(1, "1 · Very poor"), (2, "2 · Poor"), (3, "3 · Fair"), (4, "4 · Good"), (5, "5 · Excellent")];

/// The one-question satisfaction survey of a resolved ticket: the requester's side answers it
/// once; staff read the answer.
#[component]
fn SurveyView(number: i64, survey: pb::Survey, reload: RwSignal<u32>) -> impl IntoView {
    let drafts = expect_context::<Drafts>();
    let (rating, comment) = (drafts.rating, drafts.comment);
    let error = RwSignal::new(None::<ApiError>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request =
            pb::AnswerSurveyRequest { number, rating: rating.get_untracked(), comment: comment.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::tickets().answer_survey(request).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let rating_error = Signal::derive(move || error.get().and_then(|e| e.field("rating")));
    let comment_error = Signal::derive(move || error.get().and_then(|e| e.field("comment")));
    view! {
        <section class="survey" aria-labelledby="survey-heading">
            <h2 id="survey-heading">"How did we do?"</h2>
            {match survey.rating {
                Some(given) => view! {
                    <p class="survey-answer">
                        {format!("Rated {given} out of 5")}
                        {survey.answered_by.as_ref().map(|p| format!(" by {}", p.display_name))}
                        {(!survey.comment.is_empty()).then(|| format!(": \u{201c}{}\u{201d}", survey.comment))}
                    </p>
                }.into_any(),
                None if survey.can_answer => view! {
                    <form class="survey-form" on:submit=send>
                        <fieldset aria-describedby="survey-rating-error">
                            <legend>"How satisfied are you with the support on this request?"</legend>
                            {RATINGS.iter().map(|(value, label)| {
                                let (value, id) = (*value, format!("rating-{value}"));
                                view! {
                                    <span class="choice">
                                        <input type="radio" name="rating" id=id.clone() prop:checked=move || rating.get() == value
                                            on:change=move |_| rating.set(value)/>
                                        <label for=id>{*label}</label>
                                    </span>
                                }
                            }).collect_view()}
                        </fieldset>
                        <FieldError id="survey-rating-error" message=rating_error/>
                        <label for="survey-comment">"Anything to add? (optional)"</label>
                        <textarea id="survey-comment" rows="2" bind:value=comment aria-describedby="survey-comment-error"></textarea>
                        <FieldError id="survey-comment-error" message=comment_error/>
                        {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                        <button type="submit">"Send rating"</button>
                    </form>
                }.into_any(),
                None => view! { <p class="hint">"Waiting for the requester's rating."</p> }.into_any(),
            }}
        </section>
    }
}
