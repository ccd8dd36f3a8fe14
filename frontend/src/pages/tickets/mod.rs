//! The list of tickets the person may see, newest activity first, page by page. Everyone can
//! filter and search it (within what they may see; staff also by assignee): each choice and
//! the words typed apply at once and are kept in the URL, so a reload or a shared link shows
//! the same list. A live change reads the list again as far as it was shown. A ticket with news
//! for the person since they last had it open is marked unread. Support staff choose tickets
//! (click, shift-click for a run, `x` on the entry reached with j / k) to change several at once
//! (`bulk.rs`).

mod bulk;
mod views;

use std::collections::HashSet;

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

/// What the URL keeps: the filters, the words searched for and the order.
const FILTERS: &[&str] = &["community", "state", "type", "priority", "assignee", "q", "sort", "dir"];

/// An order the list offers.
#[derive(Clone, Copy)]
struct Order {
    /// Its name in the URL (`sort=`).
    key: &'static str,
    /// The column it sorts.
    heading: &'static str,
    sort: pb::TicketSort,
    /// The way a first click sorts: newest, highest and A to Z first.
    first_ascending: bool,
    /// The Sort menu's words for each way: ascending, descending.
    words: (&'static str, &'static str),
}

const ORDERS: &[Order] = &[
    Order {
        key: "updated",
        heading: "Updated",
        sort: pb::TicketSort::Updated,
        first_ascending: false,
        words: ("Oldest activity first", "Latest activity first"),
    },
    Order {
        key: "number",
        heading: "#",
        sort: pb::TicketSort::Number,
        first_ascending: false,
        words: ("Oldest request first", "Newest request first"),
    },
    Order {
        key: "priority",
        heading: "Priority",
        sort: pb::TicketSort::Priority,
        first_ascending: false,
        words: ("Lowest priority first", "Highest priority first"),
    },
    Order {
        key: "state",
        heading: "State",
        sort: pb::TicketSort::State,
        first_ascending: true,
        words: ("State, from Awaiting approval to Closed", "State, from Closed to Awaiting approval"),
    },
    Order {
        key: "title",
        heading: "Title",
        sort: pb::TicketSort::Title,
        first_ascending: true,
        words: ("Title, A to Z", "Title, Z to A"),
    },
    Order {
        key: "community",
        heading: "Community",
        sort: pb::TicketSort::Community,
        first_ascending: true,
        words: ("Community, A to Z", "Community, Z to A"),
    },
    Order {
        key: "type",
        heading: "Type",
        sort: pb::TicketSort::RequestType,
        first_ascending: true,
        words: ("Type, A to Z", "Type, Z to A"),
    },
    Order {
        key: "assignee",
        heading: "Assignee",
        sort: pb::TicketSort::Assignee,
        first_ascending: true,
        words: ("Assignee, A to Z (unassigned first)", "Assignee, Z to A (unassigned last)"),
    },
];

/// The order the URL asks for (newest activity first unless it names one), and whether ascending.
fn order_in(query: &leptos_router::params::ParamsMap) -> (Order, bool) {
    order_from(&|key| query.get(key))
}

/// The same, from a URL query's values as `get` reads them.
fn order_from(get: &dyn Fn(&str) -> Option<String>) -> (Order, bool) {
    let named = get("sort").and_then(|name| ORDERS.iter().find(|o| o.key == name).copied());
    (named.unwrap_or(ORDERS[0]), get("dir").as_deref() == Some("asc"))
}

/// The list's URL with `changes` made to what `current` keeps (an empty value drops the key).
fn list_url(current: &leptos_router::params::ParamsMap, changes: &[(&str, String)]) -> String {
    let parts: Vec<String> = FILTERS
        .iter()
        .filter_map(|name| {
            let changed = changes.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
            let value = changed.or_else(|| current.get(name)).unwrap_or_default();
            (!value.is_empty()).then(|| format!("{name}={}", encode_component(&value)))
        })
        .collect();
    if parts.is_empty() { "/tickets".to_owned() } else { format!("/tickets?{}", parts.join("&")) }
}

