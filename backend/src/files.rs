//! Attached files: where their bytes are kept (an `object_store`: a directory by default, or an
//! S3-compatible bucket) and the HTTP door browsers upload and download them through, on the
//! same port, with the session cookie and the same Origin rule as the API. Browsers cannot
//! stream a request body over gRPC-web, hence plain HTTP:
//!
//! - `POST /files` with the file as the body, its type in `Content-Type`, its name in
//!   `X-File-Name` (percent-encoded UTF-8), `X-Encrypted: 1` for an OpenPGP message made in the
//!   browser: answers the stored file as JSON. Bounded in size and time; a refused or broken
//!   upload leaves nothing behind.
//! - `GET /files/{id}/{name}`: the file, if the caller may read what it is attached to (a hidden
//!   file and a missing one answer the same), as a download, or in place for an image whose
//!   bytes are what it says; never rendered as a page of Steward's.
//!
//! This module decides nothing: who may read a file and what it is served as are
//! `usecases::attachments`' and `steward_domain::files`'.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::TryStreamExt;
use object_store::ObjectStore;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::json;

use crate::AppState;
use crate::auth::{self, Caller};
use crate::config::FilesSettings;
use crate::error::AppError;
use crate::usecases::attachments::{self, Upload};

/// Where files' bytes are kept, and how big and slow an upload may be.
#[derive(Clone)]
pub struct Files {
    pub store: Arc<dyn ObjectStore>,
    pub max_bytes: u64,
    pub upload_time: Duration,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files").field("store", &self.store.to_string()).field("max_bytes", &self.max_bytes).finish()
    }
}

impl Files {
    /// Opens the store `settings` name: an `s3://bucket/prefix` URL (credentials and region
    /// from the `AWS_*` variables), or a directory, created if missing.
    pub fn open(settings: &FilesSettings) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = if settings.location.starts_with("s3://") {
            Arc::new(
                object_store::aws::AmazonS3Builder::from_env()
                    .with_url(&settings.location)
                    .build()
                    .map_err(|e| anyhow::anyhow!("STEWARD_FILES: {e}"))?,
            )
        } else {
            std::fs::create_dir_all(&settings.location)
                .map_err(|e| anyhow::anyhow!("STEWARD_FILES: cannot create {}: {e}", settings.location))?;
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(&settings.location)
                    .map_err(|e| anyhow::anyhow!("STEWARD_FILES: {e}"))?,
            )
        };
        Ok(Files { store, max_bytes: settings.max_bytes, upload_time: settings.upload_time })
    }
}

/// The door's routes.
pub fn routes(state: AppState) -> Router {
    Router::new().route("/files", post(upload)).route("/files/{id}/{name}", get(download)).with_state(state)
}

/// `value` as a JSON answer.
fn json_answer(status: StatusCode, value: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], value.to_string()).into_response()
}

/// A refusal as a person reads it: the status and the words, as JSON for the upload's script.
fn refusal(status: StatusCode, message: impl Into<String>) -> Response {
    json_answer(status, &json!({ "message": message.into() }))
}

fn from_error(error: AppError) -> Response {
    let status = match &error {
        AppError::InvalidArgument(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::PermissionDenied(_) => StatusCode::FORBIDDEN,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) | AppError::Aborted(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match &error {
        AppError::InvalidArgument(errors) => errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
        AppError::NotFound(_) => "There is no such file, or you may not see it.".to_owned(),
        AppError::Unavailable(_) | AppError::Aborted(_) => {
            "Steward cannot reach its database right now; try again in a moment.".to_owned()
        }
        AppError::Internal(_) => {
            tracing::error!(error = ?error, "a file request failed");
            "Something went wrong on Steward's side; the file was not stored.".to_owned()
        }
        other => other.to_string(),
    };
    refusal(status, message)
}

/// Who is calling: the session cookie's person, if any.
async fn caller(state: &AppState, headers: &HeaderMap, address: Option<SocketAddr>) -> Result<Caller, AppError> {
    auth::resolve_caller(state, headers, address).await
}

/// Why a request that changes something is refused by the browser rule of the API (same
/// origin only), if it is.
fn cross_origin(state: &AppState, headers: &HeaderMap) -> Option<&'static str> {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Some("Uploads from other sites are refused.");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let allowed = headers.get(header::ORIGIN).is_some_and(|origin| {
        origin.to_str().is_ok_and(|origin| auth::origin_allowed(origin, state.config.public_origin.as_deref(), host))
    });
    (!allowed).then_some("Uploads come from Steward's own pages only.")
}

