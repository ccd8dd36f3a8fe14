//! Engineering issues that track the work: everyone who sees the ticket sees them; staff add
//! and remove them.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use super::store::TicketStore;
use crate::api::{self, ApiError};
use crate::components::FieldError;

#[component]
pub fn Links(store: TicketStore) -> impl IntoView {
    let staff = store.can_manage;
    let number = store.ticket.with_untracked(|t| t.number);
    let links = store.links;
    let url = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::AddLinkRequest { number, url: url.get_untracked(), title: title.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::triage().add_link(request).await {
                Ok(response) => {
                    if let Some(link) = response.into_inner().link {
                        store.show_link(link);
                    }
                    url.set(String::new());
                    title.set(String::new());
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let remove = move |link_id: i64| {
        leptos::task::spawn_local(async move {
            match api::triage().remove_link(pb::RemoveLinkRequest { number, link_id }).await {
                Ok(_) => links.update(|list| list.retain(|l| l.id != link_id)),
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let url_error = Signal::derive(move || error.get().and_then(|e| e.field("url")));
    let title_error = Signal::derive(move || error.get().and_then(|e| e.field("title")));
    let empty = move || links.with(Vec::is_empty);
    view! {
        // Staff always see the section (with its form, never rebuilt); others once there is a link.
        {move || (staff || !empty()).then(|| view! {
            <section aria-labelledby="links-heading" class="links">
                <h2 id="links-heading">"Engineering issues"</h2>
                {move || empty().then(|| view! { <p class="hint">"No issue linked yet."</p> })}
                <ul>
                    {move || links.get().into_iter().map(|link| view! {
                        <li>
                            <a href=link.url.clone() rel="noopener noreferrer" target="_blank">{link.title.clone()}</a>
                            {staff.then(|| view! {
                                " " <button type="button" class="link-button" on:click=move |_| remove(link.id)
                                    aria-label=format!("Remove the link to {}", link.title)>"Remove"</button>
                            })}
                        </li>
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
        })}
    }
}