/// Several states at once, as the State filter offers them: every state before Resolved, and
/// those where support has the next move.
const STILL_OPEN: &str = "1,2,3,4,5";
const WAITING_ON_SUPPORT: &str = "2,3,4";

/// Tickets per page, and the most a live refresh reads at once on its way down the list.
const PAGE_SIZE: i32 = 50;
const MOST_PER_READ: i32 = 200;

/// How long typing may pause before the words typed so far are searched for.
const TYPING_PAUSE_MS: u32 = 300;

fn request_for(query: &leptos_router::params::ParamsMap, page_token: String, page_size: i32) -> pb::ListTicketsRequest {
    request_from(&|key| query.get(key), page_token, page_size)
}

/// The list a URL query asks for, its values read by `get`: the filters (`state` may name
/// several, comma-separated), the words and the order.
fn request_from(get: &dyn Fn(&str) -> Option<String>, page_token: String, page_size: i32) -> pb::ListTicketsRequest {
    let number = |key: &str| get(key).and_then(|v| v.parse::<i64>().ok());
    let assignee = get("assignee");
    let states = get("state").unwrap_or_default();
    let (order, ascending) = order_from(get);
    pb::ListTicketsRequest {
        community_id: number("community"),
        states: states.split(',').filter_map(|s| s.trim().parse::<i32>().ok()).collect(),
        request_type: number("type").map(|v| v as i32),
        priority: number("priority").map(|v| v as i32),
        assignee_id: assignee.as_deref().and_then(|v| v.parse().ok()),
        unassigned: assignee.as_deref() == Some("none"),
        text: get("q").unwrap_or_default(),
        page_size,
        page_token,
        sort: order.sort as i32,
        ascending,
    }
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Tickets".to_owned());
    let user = expect_context::<CurrentUser>();
    let staff = user.get().as_ref().is_some_and(is_staff);
    let person_id = user.get().as_ref().map_or(0, |p| p.id);
    // Bumped on every live change, for the views' counts.
    let changed = RwSignal::new(0u32);
    let query = use_query_map();
    let tickets = RwSignal::new(Vec::<pb::Ticket>::new());
    let unread = RwSignal::new(HashSet::<i64>::new());
    let next_page = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);
    // The tickets chosen for a change to several (support staff); another list chooses afresh.
    let selected = RwSignal::new(HashSet::<i64>::new());
    let anchor = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        query.track();
        selected.set(HashSet::new());
        anchor.set_value(None);
    });
    let team = LocalResource::new(move || async move {
        if !staff {
            return None;
        }
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    // A click chooses one ticket; with Shift, every ticket from the one clicked before.
    let choose = move |index: usize, number: i64, ev: leptos::ev::MouseEvent| {
        let checked = event_target_checked(&ev);
        let run: Vec<i64> = match (ev.shift_key(), anchor.get_value()) {
            (true, Some(from)) => tickets.with_untracked(|list| {
                list.iter().skip(from.min(index)).take(from.abs_diff(index) + 1).map(|t| t.number).collect()
            }),
            _ => vec![number],
        };
        selected.update(|chosen| {
            for number in run {
                if checked {
                    chosen.insert(number);
                } else {
                    chosen.remove(&number);
                }
            }
        });
        anchor.set_value(Some(index));
    };
    let all_chosen = move || {
        tickets.with(|list| !list.is_empty() && selected.with(|chosen| list.iter().all(|t| chosen.contains(&t.number))))
    };
    let choose_all = move |ev: leptos::ev::Event| {
        let numbers: Vec<i64> = tickets.with_untracked(|list| list.iter().map(|t| t.number).collect());
        if event_target_checked(&ev) {
            selected.update(|chosen| chosen.extend(numbers));
        } else {
            selected.set(HashSet::new());
        }
    };

    // The first page (`page_token` empty) replaces the list; a later one adds to it.
    let fetch = move |page_token: String, page_size: i32| {
        let query = query.get_untracked();
        loading.set(true);
        leptos::task::spawn_local(async move {
            match read_page(&query, page_token.clone(), page_size).await {
                Ok(response) => {
                    if page_token.is_empty() {
                        tickets.set(response.tickets);
                        unread.set(response.unread.into_iter().collect());
                    } else {
                        tickets.update(|list| list.extend(response.tickets));
                        unread.update(|numbers| numbers.extend(response.unread));
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
        changed.try_update(|n| *n = n.wrapping_add(1));
        let (shown, last) = tickets.with_untracked(|list| (list.len(), list.last().map(|t| t.number)));
        let first_read = i32::try_from(shown).unwrap_or(MOST_PER_READ).clamp(PAGE_SIZE, MOST_PER_READ);
        let query = query.get_untracked();
        leptos::task::spawn_local(async move {
            match read_down_to(&query, last, shown, first_read).await {
                Ok((list, news, next)) => {
                    tickets.try_set(list);
                    unread.try_set(news);
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
        <views::Views staff person_id changed/>
        <Filters staff team/>
        <RepresentedBudgets/>
        {staff.then(|| view! { <bulk::BulkBar selected team/> })}
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
                        {staff.then(|| view! {
                            <th scope="col" class="choose">
                                <input type="checkbox" aria-label="Choose every ticket shown"
                                    prop:checked=all_chosen on:change=choose_all/>
                            </th>
                        })}
                        <SortHeading sort="number"/><SortHeading sort="title"/><SortHeading sort="community"/>
                        <SortHeading sort="type"/><SortHeading sort="priority"/><SortHeading sort="state"/>
                        <SortHeading sort="assignee"/><th scope="col">"Due"</th><SortHeading sort="updated"/>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().enumerate().map(|(index, t)| {
                            let news = unread.with(|numbers| numbers.contains(&t.number));
                            let number = t.number;
                            view! {
                            <tr data-list-item="" tabindex="-1" class:unread=news
                                class:chosen=move || selected.with(|chosen| chosen.contains(&number))>
                                {staff.then(|| view! {
                                    <td class="choose">
                                        <input type="checkbox" aria-label=format!("Choose #{number}")
                                            prop:checked=move || selected.with(|chosen| chosen.contains(&number))
                                            on:click=move |ev| choose(index, number, ev)/>
                                    </td>
                                })}
                                <td>{format!("#{}", t.number)}</td>
                                <td class="title">
                                    {news.then(|| view! {
                                        <span class="unread-dot" aria-hidden="true" title="New since you last opened it"></span>
                                        <span class="visually-hidden">"New activity: "</span>
                                    })}
                                    <a href=format!("/tickets/{}", t.number)>{t.title.clone()}</a>
                                    {t.confidential.then(|| view! { <span class="badge confidential">"Confidential"</span> })}</td>
                                <td>{t.community.as_ref().map(|c| c.name.clone()).unwrap_or_default()}</td>
                                <td>{labels::request_type(t.request_type)}</td>
                                <td data-label="Priority">{labels::priority(t.priority)}</td>
                                <td><span class="badge state">{labels::state(t.state)}</span></td>
                                <td data-label="Assignee">{t.assignee.as_ref().map(|p| p.display_name.clone()).unwrap_or_else(|| "Unassigned".to_owned())}</td>
                                <td class="clocks"><ClockBadges clocks=t.clocks.clone()/></td>
                                <td data-label="Updated">{t.updated_at.map(|at| view! {
                                    <time title=when(at.seconds, zone.as_deref())>{ago(at.seconds, now_seconds())}</time>
                                })}</td>
                            </tr>
                        }}).collect_view()}
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

/// The list from the top down to the ticket numbered `last` and at least as long as the `shown`
/// before (the first `first_read` when nothing was shown), so that whatever order the list is
/// in, nothing shown goes: a ticket that came in above is added, one that moved up is still
/// followed by as many. Past as many as were shown, each read is twice the one before, from
/// one ticket: a few new tickets cost a few small reads and add nothing below `last`; a `last` that
/// left the list is looked for down to [`MOST_PER_READ`] further at most. With which of them
/// are unread and the next page's token.
async fn read_down_to(
    query: &leptos_router::params::ParamsMap,
    last: Option<i64>,
    shown: usize,
    first_read: i32,
) -> Result<(Vec<pb::Ticket>, HashSet<i64>, String), ApiError> {
    let mut list = Vec::new();
    let mut unread = HashSet::new();
    let (mut page_token, mut page_size) = (String::new(), first_read);
    // The size of the last read past the `shown` (0: none yet).
    let mut past_shown = 0;
    loop {
        let response = read_page(query, page_token, page_size).await?;
        list.extend(response.tickets);
        unread.extend(response.unread);
        page_token = response.next_page_token;
        let long_enough = list.len() >= shown;
        let reached = match last {
            Some(last) => long_enough && list.iter().any(|t| t.number == last),
            None => true,
        };
        let gone_too_far = list.len() >= shown + MOST_PER_READ as usize;
        if page_token.is_empty() || reached || gone_too_far {
            return Ok((list, unread, page_token));
        }
        page_size = if list.len() < shown {
            i32::try_from(shown - list.len()).unwrap_or(MOST_PER_READ).min(MOST_PER_READ)
        } else {
            past_shown = (past_shown * 2).clamp(1, MOST_PER_READ);
            past_shown
        };
    }
}

/// A column heading that sorts the list by its column: a first click in the column's natural
/// way, the next the other way. Says which way it sorts (`aria-sort`, and an arrow).
#[component]
fn SortHeading(sort: &'static str) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let order = ORDERS.iter().find(|o| o.key == sort).copied().expect("a heading names one of ORDERS");
    // Whether the list is sorted by this column, and which way.
    let current = move || {
        query.with(|q| {
            let (by, ascending) = order_in(q);
            (by.key == sort).then_some(ascending)
        })
    };
    let aria_sort = move || match current() {
        Some(true) => "ascending",
        Some(false) => "descending",
        None => "none",
    };
    let on_click = move |_| {
        let ascending = current().map_or(order.first_ascending, |ascending| !ascending);
        let dir = if ascending { "asc" } else { "desc" };
        let url = list_url(&query.get_untracked(), &[("sort", sort.to_owned()), ("dir", dir.to_owned())]);
        navigate(&url, NavigateOptions { replace: true, ..Default::default() });
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <button type="button" class="sort" on:click=on_click>
                {order.heading}
                <span class="sort-arrow" aria-hidden="true">{move || match current() {
                    Some(true) => "▲",
                    Some(false) => "▼",
                    None => "",
                }}</span>
            </button>
        </th>
    }
}

/// The filters; each change updates the URL, which reloads the list. Only staff filter by
/// assignee (only they may list the team).
#[component]
fn Filters(staff: bool, team: LocalResource<Option<Vec<pb::PersonRef>>>) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let communities = LocalResource::new(|| async {
        api::directory().list_communities(pb::ListCommunitiesRequest {}).await.map(|r| r.into_inner().communities).ok()
    });
    let set_all = move |changes: &[(&str, String)]| {
        navigate(&list_url(&query.get_untracked(), changes), NavigateOptions { replace: true, ..Default::default() });
    };
    let set = {
        let set_all = set_all.clone();
        move |key: &'static str, value: String| set_all(&[(key, value)])
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
                    <option value=STILL_OPEN selected=move || selected("state") == STILL_OPEN>"Still open (before Resolved)"</option>
                    <option value=WAITING_ON_SUPPORT selected=move || selected("state") == WAITING_ON_SUPPORT>
                        "Waiting on support (New, Open, In progress)"
                    </option>
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
                <label for="filter-sort">"Sort"</label>
                <select id="filter-sort" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some((key, dir)) = chosen.split_once(':') {
                        set_all(&[("sort", key.to_owned()), ("dir", dir.to_owned())]);
                    }
                }>
                    {ORDERS.iter().flat_map(|order| [(order, order.first_ascending), (order, !order.first_ascending)]).map(|(order, ascending)| {
                        let value = format!("{}:{}", order.key, if ascending { "asc" } else { "desc" });
                        let words = if ascending { order.words.0 } else { order.words.1 };
                        let key = order.key;
                        view! {
                            <option value=value selected=move || query.with(|q| {
                                let (current, current_ascending) = order_in(q);
                                current.key == key && current_ascending == ascending
                            })>{words}</option>
                        }
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
