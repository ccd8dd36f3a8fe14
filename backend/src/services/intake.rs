//! `steward.v1.IntakeService`: the request forms, the priority scale and the support policy
//! (channels and the security route): what the "How to get support" page is built from, so
//! open to anyone; only admins change the policy.

use steward_proto::v1 as pb;
use steward_proto::v1::intake_service_server::IntakeService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::{priority_to_pb, request_type_from_pb, request_type_to_pb};
use crate::db::models::forms;
use crate::db::models::support_policy::{self, SupportPolicy};
use crate::error::{AppError, AppResult};
use crate::usecases;
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_domain::intake::{self, FieldKind, FieldSpec, FormSpec, PRIORITY_SCALE};
use steward_domain::sla::{self, ClockKind};

/// The intake service.
pub struct IntakeApi {
    pub state: AppState,
}

fn encode_policy(policy: SupportPolicy) -> pb::SupportPolicy {
    pb::SupportPolicy {
        channels: policy.channels,
        security_contact: policy.security_contact,
        security_instructions: policy.security_instructions,
    }
}

/// `text` trimmed, or InvalidArgument naming `field` when it is longer than `max` characters.
fn bounded(field: &str, text: &str, max: usize) -> AppResult<String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(field, format!("Keep this under {max} characters.")));
    }
    Ok(text.to_owned())
}

fn encode_form(form: &FormSpec) -> pb::IntakeForm {
    pb::IntakeForm {
        request_type: request_type_to_pb(form.request_type) as i32,
        name: form.request_type.label().to_owned(),
        description: form.description.clone(),
        fields: form
            .fields
            .iter()
            .map(|f| pb::FormField {
                key: f.key.clone(),
                label: f.label.clone(),
                help: f.help.clone(),
                required: f.required,
                kind: field_kind(f.kind) as i32,
            })
            .collect(),
        confidential_by_default: form.confidential_by_default,
        allowed_priorities: form.allowed_priorities.iter().map(|p| priority_to_pb(*p) as i32).collect(),
        customized: form.customized,
    }
}

fn field_kind_from_pb(value: i32, field: &str) -> AppResult<FieldKind> {
    match pb::FieldKind::try_from(value) {
        Ok(pb::FieldKind::Line) => Ok(FieldKind::Line),
        Ok(pb::FieldKind::Text) => Ok(FieldKind::Text),
        Ok(pb::FieldKind::Url) => Ok(FieldKind::Url),
        Ok(pb::FieldKind::Date) => Ok(FieldKind::Date),
        Ok(pb::FieldKind::Email) => Ok(FieldKind::Email),
        Ok(pb::FieldKind::Secret) => Ok(FieldKind::Secret),
        Ok(pb::FieldKind::Unspecified) | Err(_) => Err(AppError::invalid(
            field,
            "Choose how it is answered: a line, text, a web address, a date, an e-mail or a secret.",
        )),
    }
}

impl IntakeApi {
    async fn save_form(&self, who: &Principal, form: Option<pb::IntakeForm>) -> AppResult<pb::IntakeForm> {
        if !authz::can_configure(who) {
            return Err(AppError::PermissionDenied("Only an admin can change the request forms."));
        }
        let form = form.ok_or_else(|| AppError::invalid("form", "Send the form."))?;
        let request_type = request_type_from_pb(form.request_type, "form.request_type")?
            .ok_or_else(|| AppError::invalid("form.request_type", "Say which request type's form this is."))?;
        let mut fields = Vec::new();
        for (i, field) in form.fields.into_iter().enumerate() {
            fields.push(FieldSpec {
                kind: field_kind_from_pb(field.kind, &format!("form.fields[{i}].kind"))?,
                key: field.key,
                label: field.label,
                help: field.help,
                required: field.required,
            });
        }
        let edited = intake::edited_form(request_type, &form.description, form.confidential_by_default, fields)?;
        usecases::configuration::save_form(&self.state.core, who, &edited).await?;
        Ok(encode_form(&edited))
    }

    async fn reset_form(&self, who: &Principal, request_type: i32) -> AppResult<pb::IntakeForm> {
        if !authz::can_configure(who) {
            return Err(AppError::PermissionDenied("Only an admin can change the request forms."));
        }
        let request_type = request_type_from_pb(request_type, "request_type")?
            .ok_or_else(|| AppError::invalid("request_type", "Say which request type's form to restore."))?;
        usecases::configuration::reset_form(&self.state.core, who, request_type).await?;
        Ok(encode_form(&intake::form_for(request_type).spec()))
    }

