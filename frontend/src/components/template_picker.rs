//! Staff: pick a response template, say what `{CONTEXT}` should be, and get it filled in by the
//! server (from a ticket, or from an incident for its update) into a message box, to edit
//! before sending.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::{self, ApiError};
use crate::components::FieldError;

/// What the filled template is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Filling {
    /// A reply on this ticket: every template.
    Ticket(i64),
    /// An update of this incident: seed 002's incident templates (and the resolution).
    Incident(i64),
}

impl Filling {
    fn offers(self, template: &pb::ResponseTemplate) -> bool {
        match self {
            Filling::Ticket(_) => true,
            Filling::Incident(_) => template.key.starts_with("incident") || template.key == "resolution",
        }
    }

    fn request(self, key: String, context: String) -> pb::FillResponseTemplateRequest {
        let (number, incident_number) = match self {
            Filling::Ticket(number) => (number, 0),
            Filling::Incident(number) => (0, number),
        };
        pb::FillResponseTemplateRequest { number, incident_number, key, context }
    }

    /// The ids of the picker's fields, unique on the page.
    fn id(self) -> &'static str {
        match self {
            Filling::Ticket(_) => "template",
            Filling::Incident(_) => "incident-template",
        }
    }
}

#[component]
pub fn TemplatePicker(
    filling: Filling,
    body: RwSignal<String>,
    legend: &'static str,
    button: &'static str,
) -> impl IntoView {
    let templates = LocalResource::new(move || async move {
        api::triage()
            .list_response_templates(pb::ListResponseTemplatesRequest {})
            .await
            .map(|r| r.into_inner().templates.into_iter().filter(|t| filling.offers(t)).collect::<Vec<_>>())
            .map_err(ApiError::from)
    });
    let key = RwSignal::new(String::new());
    let context = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let fill = move |_| {
        let request = filling.request(key.get_untracked(), context.get_untracked());
        if request.key.is_empty() {
            error.set(Some(ApiError {
                code: tonic::Code::InvalidArgument,
                message: "Choose a template first.".to_owned(),
                fields: vec![("key".to_owned(), "Choose a template first.".to_owned())],
                retry_after_ms: None,
            }));
            return;
        }
        leptos::task::spawn_local(async move {
            match api::triage().fill_response_template(request).await {
                Ok(response) => {
                    body.set(response.into_inner().text);
                    error.set(None);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let id = filling.id();
    let key_error = Signal::derive(move || error.get().and_then(|e| e.field("key")));
    let context_error = Signal::derive(move || error.get().and_then(|e| e.field("context")));
    view! {
        <fieldset class="template-picker">
            <legend>{legend}</legend>
            <label for=id>"Template"</label>
            <select id=id on:change=move |ev| key.set(event_target_value(&ev)) aria-describedby=format!("{id}-error")>
                <option value="" selected=move || key.get().is_empty()>"Choose…"</option>
                {move || match templates.get() {
                    Some(Ok(list)) => list.into_iter().map(|t| view! {
                        <option value=t.key.clone() selected=move || key.get() == t.key>{t.name}</option>
                    }).collect_view().into_any(),
                    _ => ().into_any(),
                }}
            </select>
            <FieldError id=format!("{id}-error") message=key_error/>
            <label for=format!("{id}-context")>"Context (fills {CONTEXT})"</label>
            <textarea id=format!("{id}-context") rows="2" bind:value=context aria-describedby=format!("{id}-context-error")
                aria-invalid=move || context_error.get().is_some().to_string()></textarea>
            <FieldError id=format!("{id}-context-error") message=context_error/>
            {move || match templates.get() {
                Some(Err(e)) => Some(view! { <p role="alert" class="error">{e.message}</p> }),
                _ => None,
            }}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="button" class="secondary" on:click=fill>{button}</button>
        </fieldset>
    }
}
