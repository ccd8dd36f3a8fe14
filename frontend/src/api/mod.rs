//! Talking to Steward: the gRPC-web clients (same origin, session cookie sent by the browser),
//! errors turned into plain words with the fields they concern, and the words for enum values.

pub mod labels;
pub mod time;

use std::any::Any;
use std::pin::Pin;

use leptos::prelude::{RwSignal, Set};
use steward_proto::v1::browser::{
    AuthServiceClient, BoardServiceClient, DirectoryServiceClient, IncidentServiceClient, IntakeServiceClient,
    KeysServiceClient, KnownIssuesServiceClient, LiveServiceClient, MailServiceClient, PagingServiceClient,
    ServiceLevelServiceClient, TicketServiceClient, TriageServiceClient, WebhookServiceClient,
};
use tonic::{Code, Status};
use tonic_types::StatusExt;
use tonic_web_wasm_client::Client;

/// The page's own origin: the API is served from the same place as the app.
fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn client() -> Client {
    Client::new(origin())
}

pub fn auth() -> AuthServiceClient<Client> {
    AuthServiceClient::new(client())
}

pub fn board() -> BoardServiceClient<Client> {
    BoardServiceClient::new(client())
}

pub fn live() -> LiveServiceClient<Client> {
    LiveServiceClient::new(client())
}

pub fn directory() -> DirectoryServiceClient<Client> {
    DirectoryServiceClient::new(client())
}

pub fn incidents() -> IncidentServiceClient<Client> {
    IncidentServiceClient::new(client())
}

pub fn intake() -> IntakeServiceClient<Client> {
    IntakeServiceClient::new(client())
}

pub fn keys() -> KeysServiceClient<Client> {
    KeysServiceClient::new(client())
}

pub fn known_issues() -> KnownIssuesServiceClient<Client> {
    KnownIssuesServiceClient::new(client())
}

pub fn tickets() -> TicketServiceClient<Client> {
    TicketServiceClient::new(client())
}

pub fn triage() -> TriageServiceClient<Client> {
    TriageServiceClient::new(client())
}

pub fn mail() -> MailServiceClient<Client> {
    MailServiceClient::new(client())
}

pub fn paging() -> PagingServiceClient<Client> {
    PagingServiceClient::new(client())
}

pub fn webhooks() -> WebhookServiceClient<Client> {
    WebhookServiceClient::new(client())
}

pub fn service_levels() -> ServiceLevelServiceClient<Client> {
    ServiceLevelServiceClient::new(client())
}

/// The request forms and the priority scale (used by the new-request, support and settings pages).
pub async fn intake_forms() -> Result<steward_proto::v1::GetIntakeFormsResponse, ApiError> {
    intake()
        .get_intake_forms(steward_proto::v1::GetIntakeFormsRequest {})
        .await
        .map(|r| r.into_inner())
        .map_err(ApiError::from)
}

/// A failed call, in words for the person using the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    /// What to show near where it happened.
    pub message: String,
    /// Problems with named request fields (`title`, `answers.environment`, ...).
    pub fields: Vec<(String, String)>,
    /// How long the server asked to wait before trying again, when it said.
    pub retry_after_ms: Option<u32>,
}

impl ApiError {
    /// A problem found in the browser with one field, shown as the server's would be.
    pub fn local(field: &str, message: &str) -> ApiError {
        ApiError {
            code: Code::InvalidArgument,
            message: message.to_owned(),
            fields: vec![(field.to_owned(), message.to_owned())],
            retry_after_ms: None,
        }
    }

    /// The problem with `field`, if the server named it.
    pub fn field(&self, field: &str) -> Option<String> {
        self.fields.iter().find(|(name, _)| name == field).map(|(_, message)| message.clone())
    }

    /// Whether the session is missing or expired.
    pub fn is_unauthenticated(&self) -> bool {
        self.code == Code::Unauthenticated
    }

    pub fn is_not_found(&self) -> bool {
        self.code == Code::NotFound
    }

    /// Whether the same call may well succeed in a moment: Steward or its database was
    /// unavailable, the transaction collided, the connection dropped, or a limit said when.
    pub fn is_transient(&self) -> bool {
        match self.code {
            Code::Unavailable | Code::Aborted | Code::DeadlineExceeded | Code::Unknown => true,
            Code::ResourceExhausted => self.retry_after_ms.is_some(),
            _ => false,
        }
    }
}

/// One try of a read, its answer type erased: the retry loops below are compiled once, not once
/// for every call that uses them (that kept the WebAssembly 2 to 4 KiB larger per call).
type Attempt = Pin<Box<dyn Future<Output = Result<Box<dyn Any>, Status>>>>;

/// `call` as an [`Attempt`] maker.
fn erase<T: 'static, Fut>(call: impl Fn() -> Fut + 'static) -> impl Fn() -> Attempt
where
    Fut: Future<Output = Result<tonic::Response<T>, Status>> + 'static,
{
    move || {
        let answer = call();
        Box::pin(async move { answer.await.map(|response| Box::new(response.into_inner()) as Box<dyn Any>) })
    }
}

/// The answer of an attempt made by `erase::<T>`.
fn answer<T: 'static>(answer: Box<dyn Any>) -> T {
    match answer.downcast::<T>() {
        Ok(value) => *value,
        Err(_) => unreachable!("an attempt answers with the type of its call"),
    }
}

