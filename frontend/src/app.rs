//! The app: routes, and the shell that every signed-in page shares. The shell asks who is
//! signed in once; without a session it sends the person to sign in and back afterwards.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{NavigateOptions, path};
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, encode_component};
use crate::components::shortcuts::Shortcuts;
use crate::live::{LiveIndicator, LiveStatus};
use crate::pages::{
    acknowledge::AcknowledgePage, approvals::ApprovalsPage, board::BoardPage, incidents::IncidentsPage,
    incidents::board::IncidentPage, incidents::report::IncidentReportPage, known_issues::KnownIssuePage,
    known_issues::KnownIssuesPage, mail::MailPage, new_request::NewRequestPage, not_found::NotFound,
    not_found::StaffOnly, notifications::NotificationsPage, profile::ProfilePage, settings::SettingsPage,
    signin::SignInPage, status::StatusPage, support::SecurityPage, support::SupportPage, ticket::TicketPage,
    tickets::TicketsPage, triage::TriagePage,
};
use crate::state::user::{CurrentUser, UploadLimit, is_representative, is_staff};

#[component]
pub fn App() -> impl IntoView {
    provide_context(CurrentUser(RwSignal::new(None)));
    provide_context(UploadLimit(RwSignal::new(0)));
    provide_context(LiveStatus::default());
    crate::state::now::provide();
    crate::state::notifications::provide();
    crate::state::approvals::provide();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/signin") view=SignInPage/>
                <Route path=path!("/known-issues") view=KnownIssuesPage/>
                <Route path=path!("/support") view=SupportPage/>
                <Route path=path!("/status") view=StatusPage/>
                <Route path=path!("/security") view=SecurityPage/>
                <Route path=path!("/known-issues/:number") view=KnownIssuePage/>
                <Route path=path!("/pages/:token") view=AcknowledgePage/>
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("/") view=|| view! { <Redirect path="/tickets"/> }/>
                    <Route path=path!("/tickets") view=TicketsPage/>
                    <Route path=path!("/tickets/:number") view=TicketPage/>
                    <Route path=path!("/board") view=BoardPage/>
                    <Route path=path!("/incidents") view=IncidentsPage/>
                    <Route path=path!("/incidents/:number") view=IncidentPage/>
                    <Route path=path!("/incidents/:number/report") view=IncidentReportPage/>
                    <Route path=path!("/new") view=NewRequestPage/>
                    <Route path=path!("/approvals") view=ApprovalsPage/>
                    <Route path=path!("/triage") view=|| view! { <StaffOnly><TriagePage/></StaffOnly> }/>
                    <Route path=path!("/mail") view=|| view! { <StaffOnly><MailPage/></StaffOnly> }/>
                    <Route path=path!("/settings") view=|| view! { <StaffOnly><SettingsPage/></StaffOnly> }/>
                    <Route path=path!("/notifications") view=NotificationsPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Loads the current user, then shows the header and the page.
#[component]
fn Shell() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let upload_limit = expect_context::<UploadLimit>();
    let location = use_location();
    let navigate = use_navigate();
    let failure = RwSignal::new(None::<ApiError>);
    let load = move || {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::auth().get_current_user(pb::GetCurrentUserRequest {}).await {
                Ok(response) => {
                    let response = response.into_inner();
                    upload_limit.0.set(response.max_upload_bytes);
                    user.0.set(response.person);
                }
                Err(status) => {
                    let error = ApiError::from(status);
                    if error.is_unauthenticated() {
                        let wanted =
                            format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                        let next = encode_component(&wanted);
                        navigate(
                            &format!("/signin?next={next}"),
                            NavigateOptions { replace: true, ..Default::default() },
                        );
                    } else {
                        failure.set(Some(error));
                    }
                }
            }
        });
    };
    if user.0.get_untracked().is_none() {
        load();
    }
    // Rebuilt only when someone signs in or out, not when their profile changes (a new time
    // zone must not throw away the page being used).
    let signed_in = Memo::new(move |_| user.0.with(Option::is_some));
    view! {
        {move || match (signed_in.get().then(|| user.0.get_untracked()).flatten(), failure.get()) {
            (Some(person), _) => view! { <Header person/> <main id="main"><Outlet/></main> }.into_any(),
            (None, Some(error)) => view! {
                <main id="main"><p role="alert" class="error">{error.message}</p></main>
            }.into_any(),
            (None, None) => view! { <main id="main"><p class="loading">"Loading…"</p></main> }.into_any(),
        }}
    }
}

