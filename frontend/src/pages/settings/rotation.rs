//! The support rotation (seed 002): who is in it, from when, how many at once, the overrides
//! (a swap, an absence, cover), and the schedule Steward computes for the coming weeks.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError};
use crate::components::FieldError;

/// `day` (YYYY-MM-DD) moved by `days`; as it was when it does not read.
fn shift(day: &str, days: i64) -> String {
    steward_proto::domain::iso_day(day)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
        .map(|d| d.to_string())
        .unwrap_or_else(|| day.to_owned())
}

/// The day after `day`, for "until and including" in a form.
fn day_after(day: &str) -> String {
    shift(day, 1)
}

/// The day before `day`, to show an exclusive end as the last day.
fn day_before(day: &str) -> String {
    shift(day, -1)
}

fn names(people: &[pb::PersonRef]) -> String {
    if people.is_empty() {
        "nobody".to_owned()
    } else {
        people.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>().join(" and ")
    }
}

#[component]
pub fn Rotation(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let rotation = LocalResource::new(move || {
        reload.track();
        async {
            api::service_levels()
                .get_rotation(pb::GetRotationRequest {})
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    });
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).unwrap_or_default()
    });
    let members = RwSignal::new(Vec::<i64>::new());
    let starts_on = RwSignal::new(String::new());
    let count = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(rotation)) = rotation.get() {
            members.set(rotation.members.iter().map(|m| m.id).collect());
            starts_on.set(rotation.starts_on.clone());
            count.set(rotation.on_duty_count.to_string());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let request = pb::SetRotationRequest {
            member_ids: members.get_untracked(),
            starts_on: starts_on.get_untracked(),
            on_duty_count: count.get_untracked().trim().parse().unwrap_or(0),
        };
        leptos::task::spawn_local(async move {
            match api::service_levels().set_rotation(request).await {
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
    view! {
        <section aria-labelledby="rotation-heading">
            <h2 id="rotation-heading">"Support rotation"</h2>
            <p class="hint">"Seed 002: in alphabetical order, each person serves four weeks and every two weeks the senior one \
                rotates off. Warnings, assignment suggestions and new incidents' stewards follow who is on duty."</p>
            {move || match rotation.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(rotation)) => view! {
                    <p class="on-duty-today"><strong>"On duty today: "</strong>{names(&rotation.on_duty_today)}</p>
                    <table class="schedule">
                        <caption>"The next twelve weeks"</caption>
                        <thead><tr><th scope="col">"From"</th><th scope="col">"To"</th><th scope="col">"On duty"</th></tr></thead>
                        <tbody>
                            {rotation.schedule.iter().map(|run| view! {
                                <tr><td>{run.starts_on.clone()}</td><td>{day_before(&run.ends_on)}</td><td>{names(&run.people)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Overrides admin overrides=rotation.overrides.clone() reload/>
                }.into_any(),
            }}
            {admin.then(|| view! {
                <form class="rotation-form" on:submit=save novalidate>
                    <fieldset>
                        <legend>"In the rotation"</legend>
                        {move || staff.get().unwrap_or_default().into_iter().map(|person| {
                            let id = person.id;
                            view! {
                                <label>
                                    <input type="checkbox" prop:checked=move || members.get().contains(&id)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            members.update(|m| { m.retain(|x| *x != id); if on { m.push(id); } });
                                        }/>
                                    " " {person.display_name}
                                </label>
                            }
                        }).collect_view()}
                        <FieldError id="rotation-members-error" message=Signal::derive(move || error.get().and_then(|e| {
                            e.fields.iter().find(|(f, _)| f.starts_with("member_ids")).map(|(_, m)| m.clone())
                        }))/>
                    </fieldset>
                    <label for="rotation-start">"The rotation starts on"</label>
                    <input id="rotation-start" type="date" bind:value=starts_on aria-describedby="rotation-start-error"/>
                    <FieldError id="rotation-start-error" message=field("starts_on")/>
                    <label for="rotation-count">"On duty at once"</label>
                    <input id="rotation-count" type="number" min="1" max="10" bind:value=count aria-describedby="rotation-count-error"/>
                    <FieldError id="rotation-count-error" message=field("on_duty_count")/>
                    {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    <button type="submit" class="secondary">"Save the rotation"</button>
                    <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
                </form>
            })}
        </section>
    }
}

#[component]
fn Overrides(admin: bool, overrides: Vec<pb::RotationOverride>, reload: RwSignal<u32>) -> impl IntoView {
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).unwrap_or_default()
    });
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let off = RwSignal::new(String::new());
    let on = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let last = until.get_untracked();
        let request = pb::AddRotationOverrideRequest {
            starts_on: from.get_untracked(),
            ends_on: if last.is_empty() { String::new() } else { day_after(&last) },
            off_person_id: off.get_untracked().parse().ok(),
            on_person_id: on.get_untracked().parse().ok(),
            note: note.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::service_levels().add_rotation_override(request).await {
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
            match api::service_levels().remove_rotation_override(pb::RemoveRotationOverrideRequest { id }).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let options = move || {
        staff
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|p| view! { <option value=p.id.to_string()>{p.display_name}</option> })
            .collect_view()
    };
    view! {
        <h3>"Overrides"</h3>
        {if overrides.is_empty() {
            view! { <p>"No overrides: the rotation decides."</p> }.into_any()
        } else {
            view! {
                <ul class="overrides">
                    {overrides.into_iter().map(|o| {
                        let id = o.id;
                        let what = match (&o.off, &o.on) {
                            (Some(off), Some(on)) => format!("{} covers for {}", on.display_name, off.display_name),
                            (Some(off), None) => format!("{} is off duty", off.display_name),
                            (None, Some(on)) => format!("{} is on duty", on.display_name),
                            (None, None) => String::new(),
                        };
                        let note = if o.note.is_empty() { String::new() } else { format!(" ({})", o.note) };
                        view! {
                            <li>
                                {format!("{} to {}: {what}{note}", o.starts_on, day_before(&o.ends_on))}
                                {admin.then(|| view! { " " <button type="button" class="link-button" on:click=move |_| remove(id)>"Remove"</button> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {admin.then(|| view! {
            <form class="override-form" on:submit=add novalidate>
                <label for="override-from">"From"</label>
                <input id="override-from" type="date" bind:value=from aria-describedby="override-from-error"/>
                <FieldError id="override-from-error" message=field("starts_on")/>
                <label for="override-until">"Until and including"</label>
                <input id="override-until" type="date" bind:value=until aria-describedby="override-until-error"/>
                <FieldError id="override-until-error" message=field("ends_on")/>
                <label for="override-off">"Off duty"</label>
                <select id="override-off" on:change=move |ev| off.set(event_target_value(&ev)) aria-describedby="override-off-error">
                    <option value="">"Nobody"</option>
                    {options}
                </select>
                <FieldError id="override-off-error" message=field("off_person_id")/>
                <label for="override-on">"On duty instead"</label>
                <select id="override-on" on:change=move |ev| on.set(event_target_value(&ev)) aria-describedby="override-on-error">
                    <option value="">"Nobody"</option>
                    {options}
                </select>
                <FieldError id="override-on-error" message=field("on_person_id")/>
                <label for="override-note">"Note"</label>
                <input id="override-note" bind:value=note aria-describedby="override-note-error"/>
                <FieldError id="override-note-error" message=field("note")/>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                <button type="submit" class="secondary">"Add the override"</button>
            </form>
        })}
    }
}
