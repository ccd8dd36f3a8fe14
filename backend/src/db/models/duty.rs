//! The support duty roster, and what assignment suggestions need to know about stewards: who
//! is on duty, their open load, and when they last worked on a community's tickets.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{support_duty, ticket_events, tickets};
use crate::error::AppResult;
use steward_domain::TicketState;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = support_duty)]
pub struct DutyPeriod {
    pub id: i64,
    pub person_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Periods that have not ended by `today`, earliest first.
pub async fn current_and_future(conn: &mut AsyncPgConnection, today: NaiveDate) -> AppResult<Vec<DutyPeriod>> {
    Ok(support_duty::table
        .filter(support_duty::ends_on.gt(today))
        .select(DutyPeriod::as_select())
        .order((support_duty::starts_on, support_duty::id))
        .load(conn)
        .await?)
}

pub async fn add(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> AppResult<DutyPeriod> {
    Ok(diesel::insert_into(support_duty::table)
        .values((
            support_duty::person_id.eq(person_id),
            support_duty::starts_on.eq(starts_on),
            support_duty::ends_on.eq(ends_on),
        ))
        .returning(DutyPeriod::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes a period; whether there was one.
pub async fn remove(conn: &mut AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(diesel::delete(support_duty::table.find(id)).execute(conn).await? > 0)
}

/// How many open tickets (not resolved or closed) each person has assigned.
pub async fn open_load(conn: &mut AsyncPgConnection) -> AppResult<HashMap<i64, i64>> {
    let done = [TicketState::Resolved.as_str(), TicketState::Closed.as_str()];
    let rows: Vec<(Option<i64>, i64)> = tickets::table
        .filter(tickets::assignee_id.is_not_null())
        .filter(tickets::state.ne_all(done))
        .group_by(tickets::assignee_id)
        .select((tickets::assignee_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, count)| id.map(|id| (id, count))).collect())
}

/// When each person last changed or answered one of `community_id`'s tickets.
pub async fn last_touched(conn: &mut AsyncPgConnection, community_id: i64) -> AppResult<HashMap<i64, DateTime<Utc>>> {
    let rows: Vec<(Option<i64>, Option<DateTime<Utc>>)> = ticket_events::table
        .filter(ticket_events::community_id.eq(community_id))
        .filter(ticket_events::actor_id.is_not_null())
        .group_by(ticket_events::actor_id)
        .select((ticket_events::actor_id, diesel::dsl::max(ticket_events::at)))
        .load(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, at)| Some((id?, at?))).collect())
}