    async fn set_policy(&self, who: &Principal, policy: Option<pb::SupportPolicy>) -> AppResult<pb::SupportPolicy> {
        if !authz::can_configure(who) {
            return Err(AppError::PermissionDenied("Only an admin can change how to get support."));
        }
        let policy = policy.ok_or_else(|| AppError::invalid("policy", "Send the policy."))?;
        let checked = SupportPolicy {
            channels: bounded("policy.channels", &policy.channels, 5_000)?,
            security_contact: bounded("policy.security_contact", &policy.security_contact, 500)?,
            security_instructions: bounded("policy.security_instructions", &policy.security_instructions, 10_000)?,
        };
        let saved = usecases::configuration::set_policy(&self.state.core, who, &checked).await?;
        Ok(encode_policy(saved))
    }
}

fn field_kind(kind: FieldKind) -> pb::FieldKind {
    match kind {
        FieldKind::Line => pb::FieldKind::Line,
        FieldKind::Text => pb::FieldKind::Text,
        FieldKind::Url => pb::FieldKind::Url,
        FieldKind::Date => pb::FieldKind::Date,
        FieldKind::Email => pb::FieldKind::Email,
        FieldKind::Secret => pb::FieldKind::Secret,
    }
}

#[tonic::async_trait]
impl IntakeService for IntakeApi {
    async fn get_intake_forms(
        &self,
        _request: Request<pb::GetIntakeFormsRequest>,
    ) -> Result<Response<pb::GetIntakeFormsResponse>, Status> {
        let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let forms = forms::all(&mut conn).await?.iter().map(encode_form).collect();
        // What each priority is promised, as configured now (not fixed text).
        let policy = usecases::service_levels::Policy::current(&conn).await?;
        let priorities = PRIORITY_SCALE
            .iter()
            .map(|level| {
                let goal =
                    |kind| policy.team_goal(level.priority, kind).map(|goal| (goal.target, goal.calendar.is_always()));
                pb::PriorityLevel {
                    priority: priority_to_pb(level.priority) as i32,
                    name: level.priority.label().to_owned(),
                    scope: level.scope.to_owned(),
                    response_time: sla::promise_words(
                        goal(ClockKind::FirstResponse),
                        goal(ClockKind::NextUpdate),
                        goal(ClockKind::Resolution),
                    ),
                }
            })
            .collect();
        Ok(Response::new(pb::GetIntakeFormsResponse { forms, priorities }))
    }

    async fn save_intake_form(
        &self,
        request: Request<pb::SaveIntakeFormRequest>,
    ) -> Result<Response<pb::SaveIntakeFormResponse>, Status> {
        let caller = caller(&request)?;
        let form = self.save_form(caller.signed_in()?, request.into_inner().form).await?;
        Ok(Response::new(pb::SaveIntakeFormResponse { form: Some(form) }))
    }

    async fn reset_intake_form(
        &self,
        request: Request<pb::ResetIntakeFormRequest>,
    ) -> Result<Response<pb::ResetIntakeFormResponse>, Status> {
        let caller = caller(&request)?;
        let form = self.reset_form(caller.signed_in()?, request.get_ref().request_type).await?;
        Ok(Response::new(pb::ResetIntakeFormResponse { form: Some(form) }))
    }

    async fn get_support_policy(
        &self,
        _request: Request<pb::GetSupportPolicyRequest>,
    ) -> Result<Response<pb::GetSupportPolicyResponse>, Status> {
        let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let policy = support_policy::get(&mut conn).await?;
        Ok(Response::new(pb::GetSupportPolicyResponse { policy: Some(encode_policy(policy)) }))
    }

    async fn set_support_policy(
        &self,
        request: Request<pb::SetSupportPolicyRequest>,
    ) -> Result<Response<pb::SetSupportPolicyResponse>, Status> {
        let caller = caller(&request)?;
        let policy = self.set_policy(caller.signed_in()?, request.into_inner().policy).await?;
        Ok(Response::new(pb::SetSupportPolicyResponse { policy: Some(policy) }))
    }
}
