//! Settings (admins): the support rotation, response targets and business calendars
//! (`service_levels`), the response templates stewards reply with, each community's support
//! budget, how often incident updates are owed, and how to get support (channels, the security
//! route), the support team's encryption keys (`keys`), and the webhooks other systems are told
//! through. Other staff see the budgets; only admins change anything (the server enforces it).

mod keys;
mod on_call;
mod rotation;
mod service_levels;
mod webhooks;

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError, labels};
use crate::components::FieldError;
use crate::state::user::{CurrentUser, is_admin};

#[component]
pub fn SettingsPage() -> impl IntoView {
    crate::components::title::page_title(|| "Settings".to_owned());
    let user = expect_context::<CurrentUser>();
    let admin = user.get().as_ref().is_some_and(is_admin);
    view! {
        <h1>"Settings"</h1>
        {(!admin).then(|| view! { <p class="hint">"Only an admin can change these settings."</p> })}
        <rotation::Rotation admin/>
        <on_call::OnCall admin/>
        <service_levels::Targets admin/>
        <service_levels::Calendars admin/>
        {admin.then(|| view! { <service_levels::Jobs/> })}
        <Budgets admin/>
        <Templates admin/>
        <RequestForms admin/>
        <IncidentCadence admin/>
        <PolicyForm admin/>
        {admin.then(|| view! { <keys::TeamKeys/> })}
        {admin.then(|| view! { <webhooks::Webhooks/> })}
    }
}

