//! The blameless report of an incident, `/incidents/N/report` (seed 003): staff write it (the
//! owner, the moments of the impact, the sections in Markdown, the action items) and move it
//! Draft -> In review -> Published; the affected communities read it once it is published.
//! What is typed stays in the form when a save is refused.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use steward_domain::incident::ReportState;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, error_reason, labels, local_time};
use crate::components::markdown::Markdown;
use crate::components::{ErrorNote, FieldError, Required};
use crate::state::user::{CurrentUser, is_staff};

/// The sections, in the order the report shows them: (field, heading).
const SECTIONS: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("timeline", "Timeline"),
    ("contributing_factors", "Contributing factors"),
    ("went_well", "What went well"),
    ("went_poorly", "What went poorly"),
];

fn section(sections: &pb::IncidentReportSections, field: &str) -> String {
    match field {
        "summary" => sections.summary.clone(),
        "impact" => sections.impact.clone(),
        "timeline" => sections.timeline.clone(),
        "contributing_factors" => sections.contributing_factors.clone(),
        "went_well" => sections.went_well.clone(),
        _ => sections.went_poorly.clone(),
    }
}

fn set_section(sections: &mut pb::IncidentReportSections, field: &str, text: String) {
    match field {
        "summary" => sections.summary = text,
        "impact" => sections.impact = text,
        "timeline" => sections.timeline = text,
        "contributing_factors" => sections.contributing_factors = text,
        "went_well" => sections.went_well = text,
        _ => sections.went_poorly = text,
    }
}

/// A moment as a `datetime-local` input shows it, in the browser's time zone.
fn to_input(at: &Option<prost_types::Timestamp>) -> String {
    let Some(at) = at else { return String::new() };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.seconds as f64 * 1000.0));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// What a `datetime-local` input holds, as a moment; `None` when empty. A value the browser
