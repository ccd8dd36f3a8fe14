//! A public ticket as a line of a list, and the suggestions of similar public tickets shown
//! while a request is typed.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, labels};

/// "#12 Title  Solved  Aurora Hub", linking to the known-issue page.
pub fn issue_line(issue: &pb::KnownIssue) -> impl IntoView + use<> {
    let solved = issue.state == pb::TicketState::Resolved as i32 || issue.state == pb::TicketState::Closed as i32;
    view! {
        <a href=format!("/known-issues/{}", issue.number)>{format!("#{} {}", issue.number, issue.title)}</a>
        " "
        <span class="badge state" class:solved=solved>{if solved { "Solved" } else { labels::state(issue.state) }}</span>
        <span class="badge">{issue.community.clone()}</span>
    }
}

/// Similar public tickets for a request being typed: asked for half a second after the typing
/// stops, best match first, so the person can follow an existing ticket instead.
#[component]
pub fn SimilarTickets(#[prop(into)] title: Signal<String>, #[prop(into)] description: Signal<String>) -> impl IntoView {
    let suggestions = RwSignal::new(Vec::<pb::KnownIssue>::new());
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (title, description) = (title.get(), description.get());
        let ask = asked.get_value() + 1;
        asked.set_value(ask);
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(500).await;
            if asked.try_get_value() != Some(ask) {
                return; // Still typing, or the page is gone.
            }
            let request = pb::SuggestSimilarRequest { title, description };
            if let Ok(response) = api::known_issues().suggest_similar(request).await
                && asked.try_get_value() == Some(ask)
            {
                suggestions.try_set(response.into_inner().suggestions);
            }
        });
    });
    move || {
        let list = suggestions.get();
        (!list.is_empty()).then(|| view! {
            <aside class="similar" aria-labelledby="similar-heading" aria-live="polite">
                <h2 id="similar-heading">"Already reported?"</h2>
                <p class="hint">"These public tickets look similar. If one is yours, follow it instead of filing a new request."</p>
                <ul>
                    {list.iter().map(|issue| view! {
                        <li>{issue_line(issue)}</li>
                    }).collect_view()}
                </ul>
            </aside>
        })
    }
}