#[component]
fn Header(person: pb::Person) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::auth().sign_out(pb::SignOutRequest {}).await {
                Ok(_) => {
                    crate::components::sealed::forget_unlocked().await;
                    user.0.set(None);
                    navigate("/signin", NavigateOptions::default());
                }
                Err(status) => error.set(Some(ApiError::from(status).message)),
            }
        });
    };
    let representative = is_representative(&person);
    let staff = is_staff(&person);
    // Staff see how many incidents are active, counted again whenever they change page; everyone
    // sees how many notifications are unread, counted again on every page and every minute.
    let active_incidents = RwSignal::new(None::<usize>);
    let unread = RwSignal::new(0i64);
    let location = use_location();
    let minute = Memo::new(move |_| crate::state::now::seconds() / 60);
    Effect::new(move |_| {
        location.pathname.track();
        minute.track();
        crate::state::notifications::track();
        leptos::task::spawn_local(async move {
            if let Ok(listed) = api::service_levels().list_notifications(pb::ListNotificationsRequest {}).await {
                unread.try_set(listed.into_inner().unread);
            }
        });
    });
    if representative {
        let approvals = crate::state::approvals::handle();
        Effect::new(move |_| {
            location.pathname.track();
            minute.track();
            leptos::task::spawn_local(async move {
                if let Ok(queue) = api::tickets().list_approval_queue(pb::ListApprovalQueueRequest {}).await {
                    approvals.set(queue.into_inner().tickets.len());
                }
            });
        });
    }
    Effect::new(move |_| {
        location.pathname.track();
        if !staff {
            return;
        }
        leptos::task::spawn_local(async move {
            let listed = api::incidents().list_incidents(pb::ListIncidentsRequest::default()).await;
            if let Ok(listed) = listed {
                let active = listed
                    .into_inner()
                    .incidents
                    .iter()
                    .filter(|i| steward_proto::domain::incident_active(i.phase))
                    .count();
                active_incidents.try_set(Some(active));
            }
        });
    });
    // At phone width the navigation folds behind a Menu button; going to a page folds it again.
    let menu_open = RwSignal::new(false);
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    view! {
        <header class="app-header">
            <a class="brand" href="/tickets">"Steward"</a>
            <LiveIndicator/>
            <button type="button" class="secondary menu-toggle" aria-controls="header-menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)>
                "Menu"{move || (unread.get() > 0).then(|| view! {
                    <span class="count"><span class="visually-hidden">", "</span>{unread.get()}
                        <span class="visually-hidden">" unread notifications"</span></span>
                })}
            </button>
            // Following a link folds the menu at once (the effect above covers Back and Forward).
            <div id="header-menu" class="header-menu" class:open=move || menu_open.get()
                on:click=move |ev| {
                    use wasm_bindgen::JsCast;
                    let on_link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|target| target.closest("a").ok().flatten().is_some());
                    if on_link {
                        menu_open.set(false);
                    }
                }>
                <nav aria-label="Main">
                    <A href="/tickets">"Tickets"</A>
                    <A href="/board">"Board"</A>
                    <A href="/incidents">"Incidents"{move || active_incidents.get().filter(|n| *n > 0).map(|n| view! {
                        <span class="count" aria-label=format!("{n} active")>{n}</span>
                    })}</A>
                    <Show when=move || staff>
                        <A href="/triage">"Triage"</A>
                        <A href="/mail">"Email"</A>
                        <A href="/settings">"Settings"</A>
                    </Show>
                    <A href="/new">"New request"</A>
                    <A href="/known-issues">"Known issues"</A>
                    <A href="/support">"Help"</A>
                    <Show when=move || representative>
                        <A href="/approvals">"Approvals"{move || crate::state::approvals::waiting().filter(|n| *n > 0).map(|n| view! {
                            <span class="count" aria-label=format!("{n} waiting")>{n}</span>
                        })}</A>
                    </Show>
                </nav>
                <a href="/notifications" class="notifications-link">"Notifications"{move || (unread.get() > 0).then(|| {
                    let n = unread.get();
                    view! { <span class="count" aria-label=format!("{n} unread")>{n}</span> }
                })}</a>
                <a href="/profile" class="who" title="Your profile: time zone">{person.display_name.clone()}</a>
                <button type="button" class="secondary" on:click=sign_out>"Sign out"</button>
            </div>
            <Shortcuts staff representative/>
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </header>
    }
}
