//! What Steward told the signed-in person (a clock about to break, one broken, a reminder),
//! newest first; opening the page marks them read.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::time::when_at;
use crate::api::{self, ApiError};
use crate::state::user::CurrentUser;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Notifications".to_owned());
    let user = expect_context::<CurrentUser>();
    let listed = LocalResource::new(|| async {
        let listed = api::service_levels()
            .list_notifications(pb::ListNotificationsRequest {})
            .await
            .map(|r| r.into_inner())
            .map_err(ApiError::from)?;
        if let Some(newest) = listed.notifications.first().filter(|_| listed.unread > 0) {
            let up_to = newest.id;
            // Shown now, so read; the list below still marks which were new.
            let _ = api::service_levels().mark_notifications_read(pb::MarkNotificationsReadRequest { up_to }).await;
        }
        Ok::<_, ApiError>(listed)
    });
    view! {
        <h1>"Notifications"</h1>
        {move || match listed.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(listed)) if listed.notifications.is_empty() => view! {
                <p>"Nothing yet. Steward tells you here what you chose to hear of on your profile: mentions, assignments, answers, approvals, response targets, incidents and pages."</p>
            }.into_any(),
            Some(Ok(listed)) => {
                let zone = user.zone();
                view! {
                    <ul class="notifications">
                        {listed.notifications.into_iter().map(|n| {
                            let page = n.kind == "page";
                            view! {
                            <li class:unread=!n.read class:page=page>
                                {(!n.read).then(|| view! { <span class="badge">"New"</span> " " })}
                                {page.then(|| view! { <span class="badge page-badge">"Page"</span> " " })}
                                {match (n.ticket_number, n.incident_number) {
                                    (Some(number), _) => view! { <a href=format!("/tickets/{number}")>{n.message.clone()}</a> }.into_any(),
                                    (None, Some(number)) => view! { <a href=format!("/incidents/{number}")>{n.message.clone()}</a> }.into_any(),
                                    (None, None) => view! { <span>{n.message.clone()}</span> }.into_any(),
                                }}
                                <span class="hint">{format!(" · {}", when_at(&n.created_at, zone.as_deref()))}</span>
                            </li>
                        }}).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}
