//! `steward.v1.IntakeService`: the request forms, the priority scale and the support policy
//! (channels and the security route): what the "How to get support" page is built from, so
//! open to anyone; only admins change the policy.

use steward_proto::v1 as pb;
use steward_proto::v1::intake_service_server::IntakeService;
use tonic::{Request, Response, Status};

use super::convert::{priority_to_pb, request_type_to_pb};
use crate::AppState;
use crate::auth::{Principal, caller};
use crate::authz;
use crate::db::models::support_policy::{self, SupportPolicy};
use crate::domain::intake::{FORMS, FieldKind, PRIORITY_SCALE};
use crate::error::{AppError, AppResult};

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

impl IntakeApi {
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
        let mut conn = self.state.pool.get().await?;
        let saved = support_policy::set(&mut conn, &checked).await?;
        tracing::info!(person_id = who.person_id, "support policy changed");
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
    }
}

#[tonic::async_trait]
impl IntakeService for IntakeApi {
    async fn get_intake_forms(
        &self,
        _request: Request<pb::GetIntakeFormsRequest>,
    ) -> Result<Response<pb::GetIntakeFormsResponse>, Status> {
        let forms = FORMS
            .iter()
            .map(|form| pb::IntakeForm {
                request_type: request_type_to_pb(form.request_type) as i32,
                name: form.request_type.label().to_owned(),
                description: form.description.to_owned(),
                fields: form
                    .fields
                    .iter()
                    .map(|f| pb::FormField {
                        key: f.key.to_owned(),
                        label: f.label.to_owned(),
                        help: f.help.to_owned(),
                        required: f.required,
                        kind: field_kind(f.kind) as i32,
                    })
                    .collect(),
                confidential_by_default: form.confidential_by_default,
                allowed_priorities: form.allowed_priorities.iter().map(|p| priority_to_pb(*p) as i32).collect(),
            })
            .collect();
        let priorities = PRIORITY_SCALE
            .iter()
            .map(|level| pb::PriorityLevel {
                priority: priority_to_pb(level.priority) as i32,
                name: level.priority.label().to_owned(),
                scope: level.scope.to_owned(),
                response_time: level.response_time.to_owned(),
            })
            .collect();
        Ok(Response::new(pb::GetIntakeFormsResponse { forms, priorities }))
    }

    async fn get_support_policy(
        &self,
        _request: Request<pb::GetSupportPolicyRequest>,
    ) -> Result<Response<pb::GetSupportPolicyResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
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
