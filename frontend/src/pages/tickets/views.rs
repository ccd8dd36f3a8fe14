//! Views of the ticket list: a few Steward offers each person, the person's saved ones and, for
//! staff, those the team shared; each a link to the list with its filters and order, with how
//! many tickets it holds for this person now (counted again on every live change). The current
//! filters and order can be saved under a name.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use steward_proto::v1 as pb;

use super::{STILL_OPEN, WAITING_ON_SUPPORT, request_from};
use crate::api::{self, ApiError};

/// A view as the bar shows it.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    name: String,
    /// The list's URL query, without `?`.
    query: String,
    /// A saved view the person may remove.
    removable: Option<i64>,
    /// Shared by someone else: whose it is.
    shared_by: Option<String>,
}

/// The views every person gets: for staff, their work; for the others, their requests.
fn offered(staff: bool, person_id: i64) -> Vec<Shown> {
    let shown = |name: &str, query: String| Shown { name: name.to_owned(), query, removable: None, shared_by: None };
    if staff {
        vec![
            shown("All tickets", String::new()),
            shown("Mine, still open", format!("assignee={person_id}&state={STILL_OPEN}")),
            shown("Unassigned", format!("assignee=none&state={STILL_OPEN}")),
            shown("Waiting on us", format!("state={WAITING_ON_SUPPORT}&sort=priority&dir=desc")),
        ]
    } else {
        vec![
            shown("All tickets", String::new()),
            shown("Still open", format!("state={STILL_OPEN}")),
            shown("Waiting on you", "state=5".to_owned()),
            shown("Resolved, to confirm", "state=6".to_owned()),
        ]
    }
}

/// What the list with `query` asks the server for.
fn list_of(query: &str) -> pb::ListTicketsRequest {
    let params = web_sys::UrlSearchParams::new_with_str(query).ok();
    request_from(&|key| params.as_ref().and_then(|p| p.get(key)), String::new(), 0)
}

/// The views bar above the list. `changed` is bumped on every live change the list hears.
#[component]
pub fn Views(staff: bool, person_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let location = use_location();
    let reload = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let saved = LocalResource::new(move || {
        reload.track();
        async move { api::tickets().list_views(pb::ListViewsRequest {}).await.map(|r| r.into_inner().views) }
    });
    let views = Memo::new(move |_| {
        let mut all = offered(staff, person_id);
        if let Some(Ok(saved)) = saved.get() {
            all.extend(saved.into_iter().map(|view| Shown {
                removable: view.mine.then_some(view.id),
                shared_by: (!view.mine).then(|| view.owner.map(|o| o.display_name).unwrap_or_default()),
                name: view.name,
                query: view.query,
            }));
        }
        all
    });
    // Counted again when the views change and on every live change.
    let counts = LocalResource::new(move || {
        changed.track();
        let lists: Vec<pb::ListTicketsRequest> = views.with(|views| views.iter().map(|v| list_of(&v.query)).collect());
        async move {
            api::tickets()
                .count_tickets(pb::CountTicketsRequest { lists })
                .await
                .map(|r| r.into_inner().counts)
                .unwrap_or_default()
        }
    });
    let current = move || location.search.get().trim_start_matches('?').to_owned();
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::tickets().delete_view(pb::DeleteViewRequest { id }).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    view! {
        <nav class="views" aria-label="Views">
            <ul>
                {move || views.get().into_iter().enumerate().map(|(index, view)| {
                    let href = if view.query.is_empty() { "/tickets".to_owned() } else { format!("/tickets?{}", view.query) };
                    let query = view.query.clone();
                    let here = move || current() == query;
                    let count = move || counts.get().and_then(|c| c.get(index).copied());
                    let name = view.name.clone();
                    view! {
                        <li>
                            <a href=href aria-current=move || here().then_some("page")
                                title=view.shared_by.as_ref().map(|by| format!("Shared by {by}"))>
                                {view.name.clone()}
                                {move || count().map(|n| view! {
                                    <span class="count"><span class="visually-hidden">" ("</span>{n}
                                        <span class="visually-hidden">{if n == 1 { " ticket)" } else { " tickets)" }}</span></span>
                                })}
                            </a>
                            {view.removable.map(|id| view! {
                                <button type="button" class="link remove-view" aria-label=format!("Remove the view {name}")
                                    on:click=move |_| remove(id)>"×"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <SaveView staff reload/>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </nav>
    }
}

/// "Save this view": the current filters and order under a name (shared with the team, for
/// staff, if they choose).
#[component]
fn SaveView(staff: bool, reload: RwSignal<u32>) -> impl IntoView {
    let location = use_location();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let saved_note = RwSignal::new(None::<String>);
    let problem = move |field: &'static str| {
        Signal::derive(move || problems.with(|p| p.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::SaveViewRequest {
            name: name.get_untracked(),
            query: location.search.get_untracked().trim_start_matches('?').to_owned(),
            shared: shared.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::tickets().save_view(request).await {
                Ok(response) => {
                    let view = response.into_inner().view.unwrap_or_default();
                    problems.set(Vec::new());
                    saved_note.set(Some(format!("Saved as “{}”.", view.name)));
                    name.set(String::new());
                    open.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(status) => {
                    let error = ApiError::from(status);
                    let fields = error.fields.clone();
                    problems.set(if fields.is_empty() { vec![("name".to_owned(), error.message)] } else { fields });
                }
            }
        });
    };
    view! {
        <div class="save-view">
            <Show when=move || !open.get()>
                <button type="button" class="secondary" on:click=move |_| { saved_note.set(None); open.set(true) }>
                    "Save this view"
                </button>
            </Show>
            {move || saved_note.get().map(|note| view! { <span role="status" class="hint">{note}</span> })}
            <Show when=move || open.get()>
                <form class="save-view-form" on:submit=save>
                    <label for="view-name">"Name of the view"</label>
                    <input id="view-name" type="text" maxlength="60" bind:value=name aria-describedby="name-error"/>
                    <crate::components::FieldError id="name-error" message=problem("name")/>
                    <crate::components::FieldError id="query-error" message=problem("query")/>
                    {staff.then(|| view! {
                        <div class="choice">
                            <input id="view-shared" type="checkbox" bind:checked=shared aria-describedby="shared-error"/>
                            <label for="view-shared">"Share with the support team"</label>
                        </div>
                        <crate::components::FieldError id="shared-error" message=problem("shared")/>
                    })}
                    <div class="actions">
                        <button type="submit">"Save"</button>
                        <button type="button" class="secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
