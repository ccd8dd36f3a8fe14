//! `steward.v1.IntakeService`: the request forms and the priority scale.

use steward_proto::v1 as pb;
use steward_proto::v1::intake_service_server::IntakeService;
use tonic::{Request, Response, Status};

use super::convert::{priority_to_pb, request_type_to_pb};
use crate::auth::caller;
use crate::domain::intake::{FORMS, FieldKind, PRIORITY_SCALE};

/// The intake service.
pub struct IntakeApi;

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
        request: Request<pb::GetIntakeFormsRequest>,
    ) -> Result<Response<pb::GetIntakeFormsResponse>, Status> {
        caller(&request)?.signed_in()?;
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
}
