//! `steward.v1.LiveService`: the one stream per page. The work is in [`crate::live::watch`].

use std::pin::Pin;

use futures_util::Stream;
use steward_proto::v1 as pb;
use steward_proto::v1::live_service_server::LiveService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::error::{AppError, NOT_SIGNED_IN};
use crate::live::watch::{self, Subscription, Watcher};

/// How many single tickets one stream may watch.
const MAX_TICKET_NUMBERS: usize = 100;
/// How many single incidents one stream may watch.
const MAX_INCIDENT_NUMBERS: usize = 100;

/// The live service.
pub struct LiveApi {
    pub state: AppState,
}

impl LiveApi {
    /// What the live streams of this process run with.
    fn context(&self) -> watch::Context {
        watch::Context {
            pool: self.state.core.pool.clone(),
            hub: self.state.core.live.clone(),
            clock: self.state.core.clock.clone(),
            shutdown: self.state.shutdown.clone(),
        }
    }
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchResponse, Status>> + Send>>;

#[tonic::async_trait]
impl LiveService for LiveApi {
    type WatchStream = WatchStream;

    async fn watch(&self, request: Request<pb::WatchRequest>) -> Result<Response<Self::WatchStream>, Status> {
        let caller = caller(&request)?;
        let principal = caller.signed_in()?.clone();
        let session_hash = caller.session_hash.clone().ok_or(AppError::Unauthenticated(NOT_SIGNED_IN))?;
        let expires_at = caller.session_expires_at.ok_or(AppError::Unauthenticated(NOT_SIGNED_IN))?;
        let request = request.into_inner();
        if request.ticket_numbers.len() > MAX_TICKET_NUMBERS {
            return Err(AppError::invalid(
                "ticket_numbers",
                format!("Watch at most {MAX_TICKET_NUMBERS} tickets on one stream, or all of them."),
            )
            .into());
        }
        if request.incident_numbers.len() > MAX_INCIDENT_NUMBERS {
            return Err(AppError::invalid(
                "incident_numbers",
                format!("Watch at most {MAX_INCIDENT_NUMBERS} incidents on one stream, or all of them."),
            )
            .into());
        }
        if !request.all_tickets
            && request.ticket_numbers.is_empty()
            && !request.all_incidents
            && request.incident_numbers.is_empty()
        {
            return Err(AppError::invalid(
                "all_tickets",
                "Say what to watch: all tickets or some ticket numbers, all incidents or some incident numbers.",
            )
            .into());
        }
        let subscription = Subscription {
            all_tickets: request.all_tickets,
            ticket_numbers: request.ticket_numbers.into_iter().collect(),
            all_incidents: request.all_incidents,
            incident_numbers: request.incident_numbers.into_iter().collect(),
        };
        let after = request.after.as_ref().map(convert::position_from_pb);
        // Counted while the client holds the stream: the slot goes when the stream is dropped.
        let slot = self.state.limiter.open_stream(&format!("{session_hash:02x?}"), &caller.address)?;
        let stream = watch::start(self.context(), Watcher { principal, session_hash, expires_at }, subscription, after);
        let stream = tokio_stream::StreamExt::map(stream, move |message| {
            let _held = &slot;
            message
        });
        Ok(Response::new(Box::pin(stream)))
    }
}
