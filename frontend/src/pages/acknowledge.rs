//! `/pages/:token`: the link a page's mail carries. Whoever it was sent to opens it (signed in or
//! not: the link is the proof), reads what is down and acknowledges with one click, which stops
//! the escalation.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_proto::v1 as pb;

use crate::api::time::{browser_zone, when_at};
use crate::api::{self, ApiError};
use crate::components::PublicHeader;
use crate::components::paging::standing;

#[component]
pub fn AcknowledgePage() -> impl IntoView {
    crate::components::title::page_title(|| "Acknowledge a page".to_owned());
    let params = use_params_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let loaded = RwSignal::new(None::<Result<pb::GetPageByTokenResponse, ApiError>>);
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let read_token = token.clone();
    leptos::task::spawn_local(async move {
        let request = pb::GetPageByTokenRequest { token: read_token };
        let answer = api::read(move || {
            let request = request.clone();
            async move { api::paging().get_page_by_token(request).await }
        })
        .await;
        loaded.try_set(Some(answer));
    });
    let acknowledge = move |_| {
        let token = token.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let request = pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::Token(token)) };
            match api::paging().acknowledge_page(request).await {
                Ok(response) => {
                    let response = response.into_inner();
                    let by = response.page.as_ref().and_then(|p| p.acknowledged_by.clone());
                    let name = by.map(|p| p.display_name).unwrap_or_default();
                    done.set(Some(if response.already {
                        format!("{name} had acknowledged it already; nothing changed.")
                    } else {
                        "Acknowledged: the escalation has stopped, and the team sees that you are on it.".to_owned()
                    }));
                    error.set(None);
                    loaded.update(|shown| {
                        if let (Some(Ok(shown)), Some(page)) = (shown.as_mut(), response.page) {
                            shown.page = Some(page);
                        }
                    });
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let zone = browser_zone();
    view! {
        <PublicHeader/>
        <main id="main" class="acknowledge-page">
            {move || match loaded.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) if e.is_not_found() => view! {
                    <h1>"This link is no page"</h1>
                    <p>"Check that the whole link from the page's mail was opened. The page itself, if there is one, shows on its ticket or incident to the support team."</p>
                }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(found)) => {
                    let page = found.page.unwrap_or_default();
                    let you = found.you.map(|p| p.display_name).unwrap_or_default();
                    let open = page.ended_at.is_none() && page.acknowledged_at.is_none();
                    let link = match (page.ticket_number, page.incident_number) {
                        (Some(number), _) => Some((format!("/tickets/{number}"), format!("Open ticket #{number}"))),
                        (None, Some(number)) => Some((format!("/incidents/{number}"), format!("Open incident {number}"))),
                        _ => None,
                    };
                    view! {
                        <h1>{page.summary.clone()}</h1>
                        <p>{format!("Paged {}, for {you}.", when_at(&page.triggered_at, zone.as_deref()))}</p>
                        <p class="page-standing" role="status">{standing(&page, zone.as_deref())}</p>
                        {open.then(|| view! {
                            <button type="button" class="acknowledge primary" prop:disabled=move || busy.get() on:click=acknowledge.clone()>
                                "Acknowledge the page"
                            </button>
                        })}
                        {move || done.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
                        {move || error.get().map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                        {link.map(|(href, text)| view! { <p><a href=href>{text}</a>" (sign in to work on it)"</p> })}
                    }.into_any()
                }
            }}
        </main>
    }
}
