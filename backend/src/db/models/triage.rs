//! What triage keeps beside a ticket: linked engineering issues, time logged, the communities'
//! budgets, the first response, and the response templates.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{is_unique_violation, unknown_value};
use crate::db::schema::{communities, response_templates, ticket_links, tickets, time_entries};
use crate::error::{AppError, AppResult};
use steward_domain::intake::FieldError;
use steward_domain::{BudgetPeriod, TicketState, budget};

/// An engineering issue linked to a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = ticket_links)]
pub struct Link {
    pub id: i64,
    pub ticket_number: i64,
    pub url: String,
    pub title: String,
    pub added_by: i64,
    pub created_at: DateTime<Utc>,
}

/// The links of a ticket, oldest first.
pub async fn links_of(conn: &mut AsyncPgConnection, ticket_number: i64) -> AppResult<Vec<Link>> {
    Ok(ticket_links::table
        .filter(ticket_links::ticket_number.eq(ticket_number))
        .select(Link::as_select())
        .order(ticket_links::id)
        .load(conn)
        .await?)
}

/// Links an issue; AlreadyExists (naming `url`) if the ticket already links it.
pub async fn add_link(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    url: &str,
    title: &str,
    added_by: i64,
    at: DateTime<Utc>,
) -> AppResult<Link> {
    diesel::insert_into(ticket_links::table)
        .values((
            ticket_links::ticket_number.eq(ticket_number),
            ticket_links::url.eq(url),
            ticket_links::title.eq(title),
            ticket_links::added_by.eq(added_by),
            ticket_links::created_at.eq(at),
        ))
        .returning(Link::as_returning())
        .get_result(conn)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                AppError::AlreadyExists(FieldError::new("url", "this ticket already links that issue"))
            } else {
                error.into()
            }
        })
}

/// Removes a link of the ticket; whether there was one.
pub async fn remove_link(conn: &mut AsyncPgConnection, ticket_number: i64, link_id: i64) -> AppResult<bool> {
    let removed = diesel::delete(
        ticket_links::table.filter(ticket_links::id.eq(link_id)).filter(ticket_links::ticket_number.eq(ticket_number)),
    )
    .execute(conn)
    .await?;
    Ok(removed > 0)
}

