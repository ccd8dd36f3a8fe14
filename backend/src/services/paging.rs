//! `steward.v1.PagingService`: who is on call (the support team reads it, admins change it), the
//! pages of a ticket or an incident, and acknowledging one, signed in or by a page's link.

use std::collections::HashMap;

use steward_domain::calendar::{clock_time, parse_clock_time};
use steward_domain::intake::FieldError;
use steward_domain::paging::{OnCall, OnCallRotation};
use steward_proto::domain::{WireEnum, iso_day};
use steward_proto::v1 as pb;
use steward_proto::v1::paging_service_server::PagingService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::{person_ref, person_ref_or_unknown, timestamp, timestamp_from_pb};
use crate::db::models::About;
use crate::db::models::paging::StoredCover;
use crate::db::models::people::Person;
use crate::error::AppError;
use crate::usecases;
use crate::usecases::paging::{Acknowledger, PageView};

/// The paging service.
pub struct PagingApi {
    pub state: AppState,
}

fn encode_cover(stored: &StoredCover, people: &HashMap<i64, Person>) -> pb::OnCallCover {
    pb::OnCallCover {
        id: stored.id,
        starts_at: Some(timestamp(stored.cover.starts_at)),
        ends_at: Some(timestamp(stored.cover.ends_at)),
        person: Some(person_ref_or_unknown(stored.cover.person_id, people)),
        note: stored.note.clone(),
    }
}

