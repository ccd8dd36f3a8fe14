//! `steward.v1.LiveService`: the one stream per page. The work is in [`crate::live::watch`].
//!
//! Served by [`LiveServer`], written here on tonic's server machinery rather than generated:
//! a change goes to every stream as the bytes encoded once when it was published
//! ([`Encoded`]), and the generated server can only send messages it encodes per stream. The
//! request is decoded with prost as usual; the path, the message types and the status codes
//! are those of `live.proto`.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::future::BoxFuture;
use prost::bytes::BufMut;
use steward_proto::v1 as pb;
use tonic::codec::{Codec, EncodeBuf, Encoder};
use tonic::server::{Grpc, NamedService, ServerStreamingService};
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::error::{AppError, NOT_SIGNED_IN};
use crate::live::Encoded;
use crate::live::watch::{self, Subscription, Watcher};

/// How many single tickets one stream may watch.
const MAX_TICKET_NUMBERS: usize = 100;
/// How many single incidents one stream may watch.
const MAX_INCIDENT_NUMBERS: usize = 100;
/// The one method's path.
pub const WATCH_PATH: &str = "/steward.v1.LiveService/Watch";

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

type WatchStream = Pin<Box<dyn Stream<Item = Result<Encoded, Status>> + Send>>;

impl LiveApi {
    /// `Watch`: checks the request and starts the stream.
    async fn watch(&self, request: Request<pb::WatchRequest>) -> Result<Response<WatchStream>, Status> {
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

/// `steward.v1.LiveService` as a gRPC service (native and, behind tonic-web, gRPC-web).
#[derive(Clone)]
pub struct LiveServer {
    api: Arc<LiveApi>,
    max_decoding_message_size: usize,
}

impl LiveServer {
    pub fn new(api: LiveApi, max_decoding_message_size: usize) -> LiveServer {
        LiveServer { api: Arc::new(api), max_decoding_message_size }
    }
}

impl NamedService for LiveServer {
    const NAME: &'static str = steward_proto::v1::live_service_server::SERVICE_NAME;
}

impl tower::Service<http::Request<tonic::body::Body>> for LiveServer {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        if request.uri().path() != WATCH_PATH {
            return Box::pin(async { Ok(Status::unimplemented("LiveService has one method: Watch.").into_http()) });
        }
        let (api, limit) = (self.api.clone(), self.max_decoding_message_size);
        Box::pin(async move {
            let mut grpc = Grpc::new(WatchCodec).apply_max_message_size_config(Some(limit), None);
            Ok(grpc.server_streaming(WatchMethod(api), request).await)
        })
    }
}

struct WatchMethod(Arc<LiveApi>);

impl ServerStreamingService<pb::WatchRequest> for WatchMethod {
    type Response = Encoded;
    type ResponseStream = WatchStream;
    type Future = BoxFuture<'static, Result<Response<WatchStream>, Status>>;

    fn call(&mut self, request: Request<pb::WatchRequest>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move { api.watch(request).await })
    }
}

/// Reads a `WatchRequest` with prost; writes each answer's bytes as they were encoded.
#[derive(Clone, Copy, Default)]
struct WatchCodec;

impl Codec for WatchCodec {
    type Encode = Encoded;
    type Decode = pb::WatchRequest;
    type Encoder = WatchCodec;
    type Decoder = tonic_prost::ProstDecoder<pb::WatchRequest>;

    fn encoder(&mut self) -> WatchCodec {
        WatchCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstDecoder::default()
    }
}

impl Encoder for WatchCodec {
    type Item = Encoded;
    type Error = Status;

    fn encode(&mut self, item: Encoded, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item.0);
        Ok(())
    }
}
