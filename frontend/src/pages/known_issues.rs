//! Known issues (seed 000): public tickets and how they are going, readable without signing in,
//! so people can find what is already reported. Also the list of similar public tickets shown
//! while a new request is typed.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::components::PublicHeader;
use crate::components::known_issue::issue_line;
use crate::components::markdown::Markdown;

#[component]
pub fn KnownIssuesPage() -> impl IntoView {
    crate::components::title::page_title(|| "Known issues".to_owned());
    let text = RwSignal::new(String::new());
    let issues = LocalResource::new(move || {
        let text = text.get();
        async move {
            api::known_issues()
                .list_known_issues(pb::ListKnownIssuesRequest { text })
                .await
                .map(|r| r.into_inner().issues)
                .map_err(ApiError::from)
        }
    });
    view! {
        <PublicHeader/>
        <main id="main">
            <h1>"Known issues"</h1>
            <p class="hint">"Public requests and how they are going. Confidential requests are never shown here."</p>
            <label for="known-search">"Search"</label>
            <input id="known-search" type="search" on:change=move |ev| text.set(event_target_value(&ev))/>
            {move || match issues.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>"Nothing found."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="known-issues">
                        {list.iter().map(|issue| view! { <li>{issue_line(issue)}</li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </main>
    }
}

#[component]
pub fn KnownIssuePage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
    crate::components::title::page_title(move || format!("Known issue #{}", number()));
    let issue = LocalResource::new(move || {
        let number = number();
        async move {
            api::known_issues()
                .get_known_issue(pb::GetKnownIssueRequest { number })
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    });
    view! {
        <PublicHeader/>
        <main id="main">
            {move || match issue.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) if e.is_not_found() => view! {
                    <h1>"Not a public ticket"</h1>
                    <p>{format!("#{} is not public, or does not exist.", number())}</p>
                    <p><a href="/known-issues">"All known issues"</a></p>
                }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(response)) => {
                    let issue = response.issue.unwrap_or_default();
                    view! {
                        <article class="ticket">
                            <h1>{format!("#{} {}", issue.number, issue.title)}</h1>
                            <p class="badges">
                                <span class="badge state">{labels::state(issue.state)}</span>
                                <span class="badge">{labels::request_type(issue.request_type)}</span>
                                <span class="badge priority">{labels::priority(issue.priority)}</span>
                                <span class="badge">{issue.community.clone()}</span>
                            </p>
                            <dl class="facts">
                                <dt>"Reported"</dt><dd>{local_time(&issue.created_at)}</dd>
                                <dt>"Updated"</dt><dd>{local_time(&issue.updated_at)}</dd>
                                {issue.released_in.clone().map(|r| view! { <dt>"Released in"</dt><dd>{r}</dd> })}
                            </dl>
                            <Markdown html=response.description_html/>
                            {(!response.links.is_empty()).then(|| view! {
                                <h2>"Engineering issues"</h2>
                                <ul>{response.links.into_iter().map(|l| view! {
                                    <li><a href=l.url rel="noopener noreferrer" target="_blank">{l.title}</a></li>
                                }).collect_view()}</ul>
                            })}
                            <h2>"Replies"</h2>
                            {if response.replies.is_empty() {
                                view! { <p class="hint">"No replies yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="conversation">
                                        {response.replies.into_iter().map(|r| view! {
                                            <li><article class="entry">
                                                <header>
                                                    {if r.from_support {
                                                        view! { <strong>{r.author}</strong> " " <span class="badge">"Support"</span> }.into_any()
                                                    } else {
                                                        view! { <strong>{format!("{} community", issue.community)}</strong> }.into_any()
                                                    }}
                                                    " · " <time>{local_time(&r.created_at)}</time>
                                                </header>
                                                <Markdown html=r.body_html/>
                                            </article></li>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </article>
                    }.into_any()
                }
            }}
        </main>
    }
}
