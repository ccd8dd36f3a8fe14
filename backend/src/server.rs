//! One port for everything: native gRPC over HTTP/2 (for grpcurl-style tools), gRPC-web over
//! HTTP/1.1 (for the browser), `grpc.health.v1`, gRPC server reflection, and the built
//! frontend, whose `index.html` answers every other path so deep links such as `/tickets/42`
//! load the app.
//!
//! Layers on the gRPC routes, outermost first: the browser guard (same-origin gRPC calls
//! only), HTTP compression of gRPC-web answers (not of the live stream, whose messages must not
//! wait in a compressor), gRPC-web translation, then authentication (session cookie -> caller).
//! Native gRPC clients that accept gzip get their answers gzip-compressed by gRPC itself, again
//! except the live stream, whose changes are encoded once for every watcher.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use steward_proto::v1::auth_service_server::AuthServiceServer;
use steward_proto::v1::board_service_server::BoardServiceServer;
use steward_proto::v1::directory_service_server::DirectoryServiceServer;
use steward_proto::v1::incident_service_server::IncidentServiceServer;
use steward_proto::v1::intake_service_server::IntakeServiceServer;
use steward_proto::v1::keys_service_server::KeysServiceServer;
use steward_proto::v1::known_issues_service_server::KnownIssuesServiceServer;
use steward_proto::v1::mail_service_server::MailServiceServer;
use steward_proto::v1::paging_service_server::PagingServiceServer;
use steward_proto::v1::service_level_service_server::ServiceLevelServiceServer;
use steward_proto::v1::ticket_service_server::TicketServiceServer;
use steward_proto::v1::triage_service_server::TriageServiceServer;
use steward_proto::v1::webhook_service_server::WebhookServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;
use tower::{Service, ServiceExt};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::config::Config;
use crate::limits::{self, Limiter};
use crate::live::Hub;
use crate::services::auth::AuthApi;
use crate::services::board::BoardApi;
use crate::services::directory::DirectoryApi;
use crate::services::incidents::IncidentApi;
use crate::services::intake::IntakeApi;
use crate::services::keys::KeysApi;
use crate::services::known_issues::KnownIssuesApi;
use crate::services::live::{LiveApi, LiveServer};
use crate::services::mail::MailApi;
use crate::services::paging::PagingApi;
use crate::services::service_levels::ServiceLevelApi;
use crate::services::tickets::TicketApi;
use crate::services::triage::TriageApi;
use crate::services::webhooks::WebhookApi;
use crate::usecases::Core;
use crate::web;
use crate::{AppState, auth, db};

/// The services this process serves, each added to the routes and named for health in one
/// step: health reports exactly what is served.
struct Served {
    routes: Routes,
    names: Vec<&'static str>,
}

/// Every Steward service but the live stream: their answers are compressed for a client that
/// accepts it.
macro_rules! compressed {
    ($server:expr) => {
        $server
            .send_compressed(tonic::codec::CompressionEncoding::Gzip)
            .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
    };
}

impl Served {
    fn add<S>(mut self, service: S) -> Self
    where
        S: Service<http::Request<tonic::body::Body>, Error = Infallible> + NamedService + Clone + Send + Sync + 'static,
        S::Response: axum::response::IntoResponse,
        S::Future: Send + 'static,
    {
        self.names.push(S::NAME);
        self.routes = self.routes.add_service(service);
        self
    }
}