/// How often a public incident update is owed, per severity (seed 002: "every few hours").
#[component]
fn IncidentCadence(admin: bool) -> impl IntoView {
    let minutes = [RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new())];
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let show = move |cadence: pb::IncidentCadence| {
        let values = [cadence.production_down_minutes, cadence.urgent_minutes, cadence.normal_minutes];
        for (signal, value) in minutes.iter().zip(values) {
            signal.set(value.to_string());
        }
    };
    leptos::task::spawn_local(async move {
        match api::incidents().get_incident_cadence(pb::GetIncidentCadenceRequest {}).await {
            Ok(response) => show(response.into_inner().cadence.unwrap_or_default()),
            Err(status) => error.set(Some(ApiError::from(status))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A value that is not a number is sent as 0, which the server names as out of range.
        let read = |i: usize| minutes[i].get_untracked().trim().parse::<i32>().unwrap_or(0);
        let cadence =
            pb::IncidentCadence { production_down_minutes: read(0), urgent_minutes: read(1), normal_minutes: read(2) };
        leptos::task::spawn_local(async move {
            match api::incidents().set_incident_cadence(pb::SetIncidentCadenceRequest { cadence: Some(cadence) }).await
            {
                Ok(response) => {
                    show(response.into_inner().cadence.unwrap_or_default());
                    error.set(None);
                    saved.set(true);
                }
                Err(status) => {
                    saved.set(false);
                    error.set(Some(ApiError::from(status)));
                }
            }
        });
    };
    let rows =
        [("production_down_minutes", "Production down"), ("urgent_minutes", "Urgent"), ("normal_minutes", "Normal")];
    view! {
        <section aria-labelledby="cadence-heading">
            <h2 id="cadence-heading">"Incident updates"</h2>
            <p class="hint">"How often a public update is owed while an incident runs, in minutes (5 to 10080, a week). \
                The incident board counts down to the next one."</p>
            <form class="policy-form" on:submit=save novalidate>
                {rows.into_iter().enumerate().map(|(i, (field, label))| {
                    let id = format!("cadence-{field}");
                    let error_id = format!("{id}-error");
                    let message = Signal::derive(move || error.get().and_then(|e| e.field(field)));
                    view! {
                        <label for=id.clone()>{format!("{label}: every … minutes")}</label>
                        <input type="number" min="5" max="10080" id=id bind:value=minutes[i] disabled=!admin
                            aria-describedby=error_id.clone()/>
                        <FieldError id=error_id message/>
                    }
                }).collect_view()}
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                {admin.then(|| view! { <button type="submit" class="secondary">"Save"</button> })}
                <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
            </form>
        </section>
    }
}

#[component]
fn Budgets(admin: bool) -> impl IntoView {
    let budgets = LocalResource::new(|| async {
        let communities = api::directory()
            .list_communities(pb::ListCommunitiesRequest {})
            .await
            .map_err(ApiError::from)?
            .into_inner()
            .communities;
        let mut budgets = Vec::new();
        for community in communities {
            let request = pb::GetBudgetRequest { community_id: community.id };
            let budget = api::triage().get_budget(request).await.map_err(ApiError::from)?.into_inner().budget;
            budgets.extend(budget);
        }
        Ok::<_, ApiError>(budgets)
    });
    view! {
        <section aria-labelledby="budgets-heading">
            <h2 id="budgets-heading">"Support budgets"</h2>
            <p class="hint">"Hours per calendar month or quarter. Time on incidents never draws on a budget."</p>
            {move || match budgets.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="budgets">
                        {list.into_iter().map(|budget| view! { <BudgetRow budget admin/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn BudgetRow(budget: pb::Budget, admin: bool) -> impl IntoView {
    let community = budget.community.clone().unwrap_or_default();
    let current = RwSignal::new(budget);
    let hours = RwSignal::new(current.get_untracked().hours.map(|h| h.to_string()).unwrap_or_default());
    let period = RwSignal::new(current.get_untracked().period);
    let error = RwSignal::new(None::<ApiError>);
    let id = community.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = hours.get_untracked();
        let hours_value = match text.trim() {
            "" => None,
            value => match value.parse::<i32>() {
                Ok(h) => Some(h),
                Err(_) => {
                    let message = "Give a whole number of hours, or leave it empty for no budget.".to_owned();
                    error.set(Some(ApiError {
                        code: tonic::Code::InvalidArgument,
                        message: message.clone(),
                        fields: vec![("hours".to_owned(), message)],
                        retry_after_ms: None,
                    }));
                    return;
                }
            },
        };
        let request = pb::SetBudgetRequest { community_id: id, hours: hours_value, period: period.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::triage().set_budget(request).await {
                Ok(response) => {
                    if let Some(budget) = response.into_inner().budget {
                        current.set(budget);
                    }
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let hours_error = Signal::derive(move || error.get().and_then(|e| e.field("hours")));
    let input_id = format!("budget-hours-{id}");
    let period_id = format!("budget-period-{id}");
    let error_id = format!("budget-hours-error-{id}");
    view! {
        <li>
            <p role="status">{move || labels::budget_line(&current.get())}</p>
            {admin.then(|| view! {
                <form class="budget-form" on:submit=save>
                    <label for=input_id.clone()>{format!("Hours for {}", community.name)}</label>
                    <input type="text" id=input_id.clone() inputmode="numeric" bind:value=hours aria-describedby=error_id.clone()/>
                    <FieldError id=error_id.clone() message=hours_error/>
                    <label for=period_id.clone()>"per"</label>
                    <select id=period_id.clone() on:change=move |ev| period.set(event_target_value(&ev).parse().unwrap_or(1))>
                        <option value=(pb::BudgetPeriod::Month as i32).to_string()
                            selected=move || period.get() != pb::BudgetPeriod::Quarter as i32>"month"</option>
                        <option value=(pb::BudgetPeriod::Quarter as i32).to_string()
                            selected=move || period.get() == pb::BudgetPeriod::Quarter as i32>"quarter"</option>
                    </select>
                    {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    <button type="submit" class="secondary">"Save budget"</button>
                </form>
            })}
        </li>
    }
}

#[component]
fn Templates(admin: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let templates = LocalResource::new(move || {
        reload.track();
        async {
            api::triage()
                .list_response_templates(pb::ListResponseTemplatesRequest {})
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    });
    view! {
        <section aria-labelledby="templates-heading">
            <h2 id="templates-heading">"Response templates"</h2>
            {move || match templates.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(response)) => {
                    let next_position = response.templates.iter().map(|t| t.position).max().unwrap_or(0) + 1;
                    let blank = pb::ResponseTemplate { position: next_position, ..Default::default() };
                    view! {
                        <p class="hint">
                            "Placeholders: "
                            {response.placeholders.iter().map(|p| format!("{{{}}} ({})", p.name, p.description)).collect::<Vec<_>>().join(", ")}
                            ". Write {{ or }} for a brace."
                        </p>
                        {response.templates.into_iter().map(|template| view! { <TemplateForm template admin reload is_new=false/> }).collect_view()}
                        {admin.then(|| view! {
                            <details class="new-template">
                                <summary>"Add a template"</summary>
                                <TemplateForm template=blank admin reload is_new=true/>
                            </details>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn TemplateForm(template: pb::ResponseTemplate, admin: bool, reload: RwSignal<u32>, is_new: bool) -> impl IntoView {
    let key = RwSignal::new(template.key.clone());
    let name = RwSignal::new(template.name.clone());
    let body = RwSignal::new(template.body.clone());
    let position = template.position;
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let template = pb::ResponseTemplate {
            key: key.get_untracked(),
            name: name.get_untracked(),
            body: body.get_untracked(),
            position,
        };
        leptos::task::spawn_local(async move {
            match api::triage()
                .save_response_template(pb::SaveResponseTemplateRequest { template: Some(template) })
                .await
            {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                    if is_new {
                        reload.update(|n| *n += 1);
                    }
                }
                Err(status) => {
                    saved.set(false);
                    error.set(Some(ApiError::from(status)));
                }
            }
        });
    };
    let slug = if is_new { "new".to_owned() } else { template.key.clone() };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let (key_id, name_id, body_id) =
        (format!("template-key-{slug}"), format!("template-name-{slug}"), format!("template-body-{slug}"));
    let body_error_id = format!("{body_id}-error");
    view! {
        <form class="template-form" on:submit=save>
            {is_new.then(|| view! {
                <label for=key_id.clone()>"Key (lower-case letters, digits, - and _)"</label>
                <input type="text" id=key_id.clone() bind:value=key aria-describedby=format!("{key_id}-error")/>
                <FieldError id=format!("{key_id}-error") message=field("template.key")/>
            })}
            <label for=name_id.clone()>"Name"</label>
            <input type="text" id=name_id.clone() bind:value=name disabled=!admin aria-describedby=format!("{name_id}-error")/>
            <FieldError id=format!("{name_id}-error") message=field("template.name")/>
            <label for=body_id.clone()>"Text"</label>
            <textarea id=body_id.clone() rows="8" bind:value=body disabled=!admin aria-describedby=body_error_id.clone()
                aria-invalid=move || field("template.body").get().is_some().to_string()></textarea>
            <FieldError id=body_error_id message=field("template.body")/>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            {admin.then(|| view! { <button type="submit" class="secondary">"Save template"</button> })}
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
    }
}

#[component]
fn PolicyForm(admin: bool) -> impl IntoView {
    let channels = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let instructions = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::intake().get_support_policy(pb::GetSupportPolicyRequest {}).await {
            Ok(response) => {
                let policy = response.into_inner().policy.unwrap_or_default();
                channels.set(policy.channels);
                contact.set(policy.security_contact);
                instructions.set(policy.security_instructions);
            }
            Err(status) => error.set(Some(ApiError::from(status))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let policy = pb::SupportPolicy {
            channels: channels.get_untracked(),
            security_contact: contact.get_untracked(),
            security_instructions: instructions.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::intake().set_support_policy(pb::SetSupportPolicyRequest { policy: Some(policy) }).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(status) => {
                    saved.set(false);
                    error.set(Some(ApiError::from(status)));
                }
            }
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <section aria-labelledby="policy-heading">
            <h2 id="policy-heading">"How to get support"</h2>
            <p class="hint">"Shown on the public " <a href="/support">"How to get support"</a> " and "
                <a href="/security">"security"</a> " pages."</p>
            <form class="policy-form" on:submit=save>
                <label for="policy-channels">"Channels (one per line)"</label>
                <textarea id="policy-channels" rows="3" bind:value=channels disabled=!admin aria-describedby="policy-channels-error"></textarea>
                <FieldError id="policy-channels-error" message=field("policy.channels")/>
                <label for="policy-contact">"Security contact (address or page)"</label>
                <input type="text" id="policy-contact" bind:value=contact disabled=!admin aria-describedby="policy-contact-error"/>
                <FieldError id="policy-contact-error" message=field("policy.security_contact")/>
                <label for="policy-instructions">"Security instructions"</label>
                <textarea id="policy-instructions" rows="4" bind:value=instructions disabled=!admin aria-describedby="policy-instructions-error"></textarea>
                <FieldError id="policy-instructions-error" message=field("policy.security_instructions")/>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                {admin.then(|| view! { <button type="submit" class="secondary">"Save"</button> })}
                <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
            </form>
        </section>
    }
}

const FIELD_KINDS: &[(pb::FieldKind, &str)] = &[
    (pb::FieldKind::Line, "One line"),
    (pb::FieldKind::Text, "Several lines"),
    (pb::FieldKind::Url, "Web address"),
    (pb::FieldKind::Date, "Date"),
    (pb::FieldKind::Email, "E-mail address"),
    (pb::FieldKind::Secret, "Secret (encrypted in the browser)"),
];

/// The request forms: what each type asks. Admins change the questions; the server enforces
/// the form as saved.
#[component]
fn RequestForms(admin: bool) -> impl IntoView {
    let forms = LocalResource::new(|| async { api::intake_forms().await.map(|r| r.forms) });
    view! {
        <section aria-labelledby="forms-heading">
            <h2 id="forms-heading">"Request forms"</h2>
            <p class="hint">"What each type of request asks besides its title and description."</p>
            {move || match forms.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|form| view! { <FormEditor form admin/> }).collect_view().into_any(),
            }}
        </section>
    }
}

#[component]
fn FormEditor(form: pb::IntakeForm, admin: bool) -> impl IntoView {
    let request_type = form.request_type;
    let name = form.name.clone();
    let description = RwSignal::new(form.description.clone());
    let confidential = RwSignal::new(form.confidential_by_default);
    let fields = RwSignal::new(form.fields.clone());
    let customized = RwSignal::new(form.customized);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let show = move |result: Result<pb::IntakeForm, tonic::Status>| match result {
        Ok(form) => {
            description.set(form.description);
            confidential.set(form.confidential_by_default);
            fields.set(form.fields);
            customized.set(form.customized);
            error.set(None);
            saved.set(true);
        }
        Err(status) => {
            saved.set(false);
            error.set(Some(ApiError::from(status)));
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = pb::IntakeForm {
            request_type,
            description: description.get_untracked(),
            confidential_by_default: confidential.get_untracked(),
            fields: fields.get_untracked(),
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            let result = api::intake().save_intake_form(pb::SaveIntakeFormRequest { form: Some(form) }).await;
            show(result.map(|r| r.into_inner().form.unwrap_or_default()));
        });
    };
    let reset = move |_| {
        leptos::task::spawn_local(async move {
            let result = api::intake().reset_intake_form(pb::ResetIntakeFormRequest { request_type }).await;
            show(result.map(|r| r.into_inner().form.unwrap_or_default()));
        });
    };
    let problem = move |name: String| Signal::derive(move || error.get().and_then(|e| e.field(&name)));
    let slug = format!("form-{request_type}");
    view! {
        <details class="form-editor">
            <summary>{name.clone()}{move || customized.get().then_some(" (edited)")}</summary>
            <form on:submit=save>
                <label for=format!("{slug}-description")>"When to use it"</label>
                <textarea id=format!("{slug}-description") rows="2" bind:value=description disabled=!admin
                    aria-describedby=format!("{slug}-description-error")></textarea>
                <FieldError id=format!("{slug}-description-error") message=problem("form.description".to_owned())/>
                <div class="choice">
                    <input type="checkbox" id=format!("{slug}-confidential") prop:checked=move || confidential.get()
                        disabled=!admin on:change=move |ev| confidential.set(event_target_checked(&ev))/>
                    <label for=format!("{slug}-confidential")>"Confidential unless the requester chooses otherwise"</label>
                </div>
                <FieldError id=format!("{slug}-fields-error") message=problem("form.fields".to_owned())/>
                {move || fields.get().into_iter().enumerate().map(|(i, field)| {
                    let id = format!("{slug}-q{i}");
                    // An edit of one question changes the list without re-rendering it (which
                    // would take the focus away); adding and removing questions re-render.
                    let update = move |change: Box<dyn FnOnce(&mut pb::FormField)>| fields.update_untracked(|list| {
                        if let Some(field) = list.get_mut(i) { change(field) }
                    });
                    view! {
                        <fieldset class="question">
                            <legend>{format!("Question {}", i + 1)}</legend>
                            <label for=format!("{id}-label")>"Question"</label>
                            <input type="text" id=format!("{id}-label") prop:value=field.label.clone() disabled=!admin
                                aria-describedby=format!("{id}-label-error")
                                on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |f| f.label = v)) }/>
                            <FieldError id=format!("{id}-label-error") message=problem(format!("form.fields[{i}].label"))/>
                            <label for=format!("{id}-key")>"Key (stored with the answer)"</label>
                            <input type="text" id=format!("{id}-key") prop:value=field.key.clone() disabled=!admin
                                aria-describedby=format!("{id}-key-error")
                                on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |f| f.key = v)) }/>
                            <FieldError id=format!("{id}-key-error") message=problem(format!("form.fields[{i}].key"))/>
                            <label for=format!("{id}-help")>"Help"</label>
                            <input type="text" id=format!("{id}-help") prop:value=field.help.clone() disabled=!admin
                                aria-describedby=format!("{id}-help-error")
                                on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |f| f.help = v)) }/>
                            <FieldError id=format!("{id}-help-error") message=problem(format!("form.fields[{i}].help"))/>
                            <label for=format!("{id}-kind")>"Answer"</label>
                            <select id=format!("{id}-kind") disabled=!admin
                                on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(1); update(Box::new(move |f| f.kind = v)) }>
                                {FIELD_KINDS.iter().map(|(kind, label)| {
                                    let value = *kind as i32;
                                    view! { <option value=value.to_string() selected=field.kind == value>{*label}</option> }
                                }).collect_view()}
                            </select>
                            <div class="choice">
                                <input type="checkbox" id=format!("{id}-required") prop:checked=field.required disabled=!admin
                                    on:change=move |ev| { let v = event_target_checked(&ev); update(Box::new(move |f| f.required = v)) }/>
                                <label for=format!("{id}-required")>"Required"</label>
                            </div>
                            {admin.then(|| view! {
                                <button type="button" class="link-button"
                                    on:click=move |_| fields.update(|list| { if i < list.len() { list.remove(i); } })>"Remove question"</button>
                            })}
                        </fieldset>
                    }
                }).collect_view()}
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                {admin.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| fields.update(|list| list.push(pb::FormField {
                        kind: pb::FieldKind::Line as i32,
                        ..Default::default()
                    }))>"Add a question"</button>
                    " "
                    <button type="submit" class="secondary">"Save form"</button>
                    " "
                    <button type="button" class="link-button" on:click=reset>"Restore the shipped form"</button>
                })}
                <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
            </form>
        </details>
    }
}
