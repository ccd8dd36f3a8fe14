//! The list of tickets the person may see, newest activity first, page by page. Everyone can
//! filter and search it (within what they may see; staff also by assignee): each choice and
//! the words typed apply at once and are kept in the URL, so a reload or a shared link shows
//! the same list. A live change reads the list again as far as it was shown.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use steward_proto::v1 as pb;

use crate::api::encode_component;
use crate::api::time::{ago, now_seconds, when};
use crate::api::{self, ApiError, labels};
use crate::components::clocks::ClockBadges;
use crate::live::{self, Watch};
use crate::state::user::{CurrentUser, is_staff};

const FILTERS: &[&str] = &["community", "state", "type", "priority", "assignee", "q"];

/// Tickets per page, and the most a live refresh reads at once on its way down the list.
const PAGE_SIZE: i32 = 50;
const MOST_PER_READ: i32 = 200;

/// How long typing may pause before the words typed so far are searched for.
const TYPING_PAUSE_MS: u32 = 300;

fn request_for(query: &leptos_router::params::ParamsMap, page_token: String, page_size: i32) -> pb::ListTicketsRequest {
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
    let assignee = query.get("assignee");
    pb::ListTicketsRequest {
        community_id: number("community"),
        states: number("state").map(|s| vec![s as i32]).unwrap_or_default(),
        request_type: number("type").map(|v| v as i32),
        priority: number("priority").map(|v| v as i32),
        assignee_id: assignee.as_deref().and_then(|v| v.parse().ok()),
        unassigned: assignee.as_deref() == Some("none"),
        text: query.get("q").unwrap_or_default(),
        page_size,
        page_token,
    }
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Tickets".to_owned());
    let user = expect_context::<CurrentUser>();
    let staff = user.get().as_ref().is_some_and(is_staff);
    let query = use_query_map();
    let tickets = RwSignal::new(Vec::<pb::Ticket>::new());
    let next_page = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);

    // The first page (`page_token` empty) replaces the list; a later one adds to it.
    let fetch = move |page_token: String, page_size: i32| {
        let query = query.get_untracked();
        loading.set(true);
        leptos::task::spawn_local(async move {
            match read_page(&query, page_token.clone(), page_size).await {
                Ok(response) => {
                    if page_token.is_empty() {
                        tickets.set(response.tickets);
                    } else {
                        tickets.update(|list| list.extend(response.tickets));
                    }
                    next_page.set(response.next_page_token);
                    error.set(None);
                }
                Err(failed) => error.set(Some(failed)),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        query.track();
        fetch(String::new(), PAGE_SIZE);
    });
    // Follow every ticket the person may see: a change reads the list again as filtered, down
    // to the last ticket shown, so what "Load more" brought stays.
    live::refresh_on_change(Watch { all_tickets: true, ..Default::default() }, move || {
        let (shown, last) = tickets.with_untracked(|list| (list.len(), list.last().map(list_key)));
        let first_read = i32::try_from(shown).unwrap_or(MOST_PER_READ).clamp(PAGE_SIZE, MOST_PER_READ);
        let query = query.get_untracked();
        leptos::task::spawn_local(async move {
            match read_down_to(&query, last, first_read).await {
                Ok((list, next)) => {
                    tickets.try_set(list);
                    next_page.try_set(next);
                    error.try_set(None);
                }
                Err(failed) => {
                    error.try_set(Some(failed));
                }
            }
        });
    });
    let zone = user.zone();

    view! {
        <h1>"Tickets"</h1>
        <Filters staff/>
        <RepresentedBudgets/>
        {move || error.get().map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
        {move || {
            let list = tickets.get();
            if list.is_empty() {
                return if loading.get() {
                    view! { <p class="loading">"Loading…"</p> }.into_any()
                } else {
                    view! { <p>"No tickets match."</p> }.into_any()
                };
            }
            view! {
                <table class="tickets">
                    <thead><tr>
                        <th scope="col">"#"</th><th scope="col">"Title"</th><th scope="col">"Community"</th>
                        <th scope="col">"Type"</th><th scope="col">"Priority"</th><th scope="col">"State"</th>
                        <th scope="col">"Assignee"</th><th scope="col">"Due"</th><th scope="col">"Updated"</th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|t| view! {
                            <tr data-list-item="" tabindex="-1">
                                <td>{format!("#{}", t.number)}</td>
                                <td><a href=format!("/tickets/{}", t.number)>{t.title.clone()}</a>
                                    {t.confidential.then(|| view! { <span class="badge confidential">"Confidential"</span> })}</td>
                                <td>{t.community.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</td>
                                <td>{labels::request_type(t.request_type)}</td>
                                <td>{labels::priority(t.priority)}</td>
                                <td><span class="badge state">{labels::state(t.state)}</span></td>
                                <td>{t.assignee.as_ref().map(|p| p.display_name.clone()).unwrap_or_else(|| "Unassigned".to_owned())}</td>
                                <td class="clocks"><ClockBadges clocks=t.clocks.clone()/></td>
                                <td>{t.updated_at.map(|at| view! {
                                    <time title=when(at.seconds, zone.as_deref())>{ago(at.seconds, now_seconds())}</time>
                                })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Show when=move || !next_page.get().is_empty()>
            <button type="button" class="secondary" disabled=move || loading.get()
                on:click=move |_| fetch(next_page.get_untracked(), PAGE_SIZE)>"Load more"</button>
        </Show>
    }
}

/// Where a ticket stands in the list (newest activity first): the higher, the nearer the top.
fn list_key(ticket: &pb::Ticket) -> (i64, i32, i64) {
    let at = ticket.updated_at.unwrap_or_default();
    (at.seconds, at.nanos, ticket.number)
}

/// One page of the list as `query` filters it.
async fn read_page(
    query: &leptos_router::params::ParamsMap,
    page_token: String,
    page_size: i32,
) -> Result<pb::ListTicketsResponse, ApiError> {
    let request = request_for(query, page_token, page_size);
    api::read(move || {
        let request = request.clone();
        async move { api::tickets().list_tickets(request).await }
    })
    .await
}

/// The list from the top down to the ticket at `last` (or the first `first_read` when nothing
/// was shown), reading further pages while that place is not reached; with the next page's
/// token.
async fn read_down_to(
    query: &leptos_router::params::ParamsMap,
    last: Option<(i64, i32, i64)>,
    first_read: i32,
) -> Result<(Vec<pb::Ticket>, String), ApiError> {
    let mut list = Vec::new();
    let (mut page_token, mut page_size) = (String::new(), first_read);
    loop {
        let response = read_page(query, page_token, page_size).await?;
        list.extend(response.tickets);
        page_token = response.next_page_token;
        let reached = match (last, list.last()) {
            (Some(last), Some(read)) => list_key(read) <= last,
            _ => true,
        };
        if page_token.is_empty() || reached {
            return Ok((list, page_token));
        }
        page_size = MOST_PER_READ;
    }
}

/// The filters; each change updates the URL, which reloads the list. Only staff filter by
/// assignee (only they may list the team).
#[component]
fn Filters(staff: bool) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let communities = LocalResource::new(|| async {
        api::directory().list_communities(pb::ListCommunitiesRequest {}).await.map(|r| r.into_inner().communities).ok()
    });
    let team = LocalResource::new(move || async move {
        if !staff {
            return None;
        }
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let set = move |key: &'static str, value: String| {
        let current = query.get_untracked();
        let mut parts = Vec::new();
        for name in FILTERS {
            let v = if *name == key { value.clone() } else { current.get(name).unwrap_or_default() };
            if !v.is_empty() {
                parts.push(format!("{name}={}", encode_component(&v)));
            }
        }
        let search = if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) };
        navigate(&format!("/tickets{search}"), NavigateOptions { replace: true, ..Default::default() });
    };
    let selected = move |key: &'static str| query.get().get(key).unwrap_or_default();
    let search_text = RwSignal::new(query.get_untracked().get("q").unwrap_or_default());
    let set_for_search = set.clone();
    // Searched for once typing pauses; each key starts the pause again.
    let typed = StoredValue::new(0u32);
    let set_while_typing = set.clone();
    let on_typing = move |ev: leptos::ev::Event| {
        search_text.set(event_target_value(&ev));
        let generation = typed.get_value().wrapping_add(1);
        typed.set_value(generation);
        let set = set_while_typing.clone();
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(TYPING_PAUSE_MS).await;
            if typed.try_get_value() == Some(generation) {
                set("q", search_text.get_untracked());
            }
        });
    };
    view! {
        <form class="filters" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            set_for_search("q", search_text.get_untracked());
        }>
            <div>
                <label for="filter-community">"Community"</label>
                <select id="filter-community" prop:value=move || selected("community")
                    on:change={ let set = set.clone(); move |ev| set("community", event_target_value(&ev)) }>
                    <option value="">"All communities"</option>
                    {move || communities.get().flatten().unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=selected("community") == c.id.to_string()>{c.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="filter-state">"State"</label>
                <select id="filter-state" prop:value=move || selected("state")
                    on:change={ let set = set.clone(); move |ev| set("state", event_target_value(&ev)) }>
                    <option value="">"Any state"</option>
                    {labels::states().map(|(value, label)| { let v = value.to_string(); view! {
                        <option value=v.clone() selected=move || selected("state") == v>{label}</option>
                    }}).collect_view()}
                </select>
            </div>
            <div>
                <label for="filter-type">"Type"</label>
                <select id="filter-type" prop:value=move || selected("type")
                    on:change={ let set = set.clone(); move |ev| set("type", event_target_value(&ev)) }>
                    <option value="">"Any type"</option>
                    {labels::request_types().map(|(value, label)| { let v = value.to_string(); view! {
                        <option value=v.clone() selected=move || selected("type") == v>{label}</option>
                    }}).collect_view()}
                </select>
            </div>
            <div>
                <label for="filter-priority">"Priority"</label>
                <select id="filter-priority" prop:value=move || selected("priority")
                    on:change={ let set = set.clone(); move |ev| set("priority", event_target_value(&ev)) }>
                    <option value="">"Any priority"</option>
                    {labels::priorities().map(|(value, label)| { let v = value.to_string(); view! {
                        <option value=v.clone() selected=move || selected("priority") == v>{label}</option>
                    }}).collect_view()}
                </select>
            </div>
            <div hidden=!staff>
                <label for="filter-assignee">"Assignee"</label>
                <select id="filter-assignee" prop:value=move || selected("assignee")
                    on:change={ let set = set.clone(); move |ev| set("assignee", event_target_value(&ev)) }>
                    <option value="">"Anyone"</option>
                    <option value="none" selected=move || selected("assignee") == "none">"Unassigned"</option>
                    {move || team.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.to_string() selected=selected("assignee") == p.id.to_string()>{p.display_name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" prop:value=move || search_text.get() on:input=on_typing
                    placeholder="Words in title or description"/>
            </div>
        </form>
    }
}

/// For representatives: how much of each represented community's support budget is used.
#[component]
fn RepresentedBudgets() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let represented: Vec<i64> = user
        .get()
        .map(|p| p.memberships)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.role == pb::MembershipRole::Representative as i32)
        .filter_map(|m| m.community.map(|c| c.id))
        .collect();
    let budgets = LocalResource::new(move || {
        let represented = represented.clone();
        async move {
            let mut lines = Vec::new();
            for community_id in represented {
                if let Ok(response) = api::triage().get_budget(pb::GetBudgetRequest { community_id }).await {
                    lines.extend(response.into_inner().budget.map(|b| labels::budget_line(&b)));
                }
            }
            lines
        }
    });
    move || {
        budgets.get().filter(|lines| !lines.is_empty()).map(|lines| {
            view! {
                <ul class="budget-summary" aria-label="Support budgets">
                    {lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            }
        })
    }
}
