//! The public status page, `/status`: the incidents a steward made public, while they run and
//! for a week after, with their public updates. Readable without signing in; it never names
//! people, tickets or internal entries (the server sends none).

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels, local_time};
use crate::components::PublicHeader;
use crate::components::markdown::Markdown;
use steward_proto::domain::incident_active as is_active;

#[component]
pub fn StatusPage() -> impl IntoView {
    crate::components::title::page_title(|| "Service status".to_owned());
    let status = RwSignal::new(None::<Result<Vec<pb::StatusIncident>, ApiError>>);
    leptos::task::spawn_local(async move {
        let answer = api::read(|| async { api::incidents().get_status(pb::GetStatusRequest {}).await })
            .await
            .map(|r| r.incidents);
        status.try_set(Some(answer));
    });
    view! {
        <PublicHeader/>
        <main id="main" class="status-page">
            <h1>"Service status"</h1>
            {move || match status.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="all-well">"No incidents are being worked on, and none in the last week."</p>
                }.into_any(),
                Some(Ok(list)) => {
                    let active = list.iter().filter(|i| is_active(i.phase)).count();
                    view! {
                        <p class={if active > 0 { "status-summary degraded" } else { "status-summary" }}>
                            {if active > 0 { format!("{active} incident(s) in progress.") } else { "All incidents are resolved.".to_owned() }}
                        </p>
                        {list.into_iter().map(|i| view! { <StatusIncident incident=i/> }).collect_view()}
                    }.into_any()
                }
            }}
        </main>
    }
}

#[component]
fn StatusIncident(incident: pb::StatusIncident) -> impl IntoView {
    let affected = incident.affected_communities.join(", ");
    view! {
        <section class="status-incident" class:active=is_active(incident.phase)>
            <h2>{incident.title.clone()}</h2>
            <p class="badges">
                <span class="badge phase">{labels::phase(incident.phase)}</span>
                <span class="badge priority">{labels::priority(incident.severity)}</span>
            </p>
            <p>{format!("Since {}", local_time(&incident.declared_at))}
                {incident.resolved_at.is_some().then(|| format!("; resolved {}", local_time(&incident.resolved_at)))}
                {(!affected.is_empty()).then(|| format!(". Affects {affected}."))}</p>
            <ol class="status-updates">
                {incident.updates.into_iter().rev().map(|u| view! {
                    <li><time>{local_time(&u.at)}</time><Markdown html=u.body_html/></li>
                }).collect_view()}
            </ol>
        </section>
    }
}
