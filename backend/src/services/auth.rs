//! `steward.v1.AuthService`: sign in, sign out, and who am I.
//!
//! Sign-in limits: at most [`MAX_FAILURES_PER_ACCOUNT`] failed attempts per account and
//! [`MAX_FAILURES_PER_ADDRESS`] per client address within [`FAILURE_WINDOW_MINUTES`]; past
//! that, attempts are refused (even with the right password) until the window moves on. An
//! attempt is counted before its password is checked, atomically with the check of the limit,
//! so concurrent attempts cannot slip past it.

use std::sync::LazyLock;

use chrono::Duration;
use steward_proto::v1 as pb;
use steward_proto::v1::auth_service_server::AuthService;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::{self, caller};
use crate::convert;
use crate::credentials;
use crate::db::models::people;
use crate::db::models::sessions::{self, Attempt};
use crate::error::{AppError, AppResult};

pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
const FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(FAILURE_WINDOW_MINUTES as u64 * 60);

const WRONG_CREDENTIALS: &str = "The email or password is not right.";

/// Verifying against this when the email is unknown takes as long as a real check, so the
/// answer's timing does not tell which emails exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| credentials::hash_password("not anyone's password").unwrap_or_default());

/// The sign-in service.
pub struct AuthApi {
    pub state: AppState,
}

fn with_cookie<T>(message: T, cookie: &str) -> AppResult<Response<T>> {
    let mut response = Response::new(message);
    let value: MetadataValue<Ascii> = cookie.parse().map_err(AppError::internal)?;
    response.metadata_mut().insert("set-cookie", value);
    Ok(response)
}

impl AuthApi {
    /// Signs in with a new session token; a session the browser still presented is ended, so
    /// a token known before the sign-in (planted or stolen) is worth nothing after it.
    async fn sign_in(
        &self,
        address: &str,
        presented: Option<&[u8]>,
        request: pb::SignInRequest,
    ) -> AppResult<Response<pb::SignInResponse>> {
        self.state.limiter.sign_in(address)?;
        let email = people::normalize_email(&request.email);
        if email.is_empty() {
            return Err(AppError::invalid("email", "Enter your email address."));
        }
        if request.password.is_empty() {
            return Err(AppError::invalid("password", "Enter your password."));
        }
        let now = self.state.core.now();
        let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        let mut conn = self.state.core.pool.get().await?;
        let limits = (MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS);
        match sessions::reserve_attempt(&mut conn, &email, address, since, now, limits).await? {
            Attempt::Allowed => {}
            Attempt::AccountLimited => {
                return Err(AppError::TooMany {
                    message: format!(
                        "Too many failed sign-ins for this account. Wait {FAILURE_WINDOW_MINUTES} minutes, then try again."
                    ),
                    retry_after: FAILURE_WINDOW,
                });
            }
            Attempt::AddressLimited => {
                return Err(AppError::TooMany {
                    message: format!(
                        "Too many failed sign-ins from your network. Wait {FAILURE_WINDOW_MINUTES} minutes, then try again."
                    ),
                    retry_after: FAILURE_WINDOW,
                });
            }
        }
        let found = people::find_by_email(&mut conn, &email).await?;
        let hash = found.as_ref().map(|(_, hash)| hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = credentials::verified_in_turn(request.password, hash).await?;
        let person = match found {
            Some((person, _)) if matches => person,
            _ => {
                // Already counted as failed by reserve_attempt.
                tracing::info!(email, address, "failed sign-in");
                return Err(AppError::Unauthenticated(WRONG_CREDENTIALS));
            }
        };
        sessions::clear_failures(&mut conn, &email).await?;
        sessions::prune(&mut conn, now, since).await?;
        // The session the browser still presented ends: in this process's cache at once too.
        if let Some(old) = presented
            && let Some(owner) = sessions::delete(&mut conn, old).await?
        {
            self.state.core.live.access_changed(owner);
        }
        let (token, token_hash) = credentials::new_session_token();
        let ttl = self.state.config.session_ttl;
        let expires_at = now + Duration::from_std(ttl).map_err(AppError::internal)?;
        sessions::insert(&mut conn, &token_hash, person.id, expires_at).await?;
        let memberships = people::memberships_of(&mut conn, &[person.id]).await?;
        tracing::info!(person_id = person.id, "signed in");
        let cookie = auth::session_cookie(&token, ttl.as_secs(), self.state.config.secure_cookies());
        with_cookie(pb::SignInResponse { person: Some(convert::person(&person, &memberships)) }, &cookie)
    }
}

#[tonic::async_trait]
impl AuthService for AuthApi {
    async fn sign_in(&self, request: Request<pb::SignInRequest>) -> Result<Response<pb::SignInResponse>, Status> {
        let caller = caller(&request)?.clone();
        Ok(self.sign_in(&caller.address, caller.session_hash.as_deref(), request.into_inner()).await?)
    }

    async fn sign_out(&self, request: Request<pb::SignOutRequest>) -> Result<Response<pb::SignOutResponse>, Status> {
        let caller = caller(&request)?;
        if let Some(hash) = &caller.session_hash {
            let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
            if let Some(owner) = sessions::delete(&mut conn, hash).await? {
                self.state.core.live.access_changed(owner);
            }
        }
        Ok(with_cookie(pb::SignOutResponse {}, &auth::cleared_session_cookie(self.state.config.secure_cookies()))?)
    }

    async fn get_current_user(
        &self,
        request: Request<pb::GetCurrentUserRequest>,
    ) -> Result<Response<pb::GetCurrentUserResponse>, Status> {
        let caller = caller(&request)?;
        let principal = caller.signed_in()?;
        let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let person = people::find(&mut conn, principal.person_id).await?.ok_or(AppError::NotFound("person"))?;
        let memberships = people::memberships_of(&mut conn, &[person.id]).await?;
        Ok(Response::new(pb::GetCurrentUserResponse {
            person: Some(convert::person(&person, &memberships)),
            max_upload_bytes: self.state.core.files.max_bytes,
        }))
    }
}
