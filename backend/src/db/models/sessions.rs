//! Sessions (stored as token hashes) and the failed sign-ins that limit guessing.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::unknown_value;
use crate::db::schema::{failed_sign_ins, memberships, people, sessions};
use crate::error::AppResult;
use steward_domain::facts::Principal;
use steward_domain::{MembershipRole, StaffRole};

/// Stores a new session.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    person_id: i64,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::person_id.eq(person_id),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a session, recording the access change so streams opened with it end too; whose it was
/// (none if there was no such session).
pub async fn delete(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> AppResult<Option<i64>> {
    conn.transaction(async |conn| {
        let ended: Option<i64> = diesel::delete(sessions::table.find(token_hash))
            .returning(sessions::person_id)
            .get_result(conn)
            .await
            .optional()?;
        if let Some(person_id) = ended {
            super::live::record_access_change(conn, person_id).await?;
        }
        Ok(ended)
    })
    .await
}

/// Deletes sessions expired by `now` and failed sign-ins older than `keep_failures_since`.
pub async fn prune(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    keep_failures_since: DateTime<Utc>,
) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn).await?;
    diesel::delete(failed_sign_ins::table.filter(failed_sign_ins::at.lt(keep_failures_since))).execute(conn).await?;
    Ok(())
}

/// A live session: who holds it, with their roles, and when it ends (sessions never get longer).
#[derive(Clone, Debug, PartialEq)]
pub struct SignedIn {
    pub principal: Principal,
    pub expires_at: DateTime<Utc>,
}

/// Who holds the session with this token hash, unexpired at `now`, with their roles, and when it
/// expires.
///
/// This runs on every call, so it is written with the query builder: its two statements are
/// prepared once per connection and never planned again (hand-written SQL is re-planned on every
/// call).
pub async fn principal_for(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> AppResult<Option<SignedIn>> {
    // Both statements go out at once (pipelined): one round trip.
    let shared: &AsyncPgConnection = conn;
    let person = sessions::table
        .inner_join(people::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .select((people::id, people::display_name, people::email, people::staff_role, sessions::expires_at))
        .first::<(i64, String, String, Option<String>, DateTime<Utc>)>(&mut &*shared);
    let roles = memberships::table
        .filter(
            memberships::person_id
                .eq_any(sessions::table.filter(sessions::token_hash.eq(token_hash)).select(sessions::person_id)),
        )
        .select((memberships::community_id, memberships::role))
        .order(memberships::community_id)
        .load::<(i64, String)>(&mut &*shared);
    let (person, roles) = futures_util::try_join!(async { person.await.optional() }, roles)?;
    let Some((person_id, display_name, email, staff_role, expires_at)) = person else { return Ok(None) };
    let staff_role = match staff_role {
        None => None,
        Some(text) => Some(StaffRole::parse(&text).ok_or_else(|| unknown_value("people.staff_role", &text))?),
    };
    let mut principal =
        Principal { person_id, display_name, email, staff_role, representative_of: Vec::new(), member_of: Vec::new() };
    for (community_id, role) in roles {
        match MembershipRole::parse(&role).ok_or_else(|| unknown_value("memberships.role", &role))? {
            MembershipRole::Representative => principal.representative_of.push(community_id),
            MembershipRole::Member => principal.member_of.push(community_id),
        }
    }
    Ok(Some(SignedIn { principal, expires_at }))
}

/// Whether a sign-in attempt may go ahead (see [`reserve_attempt`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// It may; it is counted as failed until [`clear_failures`] forgets it.
    Allowed,
    /// The account has had `max_per_account` failures since the window began.
    AccountLimited,
    /// The address has had `max_per_address` failures since the window began.
    AddressLimited,
}

/// Decides whether a sign-in for `email` from `address` may go ahead, given the failures since
/// `since`, and if so counts it as failed (made `at`) before the password is checked. Deciding
/// and counting happen under locks on the email and the address, so concurrent attempts are
/// counted one after the other: no more than the limit ever get to check a password.
pub async fn reserve_attempt(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
    since: DateTime<Utc>,
    at: DateTime<Utc>,
    (max_per_account, max_per_address): (i64, i64),
) -> AppResult<Attempt> {
    conn.transaction(async |conn| {
        // Always the email first, then the address: two attempts never wait on each other in
        // opposite orders.
        for key in [format!("sign-in email {email}"), format!("sign-in address {address}")] {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(conn)
                .await?;
        }
        let for_account: i64 = failed_sign_ins::table
            .filter(failed_sign_ins::email.eq(email))
            .filter(failed_sign_ins::at.ge(since))
            .count()
            .get_result(conn)
            .await?;
        if for_account >= max_per_account {
            return Ok(Attempt::AccountLimited);
        }
        let from_address: i64 = failed_sign_ins::table
            .filter(failed_sign_ins::address.eq(address))
            .filter(failed_sign_ins::at.ge(since))
            .count()
            .get_result(conn)
            .await?;
        if from_address >= max_per_address {
            return Ok(Attempt::AddressLimited);
        }
        diesel::insert_into(failed_sign_ins::table)
            .values((
                failed_sign_ins::email.eq(email),
                failed_sign_ins::address.eq(address),
                failed_sign_ins::at.eq(at),
            ))
            .execute(conn)
            .await?;
        Ok(Attempt::Allowed)
    })
    .await
}

/// Forgets the failed sign-ins of an account after it signs in.
pub async fn clear_failures(conn: &mut AsyncPgConnection, email: &str) -> AppResult<()> {
    diesel::delete(failed_sign_ins::table.filter(failed_sign_ins::email.eq(email))).execute(conn).await?;
    Ok(())
}
