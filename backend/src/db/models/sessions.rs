//! Sessions (stored as token hashes) and the failed sign-ins that limit guessing.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bytea, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::unknown_value;
use crate::auth::Principal;
use crate::db::schema::{failed_sign_ins, sessions};
use crate::domain::StaffRole;
use crate::error::AppResult;

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

/// Ends a session, recording the access change so streams opened with it end too.
pub async fn delete(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> AppResult<()> {
    conn.transaction(async |conn| {
        let ended: Vec<i64> =
            diesel::delete(sessions::table.find(token_hash)).returning(sessions::person_id).get_results(conn).await?;
        for person_id in ended {
            super::live::record_access_change(conn, person_id).await?;
        }
        Ok(())
    })
    .await
}

/// Deletes expired sessions and failed sign-ins older than `keep_failures_since`.
pub async fn prune(conn: &mut AsyncPgConnection, keep_failures_since: DateTime<Utc>) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(diesel::dsl::now))).execute(conn).await?;
    diesel::delete(failed_sign_ins::table.filter(failed_sign_ins::at.lt(keep_failures_since))).execute(conn).await?;
    Ok(())
}

#[derive(QueryableByName)]
struct PrincipalRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    display_name: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Nullable<Text>)]
    staff_role: Option<String>,
    #[diesel(sql_type = Array<BigInt>)]
    representative_of: Vec<i64>,
    #[diesel(sql_type = Array<BigInt>)]
    member_of: Vec<i64>,
}

/// Who holds the unexpired session with this token hash, with their roles, in one query.
pub async fn principal_for(conn: &mut AsyncPgConnection, token_hash: &[u8]) -> AppResult<Option<Principal>> {
    let row: Option<PrincipalRow> = diesel::sql_query(
        "SELECT p.id, p.display_name, p.email, p.staff_role,
                coalesce(array_agg(m.community_id ORDER BY m.community_id)
                         FILTER (WHERE m.role = 'representative'), '{}') AS representative_of,
                coalesce(array_agg(m.community_id ORDER BY m.community_id)
                         FILTER (WHERE m.role = 'member'), '{}') AS member_of
           FROM sessions s
           JOIN people p ON p.id = s.person_id
           LEFT JOIN memberships m ON m.person_id = p.id
          WHERE s.token_hash = $1 AND s.expires_at > now()
          GROUP BY p.id",
    )
    .bind::<Bytea, _>(token_hash)
    .get_result(conn)
    .await
    .optional()?;
    row.map(|row| {
        let staff_role = match row.staff_role {
            None => None,
            Some(text) => Some(StaffRole::parse(&text).ok_or_else(|| unknown_value("people.staff_role", &text))?),
        };
        Ok(Principal {
            person_id: row.id,
            display_name: row.display_name,
            email: row.email,
            staff_role,
            representative_of: row.representative_of,
            member_of: row.member_of,
        })
    })
    .transpose()
}

/// Records a failed sign-in.
pub async fn record_failure(conn: &mut AsyncPgConnection, email: &str, address: &str) -> AppResult<()> {
    diesel::insert_into(failed_sign_ins::table)
        .values((failed_sign_ins::email.eq(email), failed_sign_ins::address.eq(address)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Failed sign-ins since `since`: (for this email, from this address).
pub async fn recent_failures(
    conn: &mut AsyncPgConnection,
    email: &str,
    address: &str,
    since: DateTime<Utc>,
) -> AppResult<(i64, i64)> {
    let for_email = failed_sign_ins::table
        .filter(failed_sign_ins::email.eq(email))
        .filter(failed_sign_ins::at.ge(since))
        .count()
        .get_result(conn)
        .await?;
    let from_address = failed_sign_ins::table
        .filter(failed_sign_ins::address.eq(address))
        .filter(failed_sign_ins::at.ge(since))
        .count()
        .get_result(conn)
        .await?;
    Ok((for_email, from_address))
}

/// Forgets the failed sign-ins of an account after it signs in.
pub async fn clear_failures(conn: &mut AsyncPgConnection, email: &str) -> AppResult<()> {
    diesel::delete(failed_sign_ins::table.filter(failed_sign_ins::email.eq(email))).execute(conn).await?;
    Ok(())
}
