//! The conversation: every message in order (internal notes only for staff, clearly marked),
//! the reply box, and for staff the response templates (`components::template_picker`). A message that arrives live is added
//! to the list; nothing else on the page is rebuilt, so a reply being typed stays as it is.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError, labels, local_time};
use crate::components::FieldError;
use crate::components::attachments::{FileList, FilePicker, Picked, take_pasted};
use crate::components::markdown::Markdown;
use crate::components::sealed::SealedText;
use crate::components::template_picker::{Filling, TemplatePicker};
use crate::crypto;
use crate::state::draft::kept_text_unless;

#[component]
pub fn Conversation(store: TicketStore) -> impl IntoView {
    let comments = store.comments;
    let empty = move || comments.with(Vec::is_empty);
    view! {
        <section aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">"Conversation"</h2>
            // Read-only: the list is rebuilt when a message arrives, and nothing in it is typed.
            {move || if empty() {
                view! { <p class="hint">"No messages yet."</p> }.into_any()
            } else {
                view! { <ol class="conversation">{comments.get().into_iter().map(message).collect_view()}</ol> }.into_any()
            }}
            <ReplyBox store/>
        </section>
    }
}

fn message(comment: pb::Comment) -> impl IntoView {
    let internal = labels::is_internal(comment.visibility);
    view! {
        <li>
            <article class:internal=internal class="entry">
                <header>
                    <strong>{comment.author.map(|a| a.display_name).unwrap_or_default()}</strong>
                    " · " <time>{local_time(&comment.created_at)}</time>
                    {internal.then(|| view! { <span class="badge internal">"Internal note"</span> })}
                </header>
                {if comment.sealed_for.is_empty() {
                    view! { <Markdown html=comment.body_html/> }.into_any()
                } else {
                    view! { <SealedText block=comment.body sealed_for=comment.sealed_for/> }.into_any()
                }}
                <FileList files=comment.attachments/>
            </article>
        </li>
    }
}

#[component]
fn ReplyBox(store: TicketStore) -> impl IntoView {
    let staff = store.can_manage;
    let number = store.ticket.with_untracked(|t| t.number);
    // Kept across a reload (a sign-in after the session expired gives it back); cleared once sent.
    let internal = RwSignal::new(false);
    // Encrypted in this tab to the keys the server names (the team's, the requester's for a
    // reply, the writer's); offered only when the team has a key. Never kept while it is on.
    let encrypt = RwSignal::new(false);
    let picked = Picked::default();
    let body = kept_text_unless(format!("steward.reply.{number}"), encrypt.into());
    let sealing_keys = LocalResource::new(move || async move {
        let request = pb::GetSealingKeysRequest { ticket_number: Some(number), internal: internal.get() };
        let keys = api::keys().get_sealing_keys(request).await.map(|r| r.into_inner().keys).unwrap_or_default();
        keys.into_iter().map(|k| k.armored).collect::<Vec<String>>()
    });
    let can_encrypt = move || sealing_keys.get().is_some_and(|keys| !keys.is_empty());
    // Files chosen while Encrypt is on are sealed to the same keys as the message.
    Effect::new(move |_| {
        let keys = if encrypt.get() { sealing_keys.get().unwrap_or_default() } else { Vec::new() };
        picked.seal_to.set(keys);
    });
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if picked.sending_now() {
            error.set(Some(ApiError::local(
                "attachment_ids",
                "Wait until the files have finished uploading, then send.",
            )));
            return;
        }
        busy.set(true);
        let visibility = if internal.get_untracked() {
            pb::CommentVisibility::InternalNote
        } else {
            pb::CommentVisibility::PublicReply
        };
        let sealing = encrypt.get_untracked().then(|| sealing_keys.get_untracked().unwrap_or_default());
        let typed = body.get_untracked();
        let attachment_ids = picked.ids();
        leptos::task::spawn_local(async move {
            let text = match sealing {
                // An empty message stays empty, for the server to say so.
                Some(keys) if !typed.trim().is_empty() => match crypto::seal_text(&keys, &typed).await {
                    Ok(block) => block,
                    Err(message) => {
                        error.set(Some(ApiError::local("body", &message)));
                        busy.set(false);
                        return;
                    }
                },
                _ => typed,
            };
            let request = pb::AddCommentRequest { number, body: text, visibility: visibility as i32, attachment_ids };
            match api::tickets().add_comment(request).await {
                Ok(response) => {
                    if let Some(comment) = response.into_inner().comment {
                        store.show_comment(comment);
                    }
                    body.set(String::new());
                    picked.clear();
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let body_error = Signal::derive(move || error.get().and_then(|e| e.field("body")));
    view! {
        {staff.then(|| view! { <TemplatePicker filling=Filling::Ticket(number) body legend="Reply from a template" button="Fill in the message"/> })}
        <form class="reply" on:submit=send>
            <label for="message">"Message"</label>
            <textarea id="message" rows="4" bind:value=body aria-describedby="body-error"
                aria-invalid=move || body_error.get().is_some().to_string()
                on:paste=move |ev| { if take_pasted(picked, &ev) { ev.prevent_default(); } }></textarea>
            <FieldError id="body-error" message=body_error/>
            <FilePicker picked id="reply-files"/>
            <FieldError id="reply-files-error" message=Signal::derive(move || error.get().and_then(|e| e.field("attachment_ids")))/>
            {staff.then(|| view! {
                <fieldset class="visibility">
                    <legend>"Visibility"</legend>
                    <input type="radio" name="visibility" id="visibility-public" prop:checked=move || !internal.get() on:change=move |_| internal.set(false)/>
                    <label for="visibility-public">"Public reply"</label>
                    <input type="radio" name="visibility" id="visibility-internal" prop:checked=move || internal.get() on:change=move |_| internal.set(true)/>
                    <label for="visibility-internal">"Internal note"</label>
                </fieldset>
            })}
            {move || can_encrypt().then(|| view! {
                <div class="choice">
                    <input type="checkbox" id="encrypt-reply" aria-describedby="encrypt-reply-means" prop:checked=move || encrypt.get()
                        on:change=move |ev| encrypt.set(event_target_checked(&ev))/>
                    <label for="encrypt-reply">"Encrypt"</label>
                    <p class="help" id="encrypt-reply-means">"The message, and files chosen while this is checked, are encrypted in your browser for the support team (and, if they added one, your own key and, on a public reply, the requester's) before they are sent: Steward stores only what is encrypted."</p>
                </div>
            })}
            // Steward cannot read an encrypted note, so it cannot tell whom it mentions.
            {move || (encrypt.get() && internal.get() && body.with(|text| text.contains('@'))).then(|| view! {
                <p class="notice" role="status">"Nobody @mentioned in an encrypted note is notified: Steward cannot read it. Mention them in a note that is not encrypted."</p>
            })}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="submit" disabled=move || busy.get()>"Send"</button>
        </form>
    }
}
