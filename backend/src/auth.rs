//! Who is calling. Passwords are hashed with argon2id (OWASP's minimum parameters); a session
//! is a random token in an HttpOnly, SameSite=Strict cookie, stored only as its SHA-256 hash.
//! The [`authenticate`] layer turns the cookie into a [`Caller`] in the request's extensions
//! before any handler runs; handlers then ask [`steward_domain::authz`] what that caller may do.
//!
//! The [`guard_browser_requests`] layer runs first: a request whose Origin is not Steward's
//! own (or that a browser marks cross-site) is refused, and so is anything on a gRPC path that
//! is not a gRPC or gRPC-web call (a text/plain or form POST never reaches a handler).

use std::net::SocketAddr;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, Request, StatusCode, header};
use sha2::{Digest, Sha256};

use steward_domain::authz::Principal;

use crate::AppState;
use crate::db::models::sessions;
use crate::error::{AppError, AppResult};

/// What a caller without a valid session is told.
pub const NOT_SIGNED_IN: &str = "You are not signed in, or your session has expired. Sign in to continue.";

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "steward_session";

/// Who made a request: put into every gRPC request's extensions by [`authenticate`].
#[derive(Clone, Debug)]
pub struct Caller {
    pub principal: Option<Principal>,
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

fn argon2() -> Argon2<'static> {
    // OWASP password storage cheat sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (slow on purpose: run it off the async threads).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("hashing a password failed: {e}")))
}

/// Whether `password` matches `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a new password's strength; the error names the field `password`.
pub fn check_new_password(password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid("password", format!("Use at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid("password", "Use at most 1024 characters."));
    }
    Ok(())
}

/// A new random session token (256 bits) and the hash to store.
pub fn new_session_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}")
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
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// Layer: resolves the session cookie into a [`Caller`] for the handlers.
pub async fn authenticate(State(state): State<AppState>, mut request: Request<Body>, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    let session_hash = session_token_from(request.headers()).map(|token| token_hash(&token));
    let principal = match &session_hash {
        None => None,
        Some(hash) => match state.core.pool.get().await.map_err(AppError::from) {
            Ok(mut conn) => match sessions::principal_for(&mut conn, hash, state.core.now()).await {
                Ok(principal) => principal,
                Err(error) => return grpc_error(error),
            },
            Err(error) => return grpc_error(error),
        },
    };
    request.extensions_mut().insert(Caller { principal, session_hash, address });
    next.run(request).await
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

/// Whether a browser request from `origin` may run: it must equal the configured public
/// origin, or, when none is configured, name the same host the request was sent to.
pub fn origin_allowed(origin: &str, public_origin: Option<&str>, host: Option<&str>) -> bool {
    let origin = origin.to_ascii_lowercase();
    match public_origin {
        Some(public) => origin == public,
        None => {
            let origin_host = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
            matches!((origin_host, host), (Some(origin_host), Some(host)) if origin_host == host.to_ascii_lowercase())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        match check_new_password("short") {
            Err(AppError::InvalidArgument(field)) => assert_eq!(field.field, "password"),
            other => panic!("{other:?}"),
        }
        assert!(check_new_password("twelve chars").is_ok());
    }

    #[test]
    fn session_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, token_hash(&a));
        assert_ne!(hash_a, a.as_bytes());
    }

    #[test]
    fn the_cookie_is_http_only_and_strict() {
        let cookie = session_cookie("abc", 3600, false);
        assert_eq!(cookie, "steward_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
        assert!(session_cookie("abc", 3600, true).ends_with("; Secure"));
        assert!(cleared_session_cookie(false).starts_with("steward_session=; Path=/; Max-Age=0"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "theme=dark; steward_session=tok123; lang=en".parse().unwrap());
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
}
