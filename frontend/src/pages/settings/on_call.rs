//! On call and paging (seed 003: production down reaches the on-call engineer 24/7): who a page
//! reaches now, level by level; who is on call (the support rotation, or a rotation of its own
//! with its shifts); how long a page waits before it escalates; and covers.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::time::{browser_zone, when_at, zones};
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

fn names(people: &[pb::PersonRef]) -> String {
    people.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Seconds since the epoch of a `datetime-local` value, read in the browser's own zone.
fn local_seconds(value: &str) -> Option<i64> {
    if value.trim().is_empty() {
        return None;
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    (!millis.is_nan()).then(|| (millis / 1000.0) as i64)
}

#[component]
pub fn OnCall(admin: bool) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let reload = RwSignal::new(0u32);
    let on_call = LocalResource::new(move || {
        reload.track();
        async {
            api::paging().get_on_call(pb::GetOnCallRequest {}).await.map(|r| r.into_inner()).map_err(ApiError::from)
        }
    });
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).unwrap_or_default()
    });
    let own = RwSignal::new(false);
    let members = RwSignal::new(Vec::<i64>::new());
    let starts_on = RwSignal::new(String::new());
    let handoff = RwSignal::new(String::new());
    let zone = RwSignal::new(String::new());
    let shift_days = RwSignal::new(String::new());
    let escalate = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    // The form starts from what is in force, once it has loaded (and again after a save).
    Effect::new(move |_| {
        if let Some(Ok(found)) = on_call.get()
            && let Some(settings) = found.settings
        {
            own.set(settings.own_rotation);
            members.set(settings.member_ids);
            starts_on.set(settings.starts_on);
            handoff.set(settings.handoff);
            zone.set(settings.zone);
            shift_days.set(settings.shift_days.to_string());
            escalate.set(settings.escalate_after_minutes.to_string());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let settings = pb::OnCallSettings {
            own_rotation: own.get_untracked(),
            member_ids: members.get_untracked(),
            starts_on: starts_on.get_untracked(),
            handoff: handoff.get_untracked(),
            zone: zone.get_untracked(),
            shift_days: shift_days.get_untracked().trim().parse().unwrap_or(0),
            escalate_after_minutes: escalate.get_untracked().trim().parse().unwrap_or(0),
        };
        leptos::task::spawn_local(async move {
            match api::paging().set_on_call(pb::SetOnCallRequest { settings: Some(settings) }).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let name_of = move |id: i64| {
        staff
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.display_name)
    };
    let move_up = move |index: usize| {
        members.update(|m| {
            if index > 0 && index < m.len() {
                m.swap(index, index - 1);
            }
        })
    };
    let all_zones = zones();
    view! {
        <section aria-labelledby="on-call-heading">
            <h2 id="on-call-heading">"On call and paging"</h2>
            <p class="hint">"A production-down ticket or incident pages the person on call at once: by email with a one-click \
                acknowledgement, in Steward, and through the paging integrations (webhooks that asked for page events, or \
                PagerDuty, added under Webhooks). Unacknowledged, it reaches the next person, then every admin."</p>
            {move || match on_call.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(found)) => {
                    let wait = found.settings.as_ref().map_or(10, |s| s.escalate_after_minutes);
                    view! {
                        <h3>"A page now reaches"</h3>
                        {if found.levels.is_empty() {
                            view! { <p class="error">"Nobody: nobody is on call and there is no admin. Put someone in a rotation."</p> }.into_any()
                        } else {
                            view! {
                                <ol class="page-levels">
                                    {found.levels.iter().map(|level| {
                                        let after = if level.level == 1 { "at once".to_owned() } else { format!("after {wait} minutes more without an acknowledgement") };
                                        view! { <li>{format!("{} ({after})", names(&level.people))}</li> }
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
            {admin.then(|| view! {
                <form class="on-call-form" on:submit=save novalidate>
                    <fieldset>
                        <legend>"Who is on call"</legend>
                        <label>
                            <input type="radio" name="on-call-source" prop:checked=move || !own.get() on:change=move |_| own.set(false)/>
                            " The people on support duty (the support rotation), the senior one first"
                        </label>
                        <label>
                            <input type="radio" name="on-call-source" prop:checked=move || own.get() on:change=move |_| own.set(true)/>
                            " An on-call rotation of its own"
                        </label>
                    </fieldset>
                    <fieldset class="on-call-rotation" prop:disabled=move || !own.get() aria-describedby="on-call-members-error">
                        <legend>"The on-call rotation, in the order people take turns"</legend>
                        <ol class="on-call-members">
                            {move || members.get().into_iter().enumerate().map(|(index, id)| view! {
                                <li>
                                    {name_of(id)}
                                    " "
                                    {(index > 0).then(|| view! {
                                        <button type="button" class="link-button" on:click=move |_| move_up(index)>{format!("Move {} up", name_of(id))}</button>
                                    })}
                                    " "
                                    <button type="button" class="link-button" on:click=move |_| members.update(|m| m.retain(|x| *x != id))>{format!("Take {} out", name_of(id))}</button>
                                </li>
                            }).collect_view()}
                        </ol>
                        <label for="on-call-add">"Add to the rotation"</label>
                        <select id="on-call-add" on:change=move |ev| {
                            if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                                members.update(|m| if !m.contains(&id) { m.push(id) });
                            }
                            // Back to the prompt, ready for the next person.
                            event_target::<web_sys::HtmlSelectElement>(&ev).set_value("");
                        }>
                            <option value="">"Choose someone on the team"</option>
                            {move || staff.get().unwrap_or_default().into_iter().map(|p| view! {
                                <option value=p.id.to_string()>{p.display_name}</option>
                            }).collect_view()}
                        </select>
                        <FieldError id="on-call-members-error" message=field("member_ids")/>
                        <label for="on-call-start">"First shift on"</label>
                        <input id="on-call-start" type="date" bind:value=starts_on aria-describedby="on-call-start-error"/>
                        <FieldError id="on-call-start-error" message=field("starts_on")/>
                        <label for="on-call-handoff">"Handover at (local time)"</label>
                        <input id="on-call-handoff" type="time" bind:value=handoff aria-describedby="on-call-handoff-error"/>
                        <FieldError id="on-call-handoff-error" message=field("handoff")/>
                        <label for="on-call-zone">"Time zone"</label>
                        <input id="on-call-zone" list="on-call-zones" bind:value=zone aria-describedby="on-call-zone-error"/>
                        <datalist id="on-call-zones">
                            {all_zones.into_iter().map(|z| view! { <option value=z.clone()></option> }).collect_view()}
                        </datalist>
                        <FieldError id="on-call-zone-error" message=field("zone")/>
                        <label for="on-call-days">"Days per shift"</label>
                        <input id="on-call-days" type="number" min="1" max="28" bind:value=shift_days aria-describedby="on-call-days-error"/>
                        <FieldError id="on-call-days-error" message=field("shift_days")/>
                    </fieldset>
                    <label for="on-call-escalate">"Escalate an unacknowledged page after (minutes)"</label>
                    <input id="on-call-escalate" type="number" min="1" max="240" bind:value=escalate aria-describedby="on-call-escalate-error"/>
                    <FieldError id="on-call-escalate-error" message=field("escalate_after_minutes")/>
                    {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    <button type="submit" class="secondary">"Save on call"</button>
                    <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
                </form>
            })}
            {move || on_call.get().and_then(Result::ok).map(|found| {
                let zone_shown = user.zone();
                view! {
                    {(!found.shifts.is_empty()).then(|| view! {
                        <table class="schedule">
                            <caption>"The on-call rotation's next shifts"</caption>
                            <thead><tr><th scope="col">"From"</th><th scope="col">"To"</th><th scope="col">"On call"</th></tr></thead>
                            <tbody>
                                {found.shifts.iter().map(|shift| view! {
                                    <tr>
                                        <td>{when_at(&shift.starts_at, zone_shown.as_deref())}</td>
                                        <td>{when_at(&shift.ends_at, zone_shown.as_deref())}</td>
                                        <td>{shift.person.as_ref().map(|p| p.display_name.clone()).unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    <Covers admin covers=found.covers.clone() reload/>
                }
            })}
        </section>
    }
}

#[component]
fn Covers(admin: bool, covers: Vec<pb::OnCallCover>, reload: RwSignal<u32>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).unwrap_or_default()
    });
    let person = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let stamp = |value: String| local_seconds(&value).map(|seconds| prost_types::Timestamp { seconds, nanos: 0 });
        let request = pb::AddOnCallCoverRequest {
            person_id: person.get_untracked().parse().unwrap_or(0),
            starts_at: stamp(from.get_untracked()),
            ends_at: stamp(until.get_untracked()),
            note: note.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::paging().add_on_call_cover(request).await {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::paging().remove_on_call_cover(pb::RemoveOnCallCoverRequest { id }).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let zone = user.zone();
    let here = browser_zone().unwrap_or_else(|| "this browser's".to_owned());
    view! {
        <h3>"Covers"</h3>
        {if covers.is_empty() {
            view! { <p>"No covers: the rotation decides."</p> }.into_any()
        } else {
            view! {
                <ul class="covers">
                    {covers.into_iter().map(|c| {
                        let id = c.id;
                        let who = c.person.as_ref().map(|p| p.display_name.clone()).unwrap_or_default();
                        let note = if c.note.is_empty() { String::new() } else { format!(" ({})", c.note) };
                        view! {
                            <li>
                                {format!("{who} is on call from {} to {}{note}", when_at(&c.starts_at, zone.as_deref()), when_at(&c.ends_at, zone.as_deref()))}
                                {admin.then(|| view! { " " <button type="button" class="link-button" on:click=move |_| remove(id)>{format!("Remove {who}'s cover")}</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {admin.then(|| view! {
            <form class="cover-form" on:submit=add novalidate>
                <label for="cover-person">"On call"</label>
                <select id="cover-person" on:change=move |ev| person.set(event_target_value(&ev)) aria-describedby="cover-person-error">
                    <option value="">"Choose someone on the team"</option>
                    {move || staff.get().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id.to_string()>{p.display_name}</option>
                    }).collect_view()}
                </select>
                <FieldError id="cover-person-error" message=field("person_id")/>
                <label for="cover-from">{format!("From ({here} time)")}</label>
                <input id="cover-from" type="datetime-local" bind:value=from aria-describedby="cover-from-error"/>
                <FieldError id="cover-from-error" message=field("starts_at")/>
                <label for="cover-until">{format!("Until ({here} time)")}</label>
                <input id="cover-until" type="datetime-local" bind:value=until aria-describedby="cover-until-error"/>
                <FieldError id="cover-until-error" message=field("ends_at")/>
                <label for="cover-note">"Note"</label>
                <input id="cover-note" bind:value=note aria-describedby="cover-note-error"/>
                <FieldError id="cover-note-error" message=field("note")/>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                <button type="submit" class="secondary">"Add the cover"</button>
            </form>
        })}
    }
}
