//! The one row of how to get support: channels and the security route.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::support_policy;
use crate::error::AppResult;

#[derive(Clone, Debug, Default, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = support_policy)]
pub struct SupportPolicy {
    pub channels: String,
    pub security_contact: String,
    pub security_instructions: String,
}

/// The policy (the migration creates its row).
pub async fn get(conn: &mut AsyncPgConnection) -> AppResult<SupportPolicy> {
    Ok(support_policy::table.select(SupportPolicy::as_select()).first(conn).await?)
}

/// Replaces the policy.
pub async fn set(conn: &mut AsyncPgConnection, policy: &SupportPolicy, at: DateTime<Utc>) -> AppResult<SupportPolicy> {
    Ok(diesel::update(support_policy::table)
        .set((
            support_policy::channels.eq(&policy.channels),
            support_policy::security_contact.eq(&policy.security_contact),
            support_policy::security_instructions.eq(&policy.security_instructions),
            support_policy::updated_at.eq(at),
        ))
        .returning(SupportPolicy::as_returning())
        .get_result(conn)
        .await?)
}