async fn upload(State(state): State<AppState>, request: Request) -> Response {
    let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0);
    let (parts, body) = request.into_parts();
    if let Some(refused) = cross_origin(&state, &parts.headers) {
        return refusal(StatusCode::FORBIDDEN, refused);
    }
    let caller = match caller(&state, &parts.headers, address).await {
        Ok(caller) => caller,
        Err(error) => return from_error(error),
    };
    let Some(who) = caller.principal else {
        return refusal(StatusCode::UNAUTHORIZED, "Sign in again to attach files; what you typed is kept.");
    };
    let text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let name = percent_decode_str(text("x-file-name")).decode_utf8_lossy().into_owned();
    let files = &state.core.files;
    // A declared length over the limit is refused before a byte is read.
    let declared_length = text("content-length").parse::<u64>().ok();
    if let Some(problem) = declared_length.and_then(|length| steward_domain::files::too_big(length, files.max_bytes)) {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, problem);
    }
    let upload = Upload {
        name: &name,
        declared_type: text("content-type"),
        encrypted: text("x-encrypted") == "1",
        body: body.into_data_stream().map_err(std::io::Error::other),
    };
    match tokio::time::timeout(files.upload_time, attachments::upload(&state.core, &who, upload)).await {
        Ok(Ok(stored)) => json_answer(
            StatusCode::CREATED,
            &json!({
                "id": stored.id,
                "name": stored.name,
                "bytes": stored.bytes,
                "served_type": stored.served_type,
                "inline": stored.inline,
                "encrypted": stored.encrypted,
                "url": path_of(stored.id, &stored.name),
            }),
        ),
        Ok(Err(error)) => from_error(error),
        Err(_) => refusal(
            StatusCode::REQUEST_TIMEOUT,
            format!("The upload took longer than {} s and was stopped; nothing was kept.", files.upload_time.as_secs()),
        ),
    }
}

/// Where a file is downloaded from.
pub fn path_of(id: i64, name: &str) -> String {
    format!("/files/{id}/{}", utf8_percent_encode(name, NON_ALPHANUMERIC))
}

async fn download(State(state): State<AppState>, Path((id, _name)): Path<(i64, String)>, request: Request) -> Response {
    let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0);
    let caller = match caller(&state, request.headers(), address).await {
        Ok(caller) => caller,
        Err(error) => return from_error(error),
    };
    let Some(who) = caller.principal else {
        return refusal(StatusCode::UNAUTHORIZED, "Sign in to Steward to open this file.");
    };
    let (file, stream) = match attachments::open(&state.core, &who, id).await {
        Ok(found) => found,
        Err(error) => return from_error(error),
    };
    let disposition = if file.inline { "inline" } else { "attachment" };
    let ascii: String = file.name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let ascii = ascii.replace(['"', '\\'], "_");
    let encoded = utf8_percent_encode(&file.name, NON_ALPHANUMERIC);
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    let value = |text: String| HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_TYPE, value(file.served_type.clone()));
    headers.insert(header::CONTENT_LENGTH, value(file.bytes.to_string()));
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")),
    );
    // Whoever may read it now may read it again; nobody else, and no shared cache, ever.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    // Nothing in a file runs, even if a browser were tricked into showing it.
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    response
}