/// A page as the API carries it (its deliveries only where the view has them).
fn encode_page(view: &PageView) -> pb::Page {
    let page = &view.page;
    pb::Page {
        id: page.id,
        summary: page.summary.clone(),
        ticket_number: page.about.ticket(),
        incident_number: page.about.incident(),
        triggered_at: Some(timestamp(page.triggered_at)),
        level: page.level,
        escalates_at: page.escalates_at.map(timestamp),
        acknowledged_at: page.acknowledged_at.map(timestamp),
        acknowledged_by: view.acknowledged_by.as_ref().map(person_ref),
        ended_at: page.ended_at.map(timestamp),
        ended_because: page.ended_because.map_or(0, |because| because.to_wire().into()),
        recipients: view
            .recipients
            .iter()
            .map(|(recipient, person, mail)| pb::PageRecipient {
                person: Some(person_ref(person)),
                level: recipient.level,
                paged_at: Some(timestamp(recipient.paged_at)),
                email_sent_at: mail.as_ref().and_then(|m| m.sent_at).map(timestamp),
                email_error: mail.as_ref().and_then(|m| m.last_error.clone()),
            })
            .collect(),
        deliveries: view
            .deliveries
            .iter()
            .map(|(delivery, webhook)| pb::PageDelivery {
                event: delivery.event.clone(),
                endpoint: webhook.url.clone(),
                pagerduty: webhook.format() == steward_domain::webhooks::WebhookFormat::PagerDuty,
                attempts: delivery.attempts,
                last_status: delivery.last_status,
                last_error: delivery.last_error.clone(),
                delivered_at: delivery.delivered_at.map(timestamp),
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl PagingService for PagingApi {
    async fn get_on_call(
        &self,
        request: Request<pb::GetOnCallRequest>,
    ) -> Result<Response<pb::GetOnCallResponse>, Status> {
        let caller = caller(&request)?;
        let view = usecases::paging::on_call(&self.state.core, caller.signed_in()?).await?;
        let person = |id: i64| person_ref_or_unknown(id, &view.people);
        let rotation = &view.rotation;
        let settings = pb::OnCallSettings {
            own_rotation: matches!(view.settings.on_call, OnCall::Own(_)),
            member_ids: rotation.members.clone(),
            starts_on: rotation.starts_on.to_string(),
            handoff: clock_time(rotation.handoff_minute),
            zone: rotation.zone.clone(),
            shift_days: u32::from(rotation.shift_days),
            escalate_after_minutes: u32::from(view.settings.escalate_after_minutes),
        };
        Ok(Response::new(pb::GetOnCallResponse {
            settings: Some(settings),
            members: rotation.members.iter().map(|id| person(*id)).collect(),
            levels: view
                .levels
                .0
                .iter()
                .enumerate()
                .map(|(index, people)| pb::PageLevel {
                    level: index as u32 + 1,
                    people: people.iter().map(|id| person(*id)).collect(),
                })
                .collect(),
            shifts: view
                .shifts
                .iter()
                .map(|shift| pb::OnCallShift {
                    starts_at: Some(timestamp(shift.starts_at)),
                    ends_at: Some(timestamp(shift.ends_at)),
                    person: Some(person(shift.person_id)),
                })
                .collect(),
            covers: view.covers.iter().map(|c| encode_cover(c, &view.people)).collect(),
        }))
    }

    async fn set_on_call(
        &self,
        request: Request<pb::SetOnCallRequest>,
    ) -> Result<Response<pb::SetOnCallResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let settings = request.get_ref().settings.clone().unwrap_or_default();
        // Decoding problems first; the domain names the rest, all in one answer.
        let mut problems = Vec::new();
        let starts_on = iso_day(settings.starts_on.trim());
        if starts_on.is_none() {
            problems.push(FieldError::new("starts_on", "Give the first shift's day as YYYY-MM-DD."));
        }
        let handoff = parse_clock_time(&settings.handoff).filter(|m| *m < 24 * 60);
        if handoff.is_none() {
            problems.push(FieldError::new("handoff", "Give the handover time as HH:MM, such as 09:00."));
        }
        let rotation = OnCallRotation {
            members: settings.member_ids.clone(),
            starts_on: starts_on.unwrap_or_default(),
            handoff_minute: handoff.unwrap_or(0),
            zone: settings.zone.trim().to_owned(),
            shift_days: u16::try_from(settings.shift_days).unwrap_or(0),
        };
        let escalate = u16::try_from(settings.escalate_after_minutes).unwrap_or(0);
        usecases::paging::set_on_call(&self.state.core, who, settings.own_rotation, rotation, escalate, problems)
            .await?;
        Ok(Response::new(pb::SetOnCallResponse {}))
    }

    async fn add_on_call_cover(
        &self,
        request: Request<pb::AddOnCallCoverRequest>,
    ) -> Result<Response<pb::AddOnCallCoverResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let message = request.get_ref();
        let starts_at = message.starts_at.as_ref().and_then(timestamp_from_pb);
        let ends_at = message.ends_at.as_ref().and_then(timestamp_from_pb);
        let core = &self.state.core;
        let stored =
            usecases::paging::add_cover(core, who, message.person_id, starts_at, ends_at, &message.note).await?;
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let people = crate::db::models::people::by_ids(&conn, &[stored.cover.person_id]).await?;
        Ok(Response::new(pb::AddOnCallCoverResponse { cover: Some(encode_cover(&stored, &people)) }))
    }

    async fn remove_on_call_cover(
        &self,
        request: Request<pb::RemoveOnCallCoverRequest>,
    ) -> Result<Response<pb::RemoveOnCallCoverResponse>, Status> {
        let caller = caller(&request)?;
        usecases::paging::remove_cover(&self.state.core, caller.signed_in()?, request.get_ref().id).await?;
        Ok(Response::new(pb::RemoveOnCallCoverResponse {}))
    }

    async fn list_pages(
        &self,
        request: Request<pb::ListPagesRequest>,
    ) -> Result<Response<pb::ListPagesResponse>, Status> {
        use pb::list_pages_request::About as Which;
        let caller = caller(&request)?;
        let about = match request.get_ref().about {
            Some(Which::TicketNumber(number)) => Some(About::Ticket(number)),
            Some(Which::IncidentNumber(number)) => Some(About::Incident(number)),
            Some(Which::Open(_)) | None => None,
        };
        let pages = usecases::paging::list(&self.state.core, caller.signed_in()?, about).await?;
        Ok(Response::new(pb::ListPagesResponse { pages: pages.iter().map(encode_page).collect() }))
    }

    async fn acknowledge_page(
        &self,
        request: Request<pb::AcknowledgePageRequest>,
    ) -> Result<Response<pb::AcknowledgePageResponse>, Status> {
        use pb::acknowledge_page_request::Page as Which;
        let caller = caller(&request)?;
        let by = match &request.get_ref().page {
            Some(Which::PageId(id)) => Acknowledger::Staff(caller.signed_in()?, *id),
            Some(Which::Token(token)) => Acknowledger::Link(token.trim()),
            None => return Err(AppError::invalid("page", "Say which page: its id, or its link's token.").into()),
        };
        let (view, already) = usecases::paging::acknowledge(&self.state.core, by).await?;
        Ok(Response::new(pb::AcknowledgePageResponse { page: Some(encode_page(&view)), already }))
    }

    async fn get_page_by_token(
        &self,
        request: Request<pb::GetPageByTokenRequest>,
    ) -> Result<Response<pb::GetPageByTokenResponse>, Status> {
        let (view, person) = usecases::paging::by_link(&self.state.core, request.get_ref().token.trim()).await?;
        Ok(Response::new(pb::GetPageByTokenResponse { page: Some(encode_page(&view)), you: Some(person_ref(&person)) }))
    }
}
