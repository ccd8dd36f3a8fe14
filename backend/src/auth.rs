//! Who is calling: a session is a random token ([`crate::credentials`]) in an HttpOnly,
//! SameSite=Strict cookie.
//! The [`authenticate`] layer turns the cookie into a [`Caller`] in the request's extensions
//! before any handler runs; handlers then ask [`steward_domain::authz`] what that caller may do.
//!
//! The [`guard_browser_requests`] layer runs first: a request whose Origin is not Steward's
//! own (or that a browser marks cross-site) is refused, and so is anything on a gRPC path that
//! is not a gRPC or gRPC-web call (a text/plain or form POST never reaches a handler).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use cookie::{Cookie, SameSite};
use http::{HeaderMap, Request, StatusCode, header};
use url::Url;

use steward_domain::facts::Principal;

use crate::AppState;
use crate::credentials::token_hash;
use crate::db::models::sessions;
use crate::error::{AppError, AppResult, NOT_SIGNED_IN};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "steward_session";

/// Who made a request: put into every gRPC request's extensions by [`authenticate`].
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Option<Principal>,
    /// When the caller's session expires (set with `principal`).
    pub session_expires_at: Option<DateTime<Utc>>,
    /// The hash of the session token presented, if any.
    pub session_hash: Option<Vec<u8>>,
    /// The client's address, for sign-in limits.
    pub address: String,
}

impl Caller {
    /// The signed-in person, or Unauthenticated.
    pub fn signed_in(&self) -> AppResult<&Principal> {
        self.principal.as_ref().ok_or(AppError::Unauthenticated(NOT_SIGNED_IN))
    }
}

/// Reads the [`Caller`] the layer stored; a request that skipped the layer is a wiring bug.
pub fn caller<T>(request: &tonic::Request<T>) -> AppResult<Caller> {
    request.extensions().get::<Caller>().cloned().ok_or_else(|| {
        AppError::internal(anyhow::anyhow!("request reached a handler without the authentication layer"))
    })
}

/// The `Set-Cookie` value that starts a session: HttpOnly, SameSite=Strict, for the whole
/// site, and Secure when Steward is served over https.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    let max_age = cookie::time::Duration::seconds(i64::try_from(max_age_secs).unwrap_or(i64::MAX));
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .max_age(max_age)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
        .to_string()
}

/// The `Set-Cookie` value that ends a session.
pub fn cleared_session_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// The session token in a request's `Cookie` headers, if any.
pub fn session_token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_owned())
}

/// Layer: resolves the session cookie into a [`Caller`] for the handlers.
pub async fn authenticate(State(state): State<AppState>, mut request: Request<Body>, next: Next) -> Response {
    let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0);
    match resolve_caller(&state, request.headers(), address).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => grpc_error(error),
    }
}

/// Who is calling with these headers from `address`: the session cookie's person, if it names
/// a live session (the API's layer and the file door both ask this).
pub async fn resolve_caller(state: &AppState, headers: &HeaderMap, address: Option<SocketAddr>) -> AppResult<Caller> {
    let address = address.map_or_else(|| "unknown".to_owned(), |address| address.ip().to_string());
    let session_hash = session_token_from(headers).map(|token| token_hash(&token));
    let signed_in = match &session_hash {
        None => None,
        Some(hash) => {
            let (cache, now) = (&state.core.live.sessions, state.core.now());
            match cache.get(hash, now) {
                Some(signed_in) => Some(signed_in),
                None => {
                    let seen = cache.changes_seen();
                    let mut conn = state.core.pool.get().await?;
                    let signed_in = sessions::principal_for(&mut conn, hash, now).await?;
                    if let Some(signed_in) = &signed_in {
                        cache.keep(hash.clone(), signed_in.clone(), seen);
                    }
                    signed_in
                }
            }
        }
    };
    let (principal, session_expires_at) = match signed_in {
        Some(signed_in) => (Some(signed_in.principal), Some(signed_in.expires_at)),
        None => (None, None),
    };
    Ok(Caller { principal, session_expires_at, session_hash, address })
}

