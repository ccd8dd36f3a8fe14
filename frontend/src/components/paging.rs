//! The pages of a ticket or an incident, for the support team: where each stands, who it reached
//! and when, its mail to each and what its paging integrations answered, with the one-click
//! acknowledgement while it is paging.

use leptos::prelude::*;
use steward_domain::paging::Ended;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::api::time::when_at;
use crate::api::{self, ApiError};
use crate::state::user::CurrentUser;

/// Why a page ended, in words.
pub fn ended_words(because: i32) -> &'static str {
    Ended::from_wire_lossy(because).map_or("it ended", Ended::label)
}

/// Where a page stands, in one sentence.
pub fn standing(page: &pb::Page, zone: Option<&str>) -> String {
    let names = |people: Vec<&str>| people.join(", ");
    if page.ended_at.is_some() {
        return format!("Ended {}: {}.", when_at(&page.ended_at, zone), ended_words(page.ended_because));
    }
    if let Some(by) = &page.acknowledged_by {
        return format!("Acknowledged by {} at {}.", by.display_name, when_at(&page.acknowledged_at, zone));
    }
    let reached: Vec<&str> = page
        .recipients
        .iter()
        .filter(|r| r.level == page.level)
        .filter_map(|r| r.person.as_ref().map(|p| p.display_name.as_str()))
        .collect();
    let waiting = if reached.is_empty() {
        "Nobody could be paged: nobody is on call and there is no admin.".to_owned()
    } else {
        format!("Not acknowledged yet; paged {}.", names(reached))
    };
    match page.escalates_at {
        Some(_) => format!("{waiting} It reaches the next level at {}.", when_at(&page.escalates_at, zone)),
        None => format!("{waiting} Nobody else is left to page."),
    }
}

/// The panel: `pages` is the list shown (newest first; `None` while it loads).
#[component]
pub fn PagesPanel(pages: RwSignal<Option<Vec<pb::Page>>>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let error = RwSignal::new(None::<ApiError>);
    let acknowledge = move |page_id: i64| {
        leptos::task::spawn_local(async move {
            let request =
                pb::AcknowledgePageRequest { page: Some(pb::acknowledge_page_request::Page::PageId(page_id)) };
            match api::paging().acknowledge_page(request).await {
                Ok(response) => {
                    error.set(None);
                    if let Some(page) = response.into_inner().page {
                        pages.update(|list| {
                            if let Some(shown) = list.as_mut().and_then(|l| l.iter_mut().find(|p| p.id == page.id)) {
                                *shown = page;
                            }
                        });
                    }
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    move || {
        let zone = user.zone();
        let list = pages.get().unwrap_or_default();
        (!list.is_empty()).then(|| {
            view! {
                <section class="paging" aria-labelledby="paging-heading">
                    <h2 id="paging-heading">"Paging"</h2>
                    {move || error.get().map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    {list.into_iter().map(|page| {
                        let id = page.id;
                        let open = page.ended_at.is_none() && page.acknowledged_at.is_none();
                        view! {
                            <article class="page" class:paging-now=open>
                                <p><strong>{page.summary.clone()}</strong></p>
                                <p class="page-standing" role="status">{standing(&page, zone.as_deref())}</p>
                                {open.then(|| view! {
                                    <button type="button" class="acknowledge" on:click=move |_| acknowledge(id)>"Acknowledge"</button>
                                })}
                                <details>
                                    <summary>{format!("What the page did (triggered {})", when_at(&page.triggered_at, zone.as_deref()))}</summary>
                                    <ul class="page-recipients">
                                        {page.recipients.iter().map(|r| {
                                            let mail = match (&r.email_sent_at, &r.email_error) {
                                                (Some(_), _) => format!("mail sent {}", when_at(&r.email_sent_at, zone.as_deref())),
                                                (None, Some(error)) => format!("mail not sent yet: {error}"),
                                                (None, None) => "mail waiting to be sent".to_owned(),
                                            };
                                            view! {
                                                <li>{format!(
                                                    "Level {}: {}, paged {}; {mail}",
                                                    r.level,
                                                    r.person.as_ref().map(|p| p.display_name.clone()).unwrap_or_default(),
                                                    when_at(&r.paged_at, zone.as_deref())
                                                )}</li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    {(!page.deliveries.is_empty()).then(|| view! {
                                        <table class="deliveries">
                                            <caption>"Paging integrations"</caption>
                                            <thead><tr><th scope="col">"Event"</th><th scope="col">"Endpoint"</th><th scope="col">"Answer"</th></tr></thead>
                                            <tbody>
                                                {page.deliveries.iter().map(|d| {
                                                    let answer = match (d.last_status, &d.last_error, &d.delivered_at) {
                                                        (Some(status), _, Some(_)) => format!("{status}: delivered"),
                                                        (_, Some(error), None) => format!("{error}; tried again later"),
                                                        _ => "waiting".to_owned(),
                                                    };
                                                    let endpoint = if d.pagerduty { format!("PagerDuty ({})", d.endpoint) } else { d.endpoint.clone() };
                                                    view! { <tr><td>{d.event.clone()}</td><td>{endpoint}</td><td>{answer}</td></tr> }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    })}
                                </details>
                            </article>
                        }
                    }).collect_view()}
                </section>
            }
        })
    }
}

/// Reads the pages of a ticket or an incident into `pages`; a failure shows as `problem`.
pub fn load(
    about: pb::list_pages_request::About,
    pages: RwSignal<Option<Vec<pb::Page>>>,
    problem: RwSignal<Option<String>>,
) {
    leptos::task::spawn_local(async move {
        let call = move || async move { api::paging().list_pages(pb::ListPagesRequest { about: Some(about) }).await };
        if let Some(response) = api::read_in_background(problem, call).await {
            pages.try_set(Some(response.pages));
        }
    });
}
