//! Settings for every promise on a clock: business calendars (hours per weekday, holidays,
//! holidays imported from an .ics file), the targets per priority, the team's clock settings,
//! and the jobs Steward runs by itself. The server checks everything and names every bad field;
//! what was typed stays in the form.

use leptos::prelude::*;
use steward_domain::Priority;
use steward_domain::calendar::{WEEKDAYS, clock_time, parse_clock_time};
use steward_domain::sla::{ClockKind, Target};
use steward_proto::domain::{WireEnum, target, target_from_wire};
use steward_proto::v1 as pb;

use crate::api::time::{when_at, zones};
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

/// `[[540, 720], [780, 1050]]` as `09:00-12:00, 13:00-17:30`.
fn day_text(day: &pb::WorkingDay) -> String {
    let parts: Vec<String> =
        day.intervals.iter().map(|i| format!("{}-{}", clock_time(i.start as u16), clock_time(i.end as u16))).collect();
    parts.join(", ")
}

/// `09:00-12:00, 13:00-17:30` as intervals; the parts that do not read, to name them.
fn day_from_text(text: &str) -> Result<pb::WorkingDay, String> {
    let mut intervals = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (start, end) = part
            .split_once('-')
            .and_then(|(s, e)| Some((parse_clock_time(s)?, parse_clock_time(e)?)))
            .ok_or_else(|| format!("\u{201c}{part}\u{201d} is not hours like 09:00-17:00."))?;
        intervals.push(pb::WorkingInterval { start: u32::from(start), end: u32::from(end) });
    }
    Ok(pb::WorkingDay { intervals })
}

/// A calendar being edited: what the form holds, as typed.
#[derive(Clone, Copy)]
struct CalendarForm {
    id: RwSignal<Option<i64>>,
    name: RwSignal<String>,
    zone: RwSignal<String>,
    days: [RwSignal<String>; 7],
    holidays: RwSignal<Vec<pb::Holiday>>,
    error: RwSignal<Option<ApiError>>,
    /// Problems found before sending (hours that do not read), by field.
    local: RwSignal<Vec<(String, String)>>,
    saved: RwSignal<bool>,
}

impl CalendarForm {
    fn new() -> CalendarForm {
        CalendarForm {
            id: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            zone: RwSignal::new(String::new()),
            days: std::array::from_fn(|_| RwSignal::new(String::new())),
            holidays: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            local: RwSignal::new(Vec::new()),
            saved: RwSignal::new(false),
        }
    }

    fn show(&self, calendar: &pb::Calendar) {
        self.id.set(Some(calendar.id));
        self.name.set(calendar.name.clone());
        self.zone.set(calendar.zone.clone());
        for (i, day) in self.days.iter().enumerate() {
            day.set(calendar.week.get(i).map(day_text).unwrap_or_default());
        }
        self.holidays.set(calendar.holidays.clone());
        self.error.set(None);
        self.local.set(Vec::new());
        self.saved.set(false);
    }

    fn blank(&self) {
        self.id.set(None);
        self.name.set(String::new());
        self.zone.set(crate::api::time::browser_zone().unwrap_or_else(|| "UTC".to_owned()));
        for (i, day) in self.days.iter().enumerate() {
            day.set(if i < 5 { "09:00-17:00".to_owned() } else { String::new() });
        }
        self.holidays.set(Vec::new());
        self.error.set(None);
        self.local.set(Vec::new());
        self.saved.set(false);
    }

    /// The message for `field`: a local problem first, then the server's (a day's message
    /// also shows the first of its intervals' problems).
    fn message(&self, field: String) -> Signal<Option<String>> {
        let (local, error) = (self.local, self.error);
        Signal::derive(move || {
            local.with(|l| l.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone())).or_else(|| {
                error.with(|e| {
                    e.as_ref().and_then(|e| {
                        e.field(&field).or_else(|| {
                            e.fields.iter().find(|(f, _)| f.starts_with(&format!("{field}."))).map(|(_, m)| m.clone())
                        })
                    })
                })
            })
        })
    }
}

