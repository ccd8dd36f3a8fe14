//! One port for everything: native gRPC over HTTP/2 (for grpcurl-style tools), gRPC-web over
//! HTTP/1.1 (for the browser), `grpc.health.v1`, gRPC server reflection, and the built
//! frontend, whose `index.html` answers every other path so deep links such as `/tickets/42`
//! load the app.
//!
//! Layers on the gRPC routes, outermost first: the browser guard (same-origin gRPC calls
//! only), gRPC-web translation, then authentication (session cookie -> caller).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use steward_proto::v1::auth_service_server::AuthServiceServer;
use steward_proto::v1::board_service_server::BoardServiceServer;
use steward_proto::v1::directory_service_server::DirectoryServiceServer;
use steward_proto::v1::intake_service_server::IntakeServiceServer;
use steward_proto::v1::known_issues_service_server::KnownIssuesServiceServer;
use steward_proto::v1::live_service_server::LiveServiceServer;
use steward_proto::v1::ticket_service_server::TicketServiceServer;
use steward_proto::v1::triage_service_server::TriageServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::config::Config;
use crate::live::Hub;
use crate::services::auth::AuthApi;
use crate::services::board::BoardApi;
use crate::services::directory::DirectoryApi;
use crate::services::intake::IntakeApi;
use crate::services::known_issues::KnownIssuesApi;
use crate::services::live::LiveApi;
use crate::services::tickets::TicketApi;
use crate::services::triage::TriageApi;
use crate::usecases::Core;
use crate::{AppState, auth, db};

/// The Steward services' names, as health and reflection report them.
pub const SERVICE_NAMES: &[&str] = &[
    "steward.v1.AuthService",
    "steward.v1.BoardService",
    "steward.v1.DirectoryService",
    "steward.v1.IntakeService",
    "steward.v1.LiveService",
    "steward.v1.TicketService",
];

/// Builds the whole application for `state`.
pub async fn app(state: AppState) -> anyhow::Result<Router> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    for name in SERVICE_NAMES {
        health_reporter.set_service_status(*name, tonic_health::ServingStatus::Serving).await;
    }
    health_reporter.set_service_status("", tonic_health::ServingStatus::Serving).await;
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(steward_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(steward_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let grpc = Routes::new(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(AuthServiceServer::new(AuthApi { state: state.clone() }))
        .add_service(BoardServiceServer::new(BoardApi { state: state.clone() }))
        .add_service(DirectoryServiceServer::new(DirectoryApi { state: state.clone() }))
        .add_service(IntakeServiceServer::new(IntakeApi { state: state.clone() }))
        .add_service(KnownIssuesServiceServer::new(KnownIssuesApi { state: state.clone() }))
        .add_service(LiveServiceServer::new(LiveApi { state: state.clone() }))
        .add_service(TicketServiceServer::new(TicketApi { state: state.clone() }))
        .add_service(TriageServiceServer::new(TriageApi { state: state.clone() }))
        .prepare()
        .into_axum_router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard_browser_requests));

    let static_dir = &state.config.static_dir;
    let frontend = ServeDir::new(static_dir).fallback(ServeFile::new(static_dir.join("index.html")));
    Ok(Router::new().merge(grpc).fallback_service(frontend).layer(TraceLayer::new_for_http()))
}

/// Connects to the database, starts live updates, and builds the state for `config`, telling
/// the time by `clock`.
pub async fn state(config: Config, clock: Arc<dyn Clock>, shutdown: CancellationToken) -> anyhow::Result<AppState> {
    let pool = db::pool(&config.database_url, 32)?;
    let live = Hub::start(pool.clone(), &config.database_url, shutdown.clone())
        .await
        .map_err(|e| anyhow::anyhow!("DATABASE_URL: cannot read the event log: {e}"))?;
    Ok(AppState { core: Core { pool, live, clock }, config: Arc::new(config), shutdown })
}

/// Serves `state` on `listener` until `stop` completes, then stops accepting, tells streams to
/// end, and waits for open calls to finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let shutdown = state.shutdown.clone();
    let app = app(state).await?;
    let signal = async move {
        stop.await;
        shutdown.cancel();
    };
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(signal)
        .await?;
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
