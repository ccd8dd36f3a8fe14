//! Email (staff): the mail Steward could not file by itself, to take in as a person's or
//! discard, and (admins) the outbox: every mail Steward queued, sent or not, with its errors.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::time::when_at;
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::{CurrentUser, is_admin};

#[component]
pub fn MailPage() -> impl IntoView {
    crate::components::title::page_title(|| "Email".to_owned());
    let user = expect_context::<CurrentUser>();
    let admin = user.get().as_ref().is_some_and(is_admin);
    view! {
        <h1>"Email"</h1>
        <HeldMail/>
        {admin.then(|| view! { <Outbox/> })}
    }
}

/// Mail waiting for staff, oldest first.
#[component]
fn HeldMail() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let held = LocalResource::new(move || {
        reload.track();
        async {
            api::mail()
                .list_held_mail(pb::ListHeldMailRequest {})
                .await
                .map(|r| r.into_inner().mails)
                .map_err(ApiError::from)
        }
    });
    let communities = LocalResource::new(|| async {
        api::directory()
            .list_communities(pb::ListCommunitiesRequest {})
            .await
            .map(|r| r.into_inner().communities)
            .unwrap_or_default()
    });
    let done = RwSignal::new(None::<String>);
    view! {
        <section aria-labelledby="held-heading">
            <h2 id="held-heading">"Held mail"</h2>
            <p class="hint">"Mail to support that Steward could not file by itself: a sender it does not know, a sender in several \
                communities writing to the general address, an answer on a ticket the sender may not write on. Take it in as \
                the person's it is (a request, or an answer on the ticket it names), or discard it. The original is kept either way."</p>
            {move || done.get().map(|text| view! { <p role="status" class="saved">{text}</p> })}
            {move || match held.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(mails)) if mails.is_empty() => view! { <p>"No mail is waiting."</p> }.into_any(),
                Some(Ok(mails)) => view! {
                    <ul class="held-mail">
                        {mails.into_iter().map(|mail| view! {
                            <li><HeldOne mail communities=Signal::derive(move || communities.get().unwrap_or_default()) reload done/></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn HeldOne(
    mail: pb::HeldMail,
    communities: Signal<Vec<pb::Community>>,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let id = mail.id;
    let email = RwSignal::new(String::new());
    let community = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |release: pb::release_held_mail_request::Release| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let request = pb::ReleaseHeldMailRequest { id, release: Some(release) };
            match api::mail().release_held_mail(request).await {
                Ok(response) => {
                    let response = response.into_inner();
                    done.set(Some(match (response.outcome.as_str(), response.ticket_number) {
                        ("filed", Some(number)) => format!("Filed as ticket #{number}."),
                        ("replied", Some(number)) => format!("Added to ticket #{number}."),
                        ("discarded", _) => "Discarded.".to_owned(),
                        _ => format!("Still held: {}.", response.reason),
                    }));
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let take_in = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let community_id = community.get_untracked().parse::<i64>().ok();
        send(pb::release_held_mail_request::Release::TakeIn(pb::TakeIn { email: email.get_untracked(), community_id }));
    };
    let discard = move |_| {
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message("Discard this mail? It will not reach any ticket.").ok())
            .unwrap_or(false);
        if sure {
            send(pb::release_held_mail_request::Release::Discard(true));
        }
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let general = move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message);
    let zone = user.zone();
    let from = if mail.from_name.is_empty() {
        mail.from_address.clone()
    } else {
        format!("{} <{}>", mail.from_name, mail.from_address)
    };
    let email_id = format!("held-{id}-email");
    let email_error = format!("held-{id}-email-error");
    let community_id = format!("held-{id}-community");
    let community_error = format!("held-{id}-community-error");
    view! {
        <article class="held" aria-labelledby=format!("held-{id}-subject")>
            <h3 id=format!("held-{id}-subject")>{if mail.subject.is_empty() { "(no subject)".to_owned() } else { mail.subject.clone() }}</h3>
            <p class="hint">{format!("From {from} · {}", when_at(&mail.received_at, zone.as_deref()))}</p>
            <p><strong>"Held because "</strong>{mail.reason.clone()}"."</p>
            <blockquote class="mail-text">{mail.text.clone()}</blockquote>
            {(!mail.attachments.is_empty()).then(|| view! {
                <p class="hint">"Attachments (kept with the original): "
                    {mail.attachments.iter().map(|a| format!("{} ({}, {} KiB)", a.name, a.content_type, a.bytes.div_ceil(1024))).collect::<Vec<_>>().join(", ")}
                </p>
            })}
            <form class="take-in" on:submit=take_in novalidate>
                <label for=email_id.clone()>"Take it in as the person with the address"</label>
                <input id=email_id type="email" bind:value=email placeholder="name@community.example"
                    aria-describedby=email_error.clone() autocomplete="off"/>
                <FieldError id=email_error message=field("email")/>
                <label for=community_id.clone()>"In the community"</label>
                <select id=community_id aria-describedby=community_error.clone()
                    on:change=move |ev| community.set(event_target_value(&ev))>
                    <option value="">"Their own (if they belong to one)"</option>
                    {move || communities.get().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view()}
                </select>
                <FieldError id=community_error message=field("community_id")/>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Take in"</button>
                    <button type="button" class="danger" on:click=discard disabled=move || busy.get()>"Discard…"</button>
                </div>
                {move || general().map(|text| view! { <p role="alert" class="error">{text}</p> })}
            </form>
        </article>
    }
}

/// What Steward queued to send, newest first.
#[component]
fn Outbox() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let outbox = LocalResource::new(|| async {
        api::mail().list_outbox(pb::ListOutboxRequest {}).await.map(|r| r.into_inner()).map_err(ApiError::from)
    });
    view! {
        <section aria-labelledby="outbox-heading">
            <h2 id="outbox-heading">"Outbox"</h2>
            {move || match outbox.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(outbox)) => {
                    let zone = user.zone();
                    view! {
                        {if outbox.sending {
                            view! { <p class="hint">"Mail goes out through the configured SMTP server; one that fails is tried again after 1, 2, 4… minutes (at most an hour)."</p> }.into_any()
                        } else {
                            view! { <p class="notice">"No SMTP server is configured (STEWARD_SMTP_URL), so nothing is sent: mail waits here. Set it and restart Steward to send what is waiting."</p> }.into_any()
                        }}
                        {if outbox.mails.is_empty() { view! { <p>"Steward has not queued any mail yet."</p> }.into_any() } else {
                            view! {
                                <table class="outbox">
                                    <thead><tr><th scope="col">"Queued"</th><th scope="col">"What"</th><th scope="col">"To"</th><th scope="col">"Ticket"</th><th scope="col">"Subject"</th><th scope="col">"State"</th></tr></thead>
                                    <tbody>
                                        {outbox.mails.into_iter().map(|mail| {
                                            let state = match (&mail.sent_at, &mail.last_error) {
                                                (Some(_), _) => format!("Sent {}", when_at(&mail.sent_at, zone.as_deref())),
                                                (None, Some(error)) => format!("Not sent after {} attempt(s): {error}", mail.attempts),
                                                (None, None) => "Waiting".to_owned(),
                                            };
                                            view! {
                                                <tr class:failed=mail.sent_at.is_none() && mail.last_error.is_some()>
                                                    <td>{when_at(&mail.created_at, zone.as_deref())}</td>
                                                    <td>{mail.kind.clone()}</td>
                                                    <td>{format!("{} <{}>", mail.recipient_name, mail.recipient)}</td>
                                                    <td>{match (mail.ticket_number, mail.incident_number) {
                                                        (Some(number), _) => view! { <a href=format!("/tickets/{number}")>{format!("#{number}")}</a> }.into_any(),
                                                        (None, Some(number)) => view! { <a href=format!("/incidents/{number}")>{format!("Incident {number}")}</a> }.into_any(),
                                                        (None, None) => view! { <span>"—"</span> }.into_any(),
                                                    }}</td>
                                                    <td>
                                                        <details><summary>{mail.subject.clone()}</summary><pre class="mail-text">{mail.body.clone()}</pre></details>
                                                    </td>
                                                    <td>{state}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