/// Builds the whole application for `state`.
pub async fn app(state: AppState) -> anyhow::Result<Router> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(steward_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(steward_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    // Calls that carry what people write take larger requests than the rest.
    let (large, small) = (state.config.limits.max_request_bytes, state.config.limits.max_small_request_bytes);
    let st = || state.clone();
    let served = Served { routes: Routes::new(health_service), names: Vec::new() }
        .add(reflection_v1)
        .add(reflection_v1alpha)
        .add(compressed!(AuthServiceServer::new(AuthApi { state: st() })).max_decoding_message_size(small))
        .add(compressed!(BoardServiceServer::new(BoardApi { state: st() })).max_decoding_message_size(small))
        .add(compressed!(DirectoryServiceServer::new(DirectoryApi { state: st() })).max_decoding_message_size(large))
        .add(compressed!(IncidentServiceServer::new(IncidentApi { state: st() })).max_decoding_message_size(large))
        .add(compressed!(IntakeServiceServer::new(IntakeApi { state: st() })).max_decoding_message_size(large))
        .add(compressed!(KeysServiceServer::new(KeysApi { state: st() })).max_decoding_message_size(large))
        .add(
            compressed!(KnownIssuesServiceServer::new(KnownIssuesApi { state: st() })).max_decoding_message_size(small),
        )
        .add(compressed!(MailServiceServer::new(MailApi { state: st() })).max_decoding_message_size(small))
        .add(compressed!(PagingServiceServer::new(PagingApi { state: st() })).max_decoding_message_size(small))
        .add(compressed!(WebhookServiceServer::new(WebhookApi { state: st() })).max_decoding_message_size(small))
        .add(
            compressed!(ServiceLevelServiceServer::new(ServiceLevelApi { state: st() }))
                .max_decoding_message_size(large),
        )
        .add(compressed!(TicketServiceServer::new(TicketApi { state: st() })).max_decoding_message_size(large))
        .add(compressed!(TriageServiceServer::new(TriageApi { state: st() })).max_decoding_message_size(large))
        .add(LiveServer::new(LiveApi { state: st() }, small));
    for name in served.names.iter().copied().chain([""]) {
        health_reporter.set_service_status(name, tonic_health::ServingStatus::Serving).await;
    }
    // gRPC-web answers, compressed over HTTP as the browser accepts; never the live stream's.
    // (Native gRPC is not: its clients do not read Content-Encoding, and compress within gRPC.)
    let grpc_web_compression = CompressionLayer::new().compress_when(
        |_: http::StatusCode, _: http::Version, headers: &http::HeaderMap, extensions: &http::Extensions| {
            let grpc_web = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|kind| kind.starts_with("application/grpc-web"));
            grpc_web && extensions.get::<Streamed>().is_none()
        },
    );
    let grpc = served
        .routes
        .prepare()
        .into_axum_router()
        .layer(axum::middleware::from_fn(limits::name_oversized_requests))
        .layer(axum::middleware::from_fn(web::add_server_timing))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(axum::middleware::from_fn(mark_streamed))
        .layer(grpc_web_compression)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard_browser_requests));

    let static_dir = &state.config.static_dir;
    let frontend = Router::new()
        .fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(static_dir.join("index.html"))))
        .layer(axum::middleware::from_fn(web::cache_by_name))
        .layer(CompressionLayer::new());
    let security = web::SecurityHeaders::new(static_dir, state.config.secure_cookies())?;
    Ok(Router::new()
        .merge(grpc)
        .merge(crate::files::routes(state))
        .fallback_service(frontend)
        .layer(axum::middleware::from_fn_with_state(security, web::add_security_headers))
        .layer(TraceLayer::new_for_http()))
}

/// Marks an answer of the live stream: its messages must reach the browser as they are sent,
/// not wait in a compressor.
#[derive(Clone, Copy)]
struct Streamed;

async fn mark_streamed(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let streamed = request.uri().path() == crate::services::live::WATCH_PATH;
    let mut response = next.run(request).await;
    if streamed {
        response.extensions_mut().insert(Streamed);
    }
    response
}

/// Connects to the database, starts live updates, and builds the state for `config`, telling
/// the time by `clock`.
pub async fn state(config: Config, clock: Arc<dyn Clock>, shutdown: CancellationToken) -> anyhow::Result<AppState> {
    let pool = db::pool(&config.database_url, 32)?;
    let live = Hub::start(pool.clone(), &config.database_url, shutdown.clone())
        .await
        .map_err(|e| anyhow::anyhow!("DATABASE_URL: cannot read the event log: {e}"))?;
    let limiter = Arc::new(Limiter::new(config.limits.clone()));
    let mail = Arc::new(config.mail.clone());
    let files = Arc::new(crate::files::Files::open(&config.files)?);
    Ok(AppState { core: Core { pool, live, clock, mail, files }, config: Arc::new(config), limiter, shutdown })
}

/// Serves `state` on `listener` until `stop` completes, then stops accepting, tells streams to
/// end, and waits for open calls to finish. HTTP/1.1 and HTTP/2 on one port (hyper's auto
/// builder); a client that takes longer than the configured time to send a request's headers
/// is cut off (hyper enforces it only with a timer, which `axum::serve` does not install).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let shutdown = state.shutdown.clone();
    // Every serving process runs the scheduler; jobs are claimed so each runs once.
    tokio::spawn(crate::usecases::scheduler::run(state.core.clone(), state.config.jobs_every, shutdown.clone()));
    // With an SMTP server, every serving process delivers the outbox; mails are claimed so each
    // goes once. Without one, mail waits in the outbox for admins to read.
    match &state.config.mail.smtp_url {
        Some(url) => {
            let smtp = crate::email::Smtp::new(url)?;
            tokio::spawn(crate::usecases::mail::run_delivery(
                state.core.clone(),
                smtp,
                state.config.jobs_every,
                shutdown.clone(),
            ));
        }
        None => tracing::info!(
            "STEWARD_SMTP_URL is not set: mail Steward sends waits in the outbox (`steward mail outbox`)"
        ),
    }
    // With a mailbox configured, every serving process fetches it; receiving is idempotent.
    if let Some(imap) = state.config.mail.imap.clone() {
        tokio::spawn(crate::email::imap::run(state.core.clone(), imap, shutdown.clone()));
    }
    // Webhook deliveries, from every serving process; each is claimed so it goes once.
    let http = crate::http_out::Http::new()?;
    tokio::spawn(crate::usecases::webhooks::run_delivery(
        state.core.clone(),
        http,
        state.config.jobs_every,
        shutdown.clone(),
    ));
    let header_read_timeout = state.config.limits.header_read_timeout;
    let app = app(state).await?;
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, address) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: http::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(address));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%address, error = %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    shutdown.cancel();
    graceful.shutdown().await;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