/// An idempotent read, repeated when it failed for a moment (Steward or its database restarting,
/// the connection dropped): up to twice more, after the wait the server asked for or 0.5 s and
/// then 1.5 s. Writes never come here: a write that did not go through is reported, not repeated.
pub async fn read<T: 'static, Fut>(call: impl Fn() -> Fut + 'static) -> Result<T, ApiError>
where
    Fut: Future<Output = Result<tonic::Response<T>, Status>> + 'static,
{
    read_erased(&erase(call)).await.map(answer)
}

async fn read_erased(call: &dyn Fn() -> Attempt) -> Result<Box<dyn Any>, ApiError> {
    let mut waits = [500u32, 1_500].into_iter();
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(status) => ApiError::from(status),
        };
        match waits.next() {
            Some(wait) if error.is_transient() => {
                gloo_timers::future::TimeoutFuture::new(error.retry_after_ms.unwrap_or(wait).min(5_000)).await;
            }
            _ => return Err(error),
        }
    }
}

/// A read in the background of a page that already shows something: it never replaces what is
/// shown with an error. While it fails, `problem` says why (the page shows it beside what it
/// has, see `components::StaleNote`) and it tries again, after 2, 4, 8 ... up to 30 s; `None`
/// once the page is gone.
pub async fn read_in_background<T: 'static, Fut>(
    problem: RwSignal<Option<String>>,
    call: impl Fn() -> Fut + 'static,
) -> Option<T>
where
    Fut: Future<Output = Result<tonic::Response<T>, Status>> + 'static,
{
    read_in_background_erased(problem, &erase(call)).await.map(answer)
}

async fn read_in_background_erased(
    problem: RwSignal<Option<String>>,
    call: &dyn Fn() -> Attempt,
) -> Option<Box<dyn Any>> {
    let mut wait_ms = 2_000u32;
    loop {
        match read_erased(call).await {
            // `try_set` hands the value back when the page (and its signal) is gone.
            Ok(value) => {
                return problem.try_set(None).is_none().then_some(value);
            }
            Err(error) => {
                if problem.try_set(Some(error.message)).is_some() {
                    return None;
                }
                gloo_timers::future::TimeoutFuture::new(error.retry_after_ms.unwrap_or(wait_ms).max(wait_ms)).await;
                wait_ms = (wait_ms * 2).min(30_000);
            }
        }
    }
}

/// The `google.rpc.ErrorInfo` reason of a failed call, e.g. `STALE_VERSION`.
pub fn error_reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

impl From<Status> for ApiError {
    fn from(status: Status) -> Self {
        let fields: Vec<(String, String)> = status
            .get_details_bad_request()
            .map(|bad| bad.field_violations.into_iter().map(|v| (v.field, v.description)).collect())
            .unwrap_or_default();
        let message = match status.code() {
            Code::InvalidArgument | Code::AlreadyExists if !fields.is_empty() => {
                let all: Vec<String> = fields.iter().map(|(_, message)| message.clone()).collect();
                match all.len() {
                    1 => format!("Please check the form: {}", all[0]),
                    n => format!("Please check {n} fields: {}", all.join(" ")),
                }
            }
            // Steward answered (it says when to retry): its database is down, not the connection.
            Code::Unavailable if status.get_details_retry_info().is_some() => status.message().to_owned(),
            // The browser knows when it is offline; otherwise the fault may be anywhere on the way
            // to Steward, and the person's connection is not blamed for it.
            Code::Unavailable | Code::Unknown | Code::DeadlineExceeded | Code::Cancelled => {
                // (Only a browser can say; the unit tests run without one.)
                if cfg!(target_arch = "wasm32") && web_sys::window().is_some_and(|w| !w.navigator().on_line()) {
                    "You are offline. Check your connection; Steward will try again.".to_owned()
                } else {
                    "Steward is not answering right now. Try again in a moment.".to_owned()
                }
            }
            Code::Internal | Code::DataLoss | Code::Unimplemented => {
                "Something went wrong on our side. Try again in a moment.".to_owned()
            }
            Code::NotFound => "Not found.".to_owned(),
            _ if status.message().is_empty() => format!("The request failed ({:?}).", status.code()),
            _ => status.message().to_owned(),
        };
        let retry_after_ms = status
            .get_details_retry_info()
            .and_then(|info| info.retry_delay)
            .map(|delay| delay.as_millis().min(u128::from(u32::MAX)) as u32);
        ApiError { code: status.code(), message, fields, retry_after_ms }
    }
}

/// Seconds since the epoch of a protobuf timestamp, as a readable local date and time.
pub fn local_time(at: &Option<prost_types::Timestamp>) -> String {
    let Some(at) = at else { return String::new() };
    let millis = at.seconds as f64 * 1000.0 + f64::from(at.nanos) / 1_000_000.0;
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Percent-encodes a path for the `next` query parameter.
pub fn encode_component(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_that_answers_unavailable_is_not_blamed_on_the_connection() {
        let details = tonic_types::ErrorDetails::with_retry_info(Some(std::time::Duration::from_secs(1)));
        let answered =
            Status::with_error_details(Code::Unavailable, "Steward cannot reach its database right now", details);
        assert_eq!(ApiError::from(answered).message, "Steward cannot reach its database right now");
        // Not offline (as far as the browser knows): the fault may be anywhere on the way, and
        // the person's connection is not blamed for it.
        let unreachable = ApiError::from(Status::unavailable("failed to fetch"));
        assert_eq!(unreachable.message, "Steward is not answering right now. Try again in a moment.");
        assert!(unreachable.is_transient(), "a read is tried again");
    }
}
