//! Filing a request: the form of the chosen request type (what triage needs for that type), the
//! priority scale with its response times beside it, and public or confidential. The draft is
//! kept in the browser's storage until the request is filed, so nothing typed is ever lost.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use steward_proto::v1 as pb;
use wasm_bindgen::JsValue;

use crate::api::{self, ApiError, labels};
use crate::components::attachments::{FilePicker, Picked, take_pasted};
use crate::components::known_issue::SimilarTickets;
use crate::components::{FieldError, Required};
use crate::crypto;
use crate::state::user::CurrentUser;

/// What the person has typed so far.
#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    community_id: i64,
    request_type: i32,
    priority: i32,
    title: String,
    description: String,
    confidential: bool,
    confidential_touched: bool,
    answers: BTreeMap<String, String>,
    /// Answers to encrypt (secret questions always): typed here, never kept in storage.
    sealed: BTreeMap<String, String>,
    /// Questions the person chose to send encrypted.
    encrypt: BTreeSet<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn set(object: &js_sys::Object, key: &str, value: JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), &value);
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl Draft {
    fn save(&self, key: &str) {
        let object = js_sys::Object::new();
        set(&object, "community_id", JsValue::from_f64(self.community_id as f64));
        set(&object, "request_type", JsValue::from_f64(f64::from(self.request_type)));
        set(&object, "priority", JsValue::from_f64(f64::from(self.priority)));
        set(&object, "title", JsValue::from_str(&self.title));
        set(&object, "description", JsValue::from_str(&self.description));
        set(&object, "confidential", JsValue::from_bool(self.confidential));
        set(&object, "confidential_touched", JsValue::from_bool(self.confidential_touched));
        let answers = js_sys::Object::new();
        for (k, v) in &self.answers {
            set(&answers, k, JsValue::from_str(v));
        }
        set(&object, "answers", answers.into());
        if let (Some(storage), Ok(text)) = (storage(), js_sys::JSON::stringify(&object)) {
            let _ = storage.set_item(key, &String::from(text));
        }
    }

    fn load(key: &str) -> Option<Draft> {
        let text = storage()?.get_item(key).ok()??;
        let value = js_sys::JSON::parse(&text).ok()?;
        let number = |k: &str| get(&value, k).as_f64().unwrap_or_default();
        let text = |k: &str| get(&value, k).as_string().unwrap_or_default();
        let flag = |k: &str| get(&value, k).as_bool().unwrap_or_default();
        let answers_value = get(&value, "answers");
        let mut answers = BTreeMap::new();
        if answers_value.is_object() {
            for key in js_sys::Object::keys(&js_sys::Object::from(answers_value.clone())).iter() {
                if let Some(k) = key.as_string() {
                    answers.insert(k.clone(), get(&answers_value, &k).as_string().unwrap_or_default());
                }
            }
        }
        Some(Draft {
            community_id: number("community_id") as i64,
            request_type: number("request_type") as i32,
            priority: number("priority") as i32,
            title: text("title"),
            description: text("description"),
            confidential: flag("confidential"),
            confidential_touched: flag("confidential_touched"),
            answers,
            sealed: BTreeMap::new(),
            encrypt: BTreeSet::new(),
        })
    }

    fn clear(key: &str) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(key);
        }
    }
}