/// Answers a request with a gRPC status before it reaches a handler.
fn grpc_error(error: AppError) -> Response {
    tonic::Status::from(error).into_http::<Body>().into_response()
}

/// Layer: refuses cross-origin browser requests and anything on a gRPC path that is not a gRPC
/// call. Native gRPC clients send no Origin and pass; browsers always send one with a POST.
pub async fn guard_browser_requests(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    let headers = request.headers();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with("application/grpc") {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Steward's API takes gRPC or gRPC-web requests only.\n")
            .into_response();
    }
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return (StatusCode::FORBIDDEN, "Cross-site requests are refused.\n").into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let allowed =
            origin.to_str().is_ok_and(|origin| origin_allowed(origin, state.config.public_origin.as_deref(), host));
        if !allowed {
            return (StatusCode::FORBIDDEN, "Requests from other sites are refused.\n").into_response();
        }
    }
    next.run(request).await
}

/// Whether a browser request from `origin` may run: it must be the configured public origin,
/// or, when none is configured, an http(s) origin naming the host the request was sent to.
/// Origins are compared as URLs (scheme, host and port; default ports and case do not matter).
pub fn origin_allowed(origin: &str, public_origin: Option<&str>, host: Option<&str>) -> bool {
    let Ok(origin) = Url::parse(origin) else { return false };
    if !matches!(origin.scheme(), "http" | "https") || origin.host().is_none() {
        return false;
    }
    match public_origin {
        Some(public) => Url::parse(public).is_ok_and(|public| public.origin() == origin.origin()),
        None => host.is_some_and(|host| {
            Url::parse(&format!("{}://{host}", origin.scheme()))
                .is_ok_and(|sent_to| sent_to.origin() == origin.origin())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let cookie = Cookie::parse(session_cookie("abc", 3600, false)).expect("a cookie");
        assert_eq!((cookie.name(), cookie.value(), cookie.path()), ("steward_session", "abc", Some("/")));
        assert_eq!(cookie.max_age(), Some(cookie::time::Duration::seconds(3600)));
        assert_eq!(
            (cookie.http_only(), cookie.same_site(), cookie.secure()),
            (Some(true), Some(SameSite::Strict), None)
        );
        assert_eq!(Cookie::parse(session_cookie("abc", 3600, true)).expect("a cookie").secure(), Some(true));
        let cleared = Cookie::parse(cleared_session_cookie(false)).expect("a cookie");
        assert_eq!((cleared.value(), cleared.max_age()), ("", Some(cookie::time::Duration::ZERO)));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "theme=dark;steward_session=tok123;  lang=en".parse().unwrap());
        assert_eq!(session_token_from(&headers).as_deref(), Some("tok123"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, "steward_session=".parse().unwrap());
        assert_eq!(session_token_from(&empty), None);
    }

    #[test]
    fn origins() {
        assert!(origin_allowed("http://127.0.0.1:8080", None, Some("127.0.0.1:8080")));
        assert!(!origin_allowed("http://evil.example", None, Some("127.0.0.1:8080")));
        assert!(!origin_allowed("null", None, Some("127.0.0.1:8080")));
        assert!(origin_allowed(
            "https://support.example.org",
            Some("https://support.example.org"),
            Some("10.0.0.5:8080")
        ));
        assert!(!origin_allowed(
            "http://support.example.org",
            Some("https://support.example.org"),
            Some("support.example.org")
        ));
    }

    #[test]
    fn origins_compare_as_urls_not_as_text() {
        assert!(origin_allowed("HTTP://LOCALHOST:8080", None, Some("localhost:8080")), "case does not matter");
        assert!(origin_allowed("https://support.example.org:443", Some("https://support.example.org/"), None));
        assert!(!origin_allowed("http://127.0.0.1:8080.evil.example", None, Some("127.0.0.1:8080")));
        assert!(!origin_allowed("http://127.0.0.1:9090", None, Some("127.0.0.1:8080")), "another port");
        assert!(!origin_allowed("file://", None, Some("127.0.0.1:8080")));
        assert!(!origin_allowed("http://127.0.0.1:8080", None, None), "no host to compare with");
    }
}
