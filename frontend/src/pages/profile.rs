//! The signed-in person's own settings: the time zone every time in Steward is shown in.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::time::{browser_zone, zones};
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let zone = RwSignal::new(user.zone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let all = StoredValue::new(zones());
    let browser = browser_zone().unwrap_or_else(|| "unknown".to_owned());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let time_zone = zone.get_untracked();
        leptos::task::spawn_local(async move {
            match api::directory().set_my_time_zone(pb::SetMyTimeZoneRequest { time_zone }).await {
                Ok(response) => {
                    error.set(None);
                    saved.set(true);
                    if let Some(person) = response.into_inner().person {
                        user.0.set(Some(person));
                    }
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    view! {
        <h1>"Your profile"</h1>
        <form class="profile-form" on:submit=save novalidate>
            <label for="time-zone">"Time zone"</label>
            <select id="time-zone" prop:value=move || zone.get() on:change=move |ev| zone.set(event_target_value(&ev))
                aria-describedby="time-zone-help time-zone-error">
                <option value="">{format!("This browser's ({browser})")}</option>
                {all.get_value().into_iter().map(|z| { let label = z.clone(); view! { <option value=z>{label}</option> } }).collect_view()}
            </select>
            <p class="hint" id="time-zone-help">"Every time in Steward (when a reply is due, when a ticket closes by itself) is shown in this zone."</p>
            <FieldError id="time-zone-error" message=Signal::derive(move || error.get().and_then(|e| e.field("time_zone")))/>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="submit">"Save"</button>
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
    }
}