#[component]
pub fn NewRequestPage() -> impl IntoView {
    crate::components::title::page_title(|| "New request".to_owned());
    let user = expect_context::<CurrentUser>();
    let person = user.get().unwrap_or_default();
    let draft_key = format!("steward.draft.{}", person.id);
    let memberships = person.memberships.clone();
    let mut initial = Draft::load(&draft_key).unwrap_or_default();
    if initial.community_id == 0 && memberships.len() == 1 {
        initial.community_id = memberships[0].community.as_ref().map(|c| c.id).unwrap_or_default();
    }
    let draft = RwSignal::new(initial);
    let saving_key = draft_key.clone();
    Effect::new(move |_| draft.with(|d| d.save(&saving_key)));

    let forms = LocalResource::new(api::intake_forms);
    // The keys a secret answer is encrypted to; none: the team has no key, so no secret
    // question is asked.
    let sealing_keys = LocalResource::new(|| async {
        let request = pb::GetSealingKeysRequest { ticket_number: None, internal: false };
        let keys = api::keys().get_sealing_keys(request).await.map(|r| r.into_inner().keys).unwrap_or_default();
        keys.into_iter().map(|k| k.armored).collect::<Vec<String>>()
    });
    let can_encrypt = move || sealing_keys.get().is_some_and(|keys| !keys.is_empty());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let picked = Picked::default();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if picked.sending_now() {
            error.set(Some(ApiError::local(
                "attachment_ids",
                "Wait until the files have finished uploading, then submit.",
            )));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let draft_key = draft_key.clone();
        let d = draft.get_untracked();
        let keys = sealing_keys.get_untracked().unwrap_or_default();
        let attachment_ids = picked.ids();
        leptos::task::spawn_local(async move {
            let mut answers: std::collections::HashMap<String, String> = d
                .answers
                .clone()
                .into_iter()
                .filter(|(k, v)| !v.trim().is_empty() && !d.sealed.contains_key(k))
                .collect();
            // Encrypted here, before anything is sent; a problem is shown beside its question.
            let mut problems = Vec::new();
            for (key, text) in d.sealed.iter().filter(|(_, v)| !v.trim().is_empty()) {
                // A block encrypted with gpg and pasted is sent as it is.
                if steward_domain::openpgp::sealed_block(text).is_some() {
                    answers.insert(key.clone(), text.clone());
                    continue;
                }
                match crypto::seal_text(&keys, text).await {
                    Ok(block) => {
                        answers.insert(key.clone(), block);
                    }
                    Err(message) => problems.push((format!("answers.{key}"), message)),
                }
            }
            if !problems.is_empty() {
                let message = problems[0].1.clone();
                error.set(Some(ApiError { fields: problems, ..ApiError::local("", &message) }));
                busy.set(false);
                return;
            }
            let request = pb::CreateTicketRequest {
                community_id: d.community_id,
                request_type: d.request_type,
                priority: d.priority,
                title: d.title.clone(),
                description: d.description.clone(),
                confidential: d.confidential,
                answers,
                attachment_ids,
            };
            match api::tickets().create_ticket(request).await {
                Ok(response) => {
                    Draft::clear(&draft_key);
                    error.set(None);
                    if let Some(ticket) = response.into_inner().ticket {
                        navigate(&format!("/tickets/{}", ticket.number), NavigateOptions::default());
                    }
                }
                Err(status) => {
                    error.set(Some(ApiError::from(status)));
                }
            }
            busy.set(false);
        });
    };

    let field = move |name: String| Signal::derive(move || error.get().and_then(|e| e.field(&name)));
    let invalid = move |name: &'static str| move || error.get().and_then(|e| e.field(name)).is_some().to_string();
    let membership_role = {
        let memberships = memberships.clone();
        move || {
            let id = draft.with(|d| d.community_id);
            memberships.iter().find(|m| m.community.as_ref().is_some_and(|c| c.id == id)).map(|m| m.role)
        }
    };
    let needs_approval = move || membership_role() == Some(pb::MembershipRole::Member as i32);

    view! {
        <h1>"New request"</h1>
        <p class="hint">
            "Security vulnerabilities are not reported here, so they stay private until fixed: "
            <a href="/security">"report a security vulnerability"</a>
            " instead."
        </p>
        {move || match forms.get() {
            None => view! { <p class="loading">"Loading the forms…"</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
            Some(Ok(intake)) => {
                let priorities = intake.priorities.clone();
                let forms_for_type = intake.forms.clone();
                let current_form = move || {
                    let kind = draft.with(|d| d.request_type);
                    forms_for_type.iter().find(|f| f.request_type == kind).cloned()
                };
                let current_form_for_fields = current_form.clone();
                let current_form_for_priorities = current_form.clone();
                let priorities_for_radios = priorities.clone();
                view! {
                <div class="new-request">
                <form on:submit=submit.clone() novalidate class="request-form" id="request-form">
                    <p class="help">"Fields marked * are required."</p>
                    <label for="community">"Community"<Required/></label>
                    <select id="community" required aria-invalid=invalid("community_id") aria-describedby="community_id-error"
                        on:change=move |ev| { let id = event_target_value(&ev).parse().unwrap_or_default(); draft.update(|d| d.community_id = id) }>
                        <option value="0" selected=move || draft.with(|d| d.community_id == 0)>"Choose a community"</option>
                        {memberships.iter().filter_map(|m| m.community.clone()).map(|c| view! {
                            <option value=c.id.to_string() selected=move || draft.with(|d| d.community_id == c.id)>{c.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError id="community_id-error" message=field("community_id".into())/>
                    <Show when=needs_approval.clone()>
                        <p class="notice">"You are a member of this community, not a representative: your request will wait for a representative's approval before it reaches the support team."</p>
                    </Show>

                    <fieldset aria-describedby="request_type-error">
                        <legend>"Request type"<Required/></legend>
                        {intake.forms.iter().map(|form| {
                            let kind = form.request_type;
                            let id = format!("type-{kind}");
                            let default_confidential = form.confidential_by_default;
                            view! {
                                <div class="choice">
                                    <input type="radio" name="request_type" id=id.clone() value=kind.to_string()
                                        aria-invalid=invalid("request_type")
                                        prop:checked=move || draft.with(|d| d.request_type == kind)
                                        on:change=move |_| draft.update(|d| {
                                            d.request_type = kind;
                                            if !d.confidential_touched { d.confidential = default_confidential; }
                                        })/>
                                    <label for=id>{form.name.clone()}</label>
                                    <span class="help">{form.description.clone()}</span>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <FieldError id="request_type-error" message=field("request_type".into())/>

                    <label for="title">"Title"<Required/></label>
                    <input id="title" type="text" maxlength="200" required aria-invalid=invalid("title") aria-describedby="title-error"
                        prop:value=move || draft.with(|d| d.title.clone())
                        on:input=move |ev| draft.update(|d| d.title = event_target_value(&ev))/>
                    <FieldError id="title-error" message=field("title".into())/>

                    <label for="description">"Description"<Required/></label>
                    <p class="help" id="description-help">"Markdown works: **bold**, lists, `code`, links."</p>
                    <textarea id="description" rows="5" required aria-invalid=invalid("description") aria-describedby="description-help description-error"
                        prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))
                        on:paste=move |ev| { if take_pasted(picked, &ev) { ev.prevent_default(); } }></textarea>
                    <FieldError id="description-error" message=field("description".into())/>
                    <FilePicker picked id="request-files"/>
                    <FieldError id="request-files-error" message=field("attachment_ids".into())/>
                    <SimilarTickets title=Signal::derive(move || draft.with(|d| d.title.clone()))
                        description=Signal::derive(move || draft.with(|d| d.description.clone()))/>

                    {move || current_form_for_fields().map(|form| form.fields.into_iter()
                        .filter(|f| f.kind != pb::FieldKind::Secret as i32 || can_encrypt())
                        .map(|f| {
                        let key = f.key.clone();
                        let secret = f.kind == pb::FieldKind::Secret as i32;
                        let sealed_key = key.clone();
                        let sealed = move || secret || draft.with(|d| d.encrypt.contains(&sealed_key));
                        let id = format!("answer-{key}");
                        let error_name = format!("answers.{key}");
                        let error_id = format!("answers.{key}-error");
                        let value_key = key.clone();
                        let input_key = key.clone();
                        let value = move || draft.with(|d| d.sealed.get(&value_key).or_else(|| d.answers.get(&value_key)).cloned().unwrap_or_default());
                        let on_input = {
                            let sealed = sealed.clone();
                            move |ev| {
                                let v = event_target_value(&ev);
                                let k = input_key.clone();
                                let to_seal = sealed();
                                draft.update(|d| { if to_seal { d.sealed.insert(k, v); } else { d.answers.insert(k, v); } })
                            }
                        };
                        let toggle_key = key.clone();
                        let toggle_id = format!("encrypt-{key}");
                        let encrypt_toggle = (!secret && can_encrypt()).then(|| {
                            let checked_key = toggle_key.clone();
                            view! {
                                <div class="choice encrypt-answer">
                                    <input type="checkbox" id=toggle_id.clone() prop:checked=move || draft.with(|d| d.encrypt.contains(&checked_key))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let k = toggle_key.clone();
                                            // The text moves with the choice: an encrypted answer is never kept in storage.
                                            draft.update(|d| if on {
                                                d.encrypt.insert(k.clone());
                                                let typed = d.answers.remove(&k).unwrap_or_default();
                                                d.sealed.insert(k, typed);
                                            } else {
                                                d.encrypt.remove(&k);
                                                let typed = d.sealed.remove(&k).unwrap_or_default();
                                                d.answers.insert(k, typed);
                                            })
                                        }/>
                                    <label for=toggle_id.clone()>"Encrypt this answer"</label>
                                </div>
                            }
                        });
                        let has_error = { let n = error_name.clone(); move || error.get().and_then(|e| e.field(&n)).is_some().to_string() };
                        let control = match pb::FieldKind::try_from(f.kind) {
                            Ok(pb::FieldKind::Secret) => view! {
                                <textarea id=id.clone() rows="3" class="secret" autocomplete="off" spellcheck="false" aria-invalid=has_error
                                    aria-describedby=format!("{error_id} {id}-sealed") prop:value=value on:input=on_input></textarea>
                                <p class="help sealed-note" id=format!("{id}-sealed")>"Encrypted in your browser for the support team before it is sent; Steward never sees it and does not keep a draft of it."</p>
                            }.into_any(),
                            Ok(pb::FieldKind::Text) => view! {
                                <textarea id=id.clone() rows="3" aria-invalid=has_error aria-describedby=error_id.clone()
                                    prop:value=value on:input=on_input></textarea>
                            }.into_any(),
                            Ok(kind) => {
                                let input_type = match kind { pb::FieldKind::Url => "url", pb::FieldKind::Date => "date", pb::FieldKind::Email => "email", _ => "text" };
                                view! {
                                    <input id=id.clone() type=input_type aria-invalid=has_error aria-describedby=error_id.clone()
                                        prop:value=value on:input=on_input/>
                                }.into_any()
                            }
                            Err(_) => view! { <input id=id.clone() type="text" prop:value=value on:input=on_input/> }.into_any(),
                        };
                        view! {
                            <label for=id.clone()>{f.label.clone()}{f.required.then(|| view! { <Required/> })}</label>
                            {(!f.help.is_empty()).then(|| view! { <p class="help">{f.help.clone()}</p> })}
                            {control}
                            {encrypt_toggle}
                            <FieldError id=error_id.clone() message=field(error_name.clone())/>
                        }
                    }).collect_view())}

                    <fieldset aria-describedby="priority-error">
                        <legend>"Priority"<Required/></legend>
                        {move || {
                            let allowed = current_form_for_priorities().map(|f| f.allowed_priorities).unwrap_or_default();
                            priorities_for_radios.iter().filter(|p| allowed.contains(&p.priority)).map(|p| {
                                let value = p.priority;
                                let id = format!("priority-{value}");
                                view! {
                                    <div class="choice">
                                        <input type="radio" name="priority" id=id.clone()
                                            aria-invalid=invalid("priority")
                                            prop:checked=move || draft.with(|d| d.priority == value)
                                            on:change=move |_| draft.update(|d| d.priority = value)/>
                                        <label for=id>{p.name.clone()}</label>
                                        <span class="help">{p.response_time.clone()}</span>
                                    </div>
                                }
                            }).collect_view()
                        }}
                        {move || current_form.clone()().is_none().then(|| view! { <p class="help">"Choose a request type first."</p> })}
                    </fieldset>
                    <FieldError id="priority-error" message=field("priority".into())/>

                    <div class="choice">
                        <input type="checkbox" id="confidential" aria-describedby="confidential-means"
                            prop:checked=move || draft.with(|d| d.confidential)
                            on:change=move |ev| { let checked = event_target_checked(&ev); draft.update(|d| { d.confidential = checked; d.confidential_touched = true; }) }/>
                        <label for="confidential">"Confidential"</label>
                    </div>
                    <p class="help" id="confidential-means">{move || labels::confidentiality_means(draft.with(|d| d.confidential))}</p>

                    {move || error.get().map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                    <button type="submit" disabled=move || busy.get()>"Submit request"</button>
                </form>
                <aside class="priority-scale" aria-labelledby="priority-scale-heading">
                    <h2 id="priority-scale-heading">"Priority and response times"</h2>
                    <dl>
                        {priorities.into_iter().map(|p| view! {
                            <dt>{p.name}</dt>
                            <dd>{p.scope}" "<strong>{p.response_time}</strong></dd>
                        }).collect_view()}
                    </dl>
                </aside>
                </div>
                }.into_any()
            }
        }}
    }
}