/// The calendars, targets and settings, read again whenever `reload` moves.
fn levels_resource(reload: RwSignal<u32>) -> LocalResource<Result<pb::GetServiceLevelsResponse, ApiError>> {
    LocalResource::new(move || {
        reload.track();
        async {
            api::service_levels()
                .get_service_levels(pb::GetServiceLevelsRequest {})
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    })
}

#[component]
pub fn Calendars(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let levels = levels_resource(reload);
    let form = CalendarForm::new();
    let editing = RwSignal::new(false);
    let all_zones = StoredValue::new(zones());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = Vec::new();
        let mut week = Vec::new();
        for (i, day) in form.days.iter().enumerate() {
            match day_from_text(&day.get_untracked()) {
                Ok(parsed) => week.push(parsed),
                Err(message) => {
                    local.push((format!("week.{}", WEEKDAYS[i]), message));
                    week.push(pb::WorkingDay::default());
                }
            }
        }
        form.local.set(local.clone());
        form.saved.set(false);
        if !local.is_empty() {
            return;
        }
        let request = pb::SaveCalendarRequest {
            id: form.id.get_untracked(),
            name: form.name.get_untracked(),
            zone: form.zone.get_untracked(),
            week,
            holidays: form.holidays.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::service_levels().save_calendar(request).await {
                Ok(saved) => {
                    if let Some(calendar) = saved.into_inner().calendar {
                        form.show(&calendar);
                    }
                    form.saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(status) => form.error.set(Some(ApiError::from(status))),
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let Some(ics) = text else {
                form.error.set(Some(ApiError::local("ics", "The file could not be read.")));
                return;
            };
            match api::service_levels().parse_holidays(pb::ParseHolidaysRequest { ics }).await {
                Ok(parsed) => {
                    let found = parsed.into_inner().holidays;
                    form.holidays.update(|list| {
                        for holiday in found {
                            if !list.iter().any(|h| h.date == holiday.date) {
                                list.push(holiday);
                            }
                        }
                        list.sort_by(|a, b| a.date.cmp(&b.date));
                    });
                    form.error.set(None);
                }
                Err(status) => form.error.set(Some(ApiError::from(status))),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::service_levels().delete_calendar(pb::DeleteCalendarRequest { id }).await {
                Ok(_) => {
                    editing.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(status) => form.error.set(Some(ApiError::from(status))),
            }
        });
    };
    view! {
        <section aria-labelledby="calendars-heading">
            <h2 id="calendars-heading">"Business calendars"</h2>
            <p class="hint">"When each promise's clock runs: working hours per weekday in a time zone, and holidays. \
                \"24/7\" is built in. Saving measures every running clock again."</p>
            {move || match levels.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(levels)) => view! {
                    <ul class="calendars">
                        {levels.calendars.into_iter().map(|calendar| {
                            let summary = if calendar.builtin {
                                "every minute of every day".to_owned()
                            } else {
                                let days: Vec<String> = calendar.week.iter().enumerate()
                                    .filter(|(_, d)| !d.intervals.is_empty())
                                    .map(|(i, d)| format!("{} {}", &WEEKDAYS[i][..3], day_text(d))).collect();
                                format!("{}; {}; {} holiday(s)", calendar.zone, days.join(", "), calendar.holidays.len())
                            };
                            let shown = calendar.clone();
                            view! {
                                <li>
                                    <strong>{calendar.name.clone()}</strong>{format!(": {summary}")}
                                    {(admin && !calendar.builtin).then(|| view! {
                                        " " <button type="button" class="link-button" on:click=move |_| { form.show(&shown); editing.set(true); }>
                                            {format!("Edit {}", calendar.name)}</button>
                                        " " <button type="button" class="link-button" on:click=move |_| remove(calendar.id)>"Remove"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {admin.then(|| view! {
                <button type="button" class="secondary" on:click=move |_| { form.blank(); editing.set(true); }>"New calendar"</button>
                <Show when=move || editing.get()>
                    <form class="calendar-form" on:submit=save novalidate>
                        <h3>{move || if form.id.get().is_some() { "Edit calendar" } else { "New calendar" }}</h3>
                        <label for="calendar-name">"Name"</label>
                        <input id="calendar-name" bind:value=form.name aria-describedby="calendar-name-error"/>
                        <FieldError id="calendar-name-error" message=form.message("name".into())/>
                        <label for="calendar-zone">"Time zone"</label>
                        <input id="calendar-zone" list="calendar-zones" bind:value=form.zone aria-describedby="calendar-zone-error"/>
                        <datalist id="calendar-zones">
                            {all_zones.get_value().into_iter().map(|z| view! { <option value=z/> }).collect_view()}
                        </datalist>
                        <FieldError id="calendar-zone-error" message=form.message("zone".into())/>
                        <fieldset class="week">
                            <legend>"Working hours (for example 09:00-12:00, 13:00-17:30; leave empty for a day off)"</legend>
                            {WEEKDAYS.iter().enumerate().map(|(i, day)| {
                                let id = format!("calendar-{day}");
                                let error_id = format!("{id}-error");
                                let mut label = day.to_string();
                                label[..1].make_ascii_uppercase();
                                view! {
                                    <label for=id.clone()>{label}</label>
                                    <input id=id bind:value=form.days[i] aria-describedby=error_id.clone()/>
                                    <FieldError id=error_id message=form.message(format!("week.{day}"))/>
                                }
                            }).collect_view()}
                        </fieldset>
                        <fieldset class="holidays">
                            <legend>"Holidays"</legend>
                            <ul>
                                {move || form.holidays.get().into_iter().enumerate().map(|(i, holiday)| view! {
                                    <li>
                                        {format!("{} {}{}", holiday.date, holiday.name, if holiday.every_year { " (every year)" } else { "" })}
                                        " " <button type="button" class="link-button"
                                            on:click=move |_| form.holidays.update(|list| { list.remove(i); })>"Remove"</button>
                                        <FieldError id=format!("holiday-{i}-error") message=form.message(format!("holidays.{i}"))/>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <HolidayAdder form/>
                            <label for="calendar-ics">"Import holidays from an iCalendar (.ics) file"</label>
                            <input id="calendar-ics" type="file" accept=".ics,text/calendar" on:change=import aria-describedby="calendar-ics-error"/>
                            <FieldError id="calendar-ics-error" message=form.message("ics".into())/>
                        </fieldset>
                        {move || form.error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                        <button type="submit">"Save calendar"</button>
                        " " <button type="button" class="secondary" on:click=move |_| editing.set(false)>"Close"</button>
                        <Show when=move || form.saved.get()><span role="status">"Saved; due times follow."</span></Show>
                    </form>
                </Show>
            })}
        </section>
    }
}

#[component]
fn HolidayAdder(form: CalendarForm) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let every_year = RwSignal::new(false);
    let add = move |_| {
        let day = date.get_untracked();
        if day.is_empty() {
            return;
        }
        form.holidays.update(|list| {
            list.push(pb::Holiday { date: day, every_year: every_year.get_untracked(), name: name.get_untracked() });
            list.sort_by(|a, b| a.date.cmp(&b.date));
        });
        date.set(String::new());
        name.set(String::new());
    };
    view! {
        <div class="holiday-adder">
            <label for="holiday-date">"Day"</label>
            <input id="holiday-date" type="date" bind:value=date/>
            <label for="holiday-name">"Name"</label>
            <input id="holiday-name" bind:value=name/>
            <label><input type="checkbox" bind:checked=every_year/>" Every year"</label>
            <button type="button" class="secondary" on:click=add>"Add holiday"</button>
        </div>
    }
}

/// One cell of the targets table: the amount, its unit and its calendar, as typed.
#[derive(Clone, Copy)]
struct TargetCell {
    priority: Priority,
    kind: ClockKind,
    amount: RwSignal<String>,
    /// "minutes", "hours" or "next_day".
    unit: RwSignal<String>,
    /// "" for the business calendar, else a calendar id.
    calendar: RwSignal<String>,
}

impl TargetCell {
    fn show(&self, value: Option<&pb::Target>) {
        let parsed = value.and_then(|t| t.target.as_ref()).and_then(target_from_wire);
        let (amount, unit) = match parsed {
            Some(Target::NextWorkingDayEnd) => (String::new(), "next_day"),
            Some(Target::WorkingMinutes(m)) if m % 60 == 0 => ((m / 60).to_string(), "hours"),
            Some(Target::WorkingMinutes(m)) => (m.to_string(), "minutes"),
            None => (String::new(), "hours"),
        };
        self.amount.set(amount);
        self.unit.set(unit.to_owned());
        self.calendar.set(value.and_then(|t| t.calendar_id).map(|id| id.to_string()).unwrap_or_default());
    }

    fn read(&self) -> pb::Target {
        let amount: u32 = self.amount.get_untracked().trim().parse().unwrap_or(0);
        let value = match self.unit.get_untracked().as_str() {
            "next_day" => Target::NextWorkingDayEnd,
            "minutes" => Target::WorkingMinutes(amount),
            _ => Target::WorkingMinutes(amount.saturating_mul(60)),
        };
        pb::Target {
            priority: self.priority.to_wire().into(),
            kind: self.kind.to_wire().into(),
            target: Some(target(value)),
            calendar_id: self.calendar.get_untracked().parse().ok(),
        }
    }
}

/// The team's targets per priority and clock, and the clock settings.
#[component]
pub fn Targets(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let levels = levels_resource(reload);
    let cells: Vec<TargetCell> = Priority::ALL
        .iter()
        .flat_map(|&priority| {
            ClockKind::TARGETED.into_iter().map(move |kind| TargetCell {
                priority,
                kind,
                amount: RwSignal::new(String::new()),
                unit: RwSignal::new("hours".to_owned()),
                calendar: RwSignal::new(String::new()),
            })
        })
        .collect();
    let cells = StoredValue::new(cells);
    let calendars = RwSignal::new(Vec::<pb::Calendar>::new());
    let communities = LocalResource::new(|| async {
        api::directory()
            .list_communities(pb::ListCommunitiesRequest {})
            .await
            .map(|r| r.into_inner().communities)
            .unwrap_or_default()
    });
    // Whose targets are edited: the team's (none) or those agreed with one community.
    let scope = RwSignal::new(None::<i64>);
    let community_calendar = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let warn = RwSignal::new(String::new());
    let auto_close_hours = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    // Nothing can be changed before what is in force is shown: an edit made earlier would be
    // overwritten when it arrives.
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        let scope = scope.get();
        if let Some(Ok(levels)) = levels.get() {
            calendars.set(levels.calendars.clone());
            let agreed = scope
                .and_then(|id| levels.communities.iter().find(|c| c.community.as_ref().is_some_and(|c| c.id == id)));
            community_calendar.set(agreed.and_then(|c| c.calendar_id).map(|id| id.to_string()).unwrap_or_default());
            for cell in cells.get_value() {
                let matches = |t: &&pb::Target| {
                    t.priority == i32::from(cell.priority.to_wire()) && t.kind == i32::from(cell.kind.to_wire())
                };
                // A community's agreement where it has one, else what the team promises.
                let value =
                    agreed.and_then(|c| c.targets.iter().find(matches)).or_else(|| levels.targets.iter().find(matches));
                cell.show(value);
            }
            let settings = levels.settings.unwrap_or_default();
            business.set(settings.business_calendar_id.to_string());
            warn.set(settings.warn_percent.to_string());
            let hours = settings.auto_close_minutes / 60;
            auto_close_hours.set(hours.to_string());
            loaded.set(true);
        }
    });
    let locked = move || !admin || !loaded.get();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let targets: Vec<pb::Target> = cells.get_value().iter().map(TargetCell::read).collect();
        let settings = pb::ServiceLevelSettings {
            business_calendar_id: business.get_untracked().parse().unwrap_or(0),
            warn_percent: warn.get_untracked().trim().parse().unwrap_or(0),
            auto_close_minutes: auto_close_hours.get_untracked().trim().parse::<u32>().unwrap_or(0).saturating_mul(60),
        };
        let community_id = scope.get_untracked();
        let calendar_id = community_calendar.get_untracked().parse().ok();
        leptos::task::spawn_local(async move {
            let client = api::service_levels();
            let result = async {
                client.clone().set_targets(pb::SetTargetsRequest { community_id, targets }).await?;
                match community_id {
                    Some(community_id) => client
                        .clone()
                        .set_community_calendar(pb::SetCommunityCalendarRequest { community_id, calendar_id })
                        .await
                        .map(|_| ()),
                    None => client
                        .clone()
                        .set_service_level_settings(pb::SetServiceLevelSettingsRequest { settings: Some(settings) })
                        .await
                        .map(|_| ()),
                }
            }
            .await;
            match result {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: String| Signal::derive(move || error.get().and_then(|e| e.field(&name)));
    view! {
        <section aria-labelledby="targets-heading">
            <h2 id="targets-heading">"Response targets"</h2>
            <p class="hint">"What each priority is promised (seed 003: production down answered within 30 minutes, 24/7; \
                urgent within one business hour; normal by the end of the next business day). The \"How to get support\" page shows these."</p>
            <form class="targets-form" on:submit=save novalidate>
                <label for="targets-scope">"Targets of"</label>
                <select id="targets-scope" on:change=move |ev| { saved.set(false); error.set(None); scope.set(event_target_value(&ev).parse().ok()); }>
                    <option value="">"The team (unless a community has agreed otherwise)"</option>
                    {move || communities.get().unwrap_or_default().into_iter().map(|c| view! {
                        <option value=c.id.to_string()>{format!("Agreed with {}", c.name)}</option>
                    }).collect_view()}
                </select>
                <table class="targets">
                    <thead><tr><th scope="col">"Priority"</th>
                        {ClockKind::TARGETED.iter().map(|k| view! { <th scope="col">{k.label()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {Priority::ALL.iter().enumerate().map(|(p, priority)| view! {
                            <tr>
                                <th scope="row">{priority.label()}</th>
                                {(0..3).map(|k| {
                                    let index = p * 3 + k;
                                    let cell = cells.get_value()[index];
                                    let id = format!("target-{}-{}", priority.as_str(), cell.kind.as_str());
                                    let error_id = format!("{id}-error");
                                    view! {
                                        <td>
                                            <label class="visually-hidden" for=id.clone()>{format!("{} {}", priority.label(), cell.kind.label())}</label>
                                            <input id=id type="number" min="1" class="amount" bind:value=cell.amount disabled=locked
                                                aria-describedby=error_id.clone()
                                                prop:hidden=move || cell.unit.get() == "next_day"/>
                                            <select aria-label="Unit" disabled=locked prop:value=move || cell.unit.get()
                                                on:change=move |ev| cell.unit.set(event_target_value(&ev))>
                                                <option value="minutes">"working minutes"</option>
                                                <option value="hours">"working hours"</option>
                                                <option value="next_day">"end of next working day"</option>
                                            </select>
                                            <select aria-label="Calendar" disabled=locked prop:value=move || cell.calendar.get()
                                                on:change=move |ev| cell.calendar.set(event_target_value(&ev))>
                                                <option value="">"business calendar"</option>
                                                {move || calendars.get().into_iter().map(|c| view! {
                                                    <option value=c.id.to_string()>{c.name}</option>
                                                }).collect_view()}
                                            </select>
                                            <FieldError id=error_id message=field(format!("targets.{index}"))/>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <Show when=move || scope.get().is_some()>
                    <label for="community-calendar">"This community's business calendar"</label>
                    <select id="community-calendar" disabled=locked prop:value=move || community_calendar.get()
                        on:change=move |ev| community_calendar.set(event_target_value(&ev)) aria-describedby="community-calendar-error">
                        <option value="">"The team's"</option>
                        {move || calendars.get().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                    <FieldError id="community-calendar-error" message=field("calendar_id".into())/>
                    {admin.then(|| view! {
                        <button type="button" class="link-button" on:click=move |_| {
                            let Some(community_id) = scope.get_untracked() else { return };
                            leptos::task::spawn_local(async move {
                                let request = pb::SetTargetsRequest { community_id: Some(community_id), targets: vec![] };
                                match api::service_levels().set_targets(request).await {
                                    Ok(_) => { error.set(None); saved.set(true); }
                                    Err(status) => error.set(Some(ApiError::from(status))),
                                }
                            });
                        }>"Drop this agreement: the team's targets apply"</button>
                    })}
                </Show>
                <Show when=move || scope.get().is_none()>
                <label for="business-calendar">"Business calendar (what \"working hours\" means unless a community has its own)"</label>
                <select id="business-calendar" disabled=locked prop:value=move || business.get()
                    on:change=move |ev| business.set(event_target_value(&ev)) aria-describedby="business-calendar-error">
                    {move || calendars.get().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                </select>
                <FieldError id="business-calendar-error" message=field("business_calendar_id".into())/>
                <label for="warn-percent">"Warn the assignee and the stewards on duty when this share of a target has passed (%)"</label>
                <input id="warn-percent" type="number" min="1" max="99" bind:value=warn disabled=locked aria-describedby="warn-percent-error"/>
                <FieldError id="warn-percent-error" message=field("warn_percent".into())/>
                <label for="auto-close">"A resolved ticket closes by itself after this many working hours without an answer (a reminder goes out at half)"</label>
                <input id="auto-close" type="number" min="1" bind:value=auto_close_hours disabled=locked aria-describedby="auto-close-error"/>
                <FieldError id="auto-close-error" message=field("auto_close_minutes".into())/>
                </Show>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                {admin.then(|| view! { <button type="submit" class="secondary">"Save targets"</button> })}
                <Show when=move || saved.get()><span role="status">"Saved; every running clock follows."</span></Show>
            </form>
        </section>
    }
}

/// What Steward did and will do by itself: warnings, breaches, reminders, closings.
#[component]
pub fn Jobs() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let jobs = LocalResource::new(|| async {
        api::service_levels().list_jobs(pb::ListJobsRequest {}).await.map(|r| r.into_inner()).map_err(ApiError::from)
    });
    let row = move |job: pb::Job| {
        let zone = user.zone();
        let clock = ClockKind::from_wire_lossy(job.clock).map_or("", ClockKind::label);
        let when = if job.done_at.is_some() {
            when_at(&job.done_at, zone.as_deref())
        } else {
            when_at(&job.run_at, zone.as_deref())
        };
        let outcome = job
            .outcome
            .clone()
            .or_else(|| job.last_error.clone().map(|e| format!("failed {} time(s): {e}", job.attempts)))
            .unwrap_or_default();
        view! {
            <tr class:failed=job.last_error.is_some()>
                <td>{when}</td>
                <td>{format!("{} ({clock})", job.what)}</td>
                <td><a href=format!("/tickets/{}", job.ticket_number)>{format!("#{}", job.ticket_number)}</a></td>
                <td>{outcome}</td>
            </tr>
        }
    };
    view! {
        <section aria-labelledby="jobs-heading">
            <h2 id="jobs-heading">"Scheduled work"</h2>
            <p class="hint">"What Steward does by itself when a clock says so. Each runs once, however many servers run; one that fails is tried again."</p>
            {move || match jobs.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(jobs)) => view! {
                    <h3>"Coming"</h3>
                    {if jobs.waiting.is_empty() { view! { <p>"Nothing is scheduled."</p> }.into_any() } else {
                        view! { <table class="jobs"><thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Ticket"</th><th scope="col">"Note"</th></tr></thead>
                            <tbody>{jobs.waiting.into_iter().map(row).collect_view()}</tbody></table> }.into_any()
                    }}
                    <h3>"Done"</h3>
                    {if jobs.done.is_empty() { view! { <p>"Nothing yet."</p> }.into_any() } else {
                        view! { <table class="jobs"><thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Ticket"</th><th scope="col">"Outcome"</th></tr></thead>
                            <tbody>{jobs.done.into_iter().map(row).collect_view()}</tbody></table> }.into_any()
                    }}
                }.into_any(),
            }}
        </section>
    }
}
