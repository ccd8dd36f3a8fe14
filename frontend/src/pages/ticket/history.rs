//! The audit trail: every change, who made it and when, read when the person first opens it
//! and extended by the stream from then on.

use leptos::prelude::*;

use super::store::TicketStore;
use crate::api::{ApiError, local_time};

#[component]
pub fn History(store: TicketStore) -> impl IntoView {
    let error = RwSignal::new(None::<ApiError>);
    let asked = StoredValue::new(false);
    let open = move |_| {
        if !asked.get_value() {
            asked.set_value(true);
            store.load_history(error);
        }
    };
    view! {
        <details class="history" on:toggle=open>
            <summary>"History"</summary>
            {move || match (store.history.get(), error.get()) {
                (_, Some(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                (None, None) => view! { <p class="loading">"Loading…"</p> }.into_any(),
                (Some(list), None) => view! {
                    <ol>
                        {list.into_iter().map(|e| view! {
                            <li>
                                <time>{local_time(&e.at)}</time>" "
                                <strong>{e.actor.map(|a| a.display_name).unwrap_or_else(|| "Steward".to_owned())}</strong>" "
                                {e.what.as_ref().map(steward_proto::domain::sentence).unwrap_or_default()}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </details>
    }
}