/// Records the first public answer from support, given `at`, if there was none yet.
pub async fn mark_acknowledged(conn: &AsyncPgConnection, ticket_number: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(tickets::table.find(ticket_number).filter(tickets::acknowledged_at.is_null()))
        .set(tickets::acknowledged_at.eq(at))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Adds time spent on a ticket.
pub async fn log_time(
    conn: &mut AsyncPgConnection,
    ticket_number: i64,
    person_id: i64,
    minutes: i32,
    worked_on: NaiveDate,
    note: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(time_entries::table)
        .values((
            time_entries::ticket_number.eq(ticket_number),
            time_entries::person_id.eq(person_id),
            time_entries::minutes.eq(minutes),
            time_entries::worked_on.eq(worked_on),
            time_entries::note.eq(note),
            time_entries::created_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// All time logged on each of these tickets, in minutes.
pub async fn minutes_logged(conn: &mut AsyncPgConnection, numbers: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    Ok(time_entries::table
        .filter(time_entries::ticket_number.eq_any(numbers))
        .group_by(time_entries::ticket_number)
        .select((time_entries::ticket_number, diesel::dsl::sum(time_entries::minutes)))
        .load::<(i64, Option<i64>)>(conn)
        .await?
        .into_iter()
        .map(|(number, minutes)| (number, minutes.unwrap_or(0)))
        .collect())
}

/// The minutes logged on each ticket in these states (those with none are left out): what
/// [`minutes_logged`] gives for them, without sending their numbers.
pub async fn minutes_logged_in_states(conn: &AsyncPgConnection, states: &[TicketState]) -> AppResult<Vec<(i64, i64)>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    Ok(time_entries::table
        .inner_join(tickets::table)
        .filter(tickets::state.eq_any(states))
        .group_by(time_entries::ticket_number)
        .select((time_entries::ticket_number, diesel::dsl::sum(time_entries::minutes)))
        .load::<(i64, Option<i64>)>(&mut { conn })
        .await?
        .into_iter()
        .map(|(number, minutes)| (number, minutes.unwrap_or(0)))
        .collect())
}

/// A community's budget setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetSetting {
    pub community_id: i64,
    pub hours: Option<i32>,
    pub period: BudgetPeriod,
}

/// The budget settings of these communities.
pub async fn budget_settings(conn: &mut AsyncPgConnection, community_ids: &[i64]) -> AppResult<Vec<BudgetSetting>> {
    communities::table
        .filter(communities::id.eq_any(community_ids))
        .select((communities::id, communities::budget_hours, communities::budget_period))
        .load::<(i64, Option<i32>, String)>(conn)
        .await?
        .into_iter()
        .map(|(community_id, hours, period)| {
            let period =
                BudgetPeriod::parse(&period).ok_or_else(|| unknown_value("communities.budget_period", &period))?;
            Ok(BudgetSetting { community_id, hours, period })
        })
        .collect()
}

/// Sets a community's budget; false if there is no such community.
pub async fn set_budget(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    hours: Option<i32>,
    period: BudgetPeriod,
) -> AppResult<bool> {
    let updated = diesel::update(communities::table.find(community_id))
        .set((communities::budget_hours.eq(hours), communities::budget_period.eq(period.as_str())))
        .execute(conn)
        .await?;
    Ok(updated > 0)
}

/// Time logged on a community's tickets in its current budget period, in minutes: on tickets
/// that are not incidents (drawing on the budget), and on incidents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeUsed {
    pub budget_minutes: i64,
    pub incident_minutes: i64,
}

#[derive(QueryableByName)]
struct LoggedMinutes {
    #[diesel(sql_type = BigInt)]
    community_id: i64,
    #[diesel(sql_type = Bool)]
    incident: bool,
    #[diesel(sql_type = Bool)]
    this_month: bool,
    #[diesel(sql_type = BigInt)]
    minutes: i64,
}

/// [`TimeUsed`] of each of these communities in the period of its setting that contains
/// `today`, in one query (every period containing today lies within today's quarter).
pub async fn time_used(
    conn: &mut AsyncPgConnection,
    settings: &[BudgetSetting],
    today: NaiveDate,
) -> AppResult<HashMap<i64, TimeUsed>> {
    let (quarter_start, quarter_end) = budget::period_containing(today, BudgetPeriod::Quarter);
    let (month_start, _) = budget::period_containing(today, BudgetPeriod::Month);
    let ids: Vec<i64> = settings.iter().map(|s| s.community_id).collect();
    let rows: Vec<LoggedMinutes> = diesel::sql_query(
        "SELECT t.community_id, t.request_type = 'incident' AS incident, e.worked_on >= $3 AS this_month,
                sum(e.minutes)::bigint AS minutes
           FROM time_entries e JOIN tickets t ON t.number = e.ticket_number
          WHERE t.community_id = ANY($1) AND e.worked_on >= $2 AND e.worked_on < $4
          GROUP BY 1, 2, 3",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Date, _>(quarter_start)
    .bind::<Date, _>(month_start)
    .bind::<Date, _>(quarter_end)
    .load(conn)
    .await?;
    let mut used: HashMap<i64, TimeUsed> = ids.iter().map(|id| (*id, TimeUsed::default())).collect();
    for row in rows {
        let Some(setting) = settings.iter().find(|s| s.community_id == row.community_id) else { continue };
        if setting.period == BudgetPeriod::Month && !row.this_month {
            continue;
        }
        let entry = used.entry(row.community_id).or_default();
        if row.incident {
            entry.incident_minutes += row.minutes;
        } else {
            entry.budget_minutes += row.minutes;
        }
    }
    Ok(used)
}

/// A response template as stored.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = response_templates)]
pub struct Template {
    pub key: String,
    pub name: String,
    pub body: String,
    pub position: i32,
}

/// Every template, in the order to offer them.
pub async fn templates(conn: &mut AsyncPgConnection) -> AppResult<Vec<Template>> {
    Ok(response_templates::table
        .select(Template::as_select())
        .order((response_templates::position, response_templates::key))
        .load(conn)
        .await?)
}

/// The template with this key.
pub async fn template(conn: &mut AsyncPgConnection, key: &str) -> AppResult<Option<Template>> {
    Ok(response_templates::table.find(key).select(Template::as_select()).first(conn).await.optional()?)
}

/// Creates the template, or replaces the one with its key.
pub async fn save_template(
    conn: &mut AsyncPgConnection,
    template: &Template,
    at: DateTime<Utc>,
) -> AppResult<Template> {
    let values = (
        response_templates::key.eq(&template.key),
        response_templates::name.eq(&template.name),
        response_templates::body.eq(&template.body),
        response_templates::position.eq(template.position),
    );
    Ok(diesel::insert_into(response_templates::table)
        .values(values)
        .on_conflict(response_templates::key)
        .do_update()
        .set((
            response_templates::name.eq(&template.name),
            response_templates::body.eq(&template.body),
            response_templates::position.eq(template.position),
            response_templates::updated_at.eq(at),
        ))
        .returning(Template::as_returning())
        .get_result(conn)
        .await?)
}
