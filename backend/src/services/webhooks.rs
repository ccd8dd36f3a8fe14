//! `steward.v1.WebhookService`: endpoints, their secrets (once) and delivery logs (admins).

use steward_domain::webhooks::{WebhookEvent, WebhookFormat};
use steward_proto::v1 as pb;
use steward_proto::v1::webhook_service_server::WebhookService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::timestamp;
use crate::db::models::webhooks::{self as rows, Delivery, Webhook};
use crate::error::AppError;
use crate::usecases;

/// The webhook service.
pub struct WebhookApi {
    pub state: AppState,
}

fn encode_delivery(delivery: &Delivery) -> pb::WebhookDelivery {
    pb::WebhookDelivery {
        id: delivery.id,
        event: delivery.event.clone(),
        attempts: delivery.attempts,
        last_status: delivery.last_status,
        last_error: delivery.last_error.clone(),
        delivered_at: delivery.delivered_at.map(timestamp),
        created_at: Some(timestamp(delivery.created_at)),
        next_attempt_at: Some(timestamp(delivery.next_attempt_at)),
    }
}

fn encode_webhook(webhook: &Webhook, deliveries: &[Delivery]) -> pb::Webhook {
    pb::Webhook {
        id: webhook.id,
        url: webhook.url.clone(),
        events: webhook.event_names().into_iter().map(str::to_owned).collect(),
        created_at: Some(timestamp(webhook.created_at)),
        deliveries: deliveries.iter().map(encode_delivery).collect(),
        format: match webhook.format() {
            WebhookFormat::Steward => pb::WebhookFormat::Steward,
            WebhookFormat::PagerDuty => pb::WebhookFormat::Pagerduty,
        }
        .into(),
    }
}

#[tonic::async_trait]
impl WebhookService for WebhookApi {
    async fn list_webhooks(
        &self,
        request: Request<pb::ListWebhooksRequest>,
    ) -> Result<Response<pb::ListWebhooksResponse>, Status> {
        let caller = caller(&request)?;
        if !steward_domain::authz::can_configure(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only an admin manages webhooks.").into());
        }
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let mut webhooks = Vec::new();
        for webhook in rows::list(&conn).await? {
            let log = rows::log(&conn, webhook.id, usecases::webhooks::LOG_SHOWN).await?;
            webhooks.push(encode_webhook(&webhook, &log));
        }
        let kinds = WebhookEvent::ALL
            .iter()
            .map(|e| pb::WebhookEventKind {
                name: e.as_str().to_owned(),
                label: e.label().to_owned(),
                pagerduty: WebhookFormat::PagerDuty.takes(*e),
            })
            .collect();
        Ok(Response::new(pb::ListWebhooksResponse { webhooks, kinds }))
    }

    async fn create_webhook(
        &self,
        request: Request<pb::CreateWebhookRequest>,
    ) -> Result<Response<pb::CreateWebhookResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let message = request.into_inner();
        let format = match pb::WebhookFormat::try_from(message.format) {
            Ok(pb::WebhookFormat::Pagerduty) => WebhookFormat::PagerDuty,
            Ok(pb::WebhookFormat::Steward | pb::WebhookFormat::Unspecified) => WebhookFormat::Steward,
            Err(_) => return Err(AppError::invalid("format", "Choose Steward's format or PagerDuty's.").into()),
        };
        let registration = usecases::webhooks::Registration {
            url: message.url,
            events: message.events,
            format,
            routing_key: message.routing_key,
        };
        let webhook = usecases::webhooks::register(&self.state.core, who, registration).await?;
        let secret = if format == WebhookFormat::Steward { webhook.secret.clone() } else { String::new() };
        Ok(Response::new(pb::CreateWebhookResponse { webhook: Some(encode_webhook(&webhook, &[])), secret }))
    }

    async fn delete_webhook(
        &self,
        request: Request<pb::DeleteWebhookRequest>,
    ) -> Result<Response<pb::DeleteWebhookResponse>, Status> {
        let caller = caller(&request)?;
        usecases::webhooks::remove(&self.state.core, caller.signed_in()?, request.get_ref().id).await?;
        Ok(Response::new(pb::DeleteWebhookResponse {}))
    }

    async fn send_test_webhook(
        &self,
        request: Request<pb::SendTestWebhookRequest>,
    ) -> Result<Response<pb::SendTestWebhookResponse>, Status> {
        let caller = caller(&request)?;
        let delivery =
            usecases::webhooks::send_test(&self.state.core, caller.signed_in()?, request.get_ref().id).await?;
        Ok(Response::new(pb::SendTestWebhookResponse { delivery: Some(encode_delivery(&delivery)) }))
    }
}