/// cannot read is sent as the epoch, which the server refuses by field.
pub(super) fn from_input(value: &str) -> Option<prost_types::Timestamp> {
    if value.trim().is_empty() {
        return None;
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    let seconds = if millis.is_nan() { 0 } else { (millis / 1000.0) as i64 };
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

#[component]
pub fn IncidentReportPage() -> impl IntoView {
    let params = use_params_map();
    let number = params.with_untracked(|p| p.get("number").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
    crate::components::title::page_title(move || format!("Report on incident #{number}"));
    let user = expect_context::<CurrentUser>();
    let staff = user.0.get_untracked().as_ref().is_some_and(is_staff);
    let report = RwSignal::new(None::<Result<pb::IncidentReport, ApiError>>);
    leptos::task::spawn_local(async move {
        let answer = api::read(move || async move {
            api::incidents().get_incident_report(pb::GetIncidentReportRequest { number }).await
        })
        .await
        .map(|r| r.report.unwrap_or_default());
        report.try_set(Some(answer));
    });
    view! {
        <p><a href=format!("/incidents/{number}")>{format!("← Incident {number}")}</a></p>
        {move || match report.get() {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(error)) if error.is_not_found() => view! {
                <h1>"No report yet"</h1>
                <p>"The report starts when the incident is resolved, and the affected communities can read it once it is published."</p>
            }.into_any(),
            Some(Err(error)) => view! { <p role="alert" class="error">{error.message}</p> }.into_any(),
            Some(Ok(loaded)) => {
                let editable = staff && ReportState::from_wire_lossy(loaded.state) != Some(ReportState::Published);
                if editable {
                    view! { <ReportEditor number initial=loaded report/> }.into_any()
                } else {
                    view! { <ReportView loaded staff/> }.into_any()
                }
            }
        }}
    }
}

fn heading(r: &pb::IncidentReport) -> impl IntoView + use<> {
    let due = if r.overdue {
        view! { <span class="badge overdue">{format!("Overdue since {}", local_time(&r.due_at))}</span> }.into_any()
    } else {
        view! { <span class="badge">{format!("Due {}", local_time(&r.due_at))}</span> }.into_any()
    };
    view! {
        <h1>{format!("Incident {} report", r.incident_number)}</h1>
        <p class="badges">
            <span class="badge state">{labels::report_state(r.state)}</span>
            {(r.published_at.is_none()).then_some(due)}
        </p>
        <dl class="facts">
            <dt>"Owner"</dt><dd>{r.owner.as_ref().map(|p| p.display_name.clone()).unwrap_or_default()}</dd>
            <dt>"Started"</dt><dd>{local_time(&r.started_at)}</dd>
            <dt>"Detected"</dt><dd>{local_time(&r.detected_at)}</dd>
            <dt>"Mitigated"</dt><dd>{local_time(&r.mitigated_at)}</dd>
            <dt>"Resolved"</dt><dd>{local_time(&r.resolved_at)}</dd>
            <dt>"Duration"</dt><dd>{labels::duration(r.duration_minutes)}</dd>
        </dl>
    }
}

/// The report as read: published for the communities, or by staff once it is final.
#[component]
fn ReportView(loaded: pb::IncidentReport, staff: bool) -> impl IntoView {
    let html = loaded.sections_html.clone().unwrap_or_default();
    let items = loaded.action_items.clone();
    view! {
        <article class="report">
            {heading(&loaded)}
            {SECTIONS.iter().map(|(field, title)| view! {
                <section><h2>{*title}</h2><Markdown html=section(&html, field)/></section>
            }).collect_view()}
            <section>
                <h2>"Action items"</h2>
                <ActionItems number=loaded.incident_number items staff=staff editable=false />
            </section>
        </article>
    }
}

#[component]
fn ReportEditor(
    number: i64,
    initial: pb::IncidentReport,
    report: RwSignal<Option<Result<pb::IncidentReport, ApiError>>>,
) -> impl IntoView {
    let sections = RwSignal::new(initial.sections.clone().unwrap_or_default());
    let owner = RwSignal::new(initial.owner.as_ref().map_or(0, |p| p.id));
    let started = RwSignal::new(to_input(&initial.started_at));
    let detected = RwSignal::new(to_input(&initial.detected_at));
    let mitigated = RwSignal::new(to_input(&initial.mitigated_at));
    let version = RwSignal::new(initial.version);
    let state = RwSignal::new(initial.state);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(None::<String>);
    let staff = LocalResource::new(|| async {
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let answered = move |result: Result<tonic::Response<pb::IncidentReport>, tonic::Status>, done: &str| match result {
        Ok(response) => {
            let fresh = response.into_inner();
            version.set(fresh.version);
            state.set(fresh.state);
            error.set(None);
            saved.set(Some(done.to_owned()));
            if ReportState::from_wire_lossy(fresh.state) == Some(ReportState::Published) {
                report.set(Some(Ok(fresh)));
            }
        }
        Err(status) => {
            let stale = error_reason(&status).as_deref() == Some("STALE_VERSION");
            let mut error_now = ApiError::from(status);
            if stale {
                error_now.message = format!(
                    "{} Someone else saved the report meanwhile; copy what you wrote, then reload the page.",
                    error_now.message
                );
            }
            saved.set(None);
            error.set(Some(error_now));
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::SaveIncidentReportRequest {
            number,
            expected_version: version.get_untracked(),
            owner_id: owner.get_untracked(),
            sections: Some(sections.get_untracked()),
            started_at: from_input(&started.get_untracked()),
            detected_at: from_input(&detected.get_untracked()),
            mitigated_at: from_input(&mitigated.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            let result = api::incidents().save_incident_report(request).await;
            answered(result.map(|r| r.map(|r| r.report.unwrap_or_default())), "Saved.");
        });
    };
    let move_to = move |to: ReportState| {
        let request = pb::MoveIncidentReportRequest {
            number,
            expected_version: version.get_untracked(),
            state: to.to_wire() as i32,
        };
        leptos::task::spawn_local(async move {
            let result = api::incidents().move_incident_report(request).await;
            answered(
                result.map(|r| r.map(|r| r.report.unwrap_or_default())),
                &format!("Now {}.", to.label().to_lowercase()),
            );
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let items = initial.action_items.clone();
    view! {
        <article class="report">
            {heading(&initial)}
            <form class="report-editor" on:submit=save novalidate>
                <label for="report-owner">"Owner" <Required/></label>
                <select id="report-owner" aria-describedby="report-owner-error"
                    on:change=move |ev| owner.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || staff.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id selected=move || owner.get() == p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
                <FieldError id="report-owner-error" message=field("owner_id")/>
                <div class="moments">
                    <label for="report-started">"Impact started"</label>
                    <input id="report-started" type="datetime-local" bind:value=started aria-describedby="report-started-error"/>
                    <FieldError id="report-started-error" message=field("started_at")/>
                    <label for="report-detected">"Detected"</label>
                    <input id="report-detected" type="datetime-local" bind:value=detected aria-describedby="report-detected-error"/>
                    <FieldError id="report-detected-error" message=field("detected_at")/>
                    <label for="report-mitigated">"Mitigated"</label>
                    <input id="report-mitigated" type="datetime-local" bind:value=mitigated aria-describedby="report-mitigated-error"/>
                    <FieldError id="report-mitigated-error" message=field("mitigated_at")/>
                </div>
                {SECTIONS.iter().map(|&(name, title)| {
                    let id = format!("report-{name}");
                    let error_id = format!("{id}-error");
                    view! {
                        <label for=id.clone()>{title}" (Markdown)"</label>
                        <textarea id=id rows="5" aria-describedby=error_id.clone()
                            prop:value=move || sections.with(|s| section(s, name))
                            on:input=move |ev| sections.update(|s| set_section(s, name, event_target_value(&ev)))></textarea>
                        <FieldError id=error_id message=field(name)/>
                    }
                }).collect_view()}
                <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                {move || saved.get().map(|text| view! { <p role="status">{text}</p> })}
                <div class="actions">
                    <button type="submit">"Save"</button>
                    {move || match ReportState::from_wire_lossy(state.get()) {
                        Some(ReportState::Draft) => view! {
                            <button type="button" class="secondary" on:click=move |_| move_to(ReportState::InReview)>"Send for review"</button>
                        }.into_any(),
                        Some(ReportState::InReview) => view! {
                            <button type="button" on:click=move |_| move_to(ReportState::Published)>"Publish"</button>
                            <button type="button" class="secondary" on:click=move |_| move_to(ReportState::Draft)>"Back to draft"</button>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </form>
            <section>
                <h2>"Action items"</h2>
                <ActionItems number items staff=true editable=true />
            </section>
        </article>
    }
}

/// The action items: staff mark them done (or not) at any time and add them until the report
/// is published.
#[component]
fn ActionItems(number: i64, items: Vec<pb::IncidentActionItem>, staff: bool, editable: bool) -> impl IntoView {
    let items = RwSignal::new(items);
    let error = RwSignal::new(None::<ApiError>);
    let title = RwSignal::new(String::new());
    let owner = RwSignal::new(0i64);
    let due_on = RwSignal::new(String::new());
    let issue_url = RwSignal::new(String::new());
    let people = LocalResource::new(move || async move {
        if !editable {
            return None;
        }
        api::directory().list_staff(pb::ListStaffRequest {}).await.map(|r| r.into_inner().staff).ok()
    });
    let set_done = move |id: i64, done: bool| {
        let request = pb::SetActionItemDoneRequest { number, action_item_id: id, done };
        leptos::task::spawn_local(async move {
            match api::incidents().set_action_item_done(request).await {
                Ok(response) => {
                    items.set(response.into_inner().report.unwrap_or_default().action_items);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = pb::AddActionItemRequest {
            number,
            title: title.get_untracked(),
            owner_id: owner.get_untracked(),
            due_on: due_on.get_untracked(),
            issue_url: issue_url.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::incidents().add_action_item(request).await {
                Ok(response) => {
                    items.set(response.into_inner().report.unwrap_or_default().action_items);
                    title.set(String::new());
                    issue_url.set(String::new());
                    due_on.set(String::new());
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        {move || {
            let list = items.get();
            if list.is_empty() {
                return view! { <p class="empty">"No action items yet."</p> }.into_any();
            }
            view! {
                <ul class="action-items">
                    {list.into_iter().map(|item| {
                        let id = item.id;
                        view! {
                            <li class:done=item.done>
                                {if staff {
                                    view! { <input type="checkbox" id=format!("item-{id}") prop:checked=item.done
                                        on:change=move |ev| set_done(id, event_target_checked(&ev))/> }.into_any()
                                } else {
                                    view! { <span>{if item.done { "Done: " } else { "To do: " }}</span> }.into_any()
                                }}
                                <label for=format!("item-{id}")>{item.title.clone()}</label>
                                {item.owner.as_ref().map(|p| view! { <span class="owner">{format!(" — {}", p.display_name)}</span> })}
                                {(!item.due_on.is_empty()).then(|| view! { <span class="due">{format!(", due {}", item.due_on)}</span> })}
                                {(!item.issue_url.is_empty()).then(|| view! {
                                    " " <a href=item.issue_url.clone() rel="noopener noreferrer">"Issue"</a>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {editable.then(|| view! {
            <form class="action-item" on:submit=add novalidate>
                <label for="item-title">"New action item" <Required/></label>
                <input id="item-title" bind:value=title aria-describedby="item-title-error"/>
                <FieldError id="item-title-error" message=field("title")/>
                <label for="item-owner">"Owner"</label>
                <select id="item-owner" aria-describedby="item-owner-error"
                    on:change=move |ev| owner.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">"Nobody yet"</option>
                    {move || people.get().flatten().unwrap_or_default().into_iter().map(|p| view! {
                        <option value=p.id>{p.display_name}</option>
                    }).collect_view()}
                </select>
                <FieldError id="item-owner-error" message=field("owner_id")/>
                <label for="item-due">"Due"</label>
                <input id="item-due" type="date" bind:value=due_on aria-describedby="item-due-error"/>
                <FieldError id="item-due-error" message=field("due_on")/>
                <label for="item-issue">"Engineering issue (link)"</label>
                <input id="item-issue" type="url" bind:value=issue_url aria-describedby="item-issue-error"/>
                <FieldError id="item-issue-error" message=field("issue_url")/>
                <ErrorNote message=Signal::derive(move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message))/>
                <button type="submit" class="secondary">"Add action item"</button>
            </form>
        })}
    }
}
