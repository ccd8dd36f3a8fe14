//! Service levels as admins set them: business calendars, the team's clock settings, the
//! targets per priority (the team's, and those agreed with one community), and each
//! community's own calendar. Stored values are the domain's (`CalendarSpec`, `Target`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::Priority;
use steward_domain::calendar::CalendarSpec;
use steward_domain::sla::{ClockKind, Target};

use super::{is_unique_violation, unknown_value};
use crate::db::schema::{calendars, communities, sla_settings, sla_targets};
use crate::error::{AppError, AppResult};

/// The built-in 24/7 calendar's id.
pub const ALWAYS_CALENDAR_ID: i64 = 1;

#[derive(Queryable, Selectable)]
#[diesel(table_name = calendars)]
struct CalendarRow {
    id: i64,
    name: String,
    builtin: bool,
    spec: serde_json::Value,
    updated_at: DateTime<Utc>,
}

/// A calendar as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCalendar {
    pub id: i64,
    pub name: String,
    /// Built in (24/7): it cannot be changed or removed.
    pub builtin: bool,
    pub spec: CalendarSpec,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<CalendarRow> for StoredCalendar {
    type Error = AppError;
    fn try_from(row: CalendarRow) -> AppResult<StoredCalendar> {
        Ok(StoredCalendar {
            spec: serde_json::from_value(row.spec)
                .map_err(|e| AppError::internal(anyhow::anyhow!("calendar {} does not read: {e}", row.id)))?,
            id: row.id,
            name: row.name,
            builtin: row.builtin,
            updated_at: row.updated_at,
        })
    }
}

/// Every calendar, built-in first, then by name.
pub async fn calendars(conn: &AsyncPgConnection) -> AppResult<Vec<StoredCalendar>> {
    let rows: Vec<CalendarRow> = calendars::table
        .select(CalendarRow::as_select())
        .order((calendars::builtin.desc(), calendars::name))
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(StoredCalendar::try_from).collect()
}

/// What a calendar name already taken is told.
const NAME_TAKEN: &str = "Another calendar has this name.";

/// Adds a calendar; InvalidArgument (`name`) if the name is taken.
pub async fn insert_calendar(
    conn: &AsyncPgConnection,
    name: &str,
    spec: &CalendarSpec,
    at: DateTime<Utc>,
) -> AppResult<StoredCalendar> {
    let spec = serde_json::to_value(spec).map_err(AppError::internal)?;
    let row: Result<CalendarRow, _> = diesel::insert_into(calendars::table)
        .values((calendars::name.eq(name), calendars::spec.eq(spec), calendars::updated_at.eq(at)))
        .returning(CalendarRow::as_returning())
        .get_result(&mut { conn })
        .await;
    match row {
        Ok(row) => row.try_into(),
        Err(error) if is_unique_violation(&error) => Err(AppError::invalid("name", NAME_TAKEN)),
        Err(error) => Err(error.into()),
    }
}

/// Replaces a calendar that is not built in; None if there is no such calendar.
pub async fn update_calendar(
    conn: &AsyncPgConnection,
    id: i64,
    name: &str,
    spec: &CalendarSpec,
    at: DateTime<Utc>,
) -> AppResult<Option<StoredCalendar>> {
    let spec = serde_json::to_value(spec).map_err(AppError::internal)?;
    let row: Result<Option<CalendarRow>, _> =
        diesel::update(calendars::table.filter(calendars::id.eq(id)).filter(calendars::builtin.eq(false)))
            .set((calendars::name.eq(name), calendars::spec.eq(spec), calendars::updated_at.eq(at)))
            .returning(CalendarRow::as_returning())
            .get_result(&mut { conn })
            .await
            .optional();
    match row {
        Ok(row) => row.map(StoredCalendar::try_from).transpose(),
        Err(error) if is_unique_violation(&error) => Err(AppError::invalid("name", NAME_TAKEN)),
        Err(error) => Err(error.into()),
    }
}

/// Where a calendar is in use: the names of what uses it, to say why it cannot go.
pub async fn calendar_uses(conn: &AsyncPgConnection, id: i64) -> AppResult<Vec<String>> {
    let mut uses = Vec::new();
    let business: i64 = sla_settings::table.select(sla_settings::business_calendar_id).first(&mut { conn }).await?;
    if business == id {
        uses.push("the team's business hours".to_owned());
    }
    let targets: i64 =
        sla_targets::table.filter(sla_targets::calendar_id.eq(id)).count().get_result(&mut { conn }).await?;
    if targets > 0 {
        uses.push(format!("{targets} target{}", if targets == 1 { "" } else { "s" }));
    }
    let names: Vec<String> = communities::table
        .filter(communities::calendar_id.eq(id))
        .select(communities::name)
        .load(&mut { conn })
        .await?;
    uses.extend(names);
    Ok(uses)
}

/// Removes a calendar that is not built in; whether there was one.
pub async fn delete_calendar(conn: &AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(diesel::delete(calendars::table.filter(calendars::id.eq(id)).filter(calendars::builtin.eq(false)))
        .execute(&mut { conn })
        .await?
        > 0)
}

/// Which database this is and which revision of the goals it holds: the key of a server's
/// in-memory copy of them.
pub async fn revision(conn: &AsyncPgConnection) -> AppResult<(String, i64)> {
    Ok(sla_settings::table
        .select((diesel::dsl::sql::<diesel::sql_types::Text>("current_database()"), sla_settings::revision))
        .first(&mut { conn })
        .await?)
}

/// Says that the goals changed (in the caller's transaction), so every server reads them again.
pub async fn bump_revision(conn: &AsyncPgConnection) -> AppResult<()> {
    diesel::update(sla_settings::table)
        .set(sla_settings::revision.eq(sla_settings::revision + 1))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// The team's settings for clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sla_settings)]
pub struct Settings {
    pub business_calendar_id: i64,
    pub warn_percent: i16,
    pub auto_close_minutes: i32,
}

pub async fn settings(conn: &AsyncPgConnection) -> AppResult<Settings> {
    Ok(sla_settings::table.select(Settings::as_select()).first(&mut { conn }).await?)
}

pub async fn set_settings(conn: &AsyncPgConnection, settings: &Settings, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(sla_settings::table)
        .set((
            sla_settings::business_calendar_id.eq(settings.business_calendar_id),
            sla_settings::warn_percent.eq(settings.warn_percent),
            sla_settings::auto_close_minutes.eq(settings.auto_close_minutes),
            sla_settings::updated_at.eq(at),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// One target: for the team (no community) or agreed with one community.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredTarget {
    pub community_id: Option<i64>,
    pub priority: Priority,
    pub kind: ClockKind,
    pub target: Target,
    /// None: the business calendar (the community's own, else the team's).
    pub calendar_id: Option<i64>,
}

/// Every target, the team's and every community's.
pub async fn targets(conn: &AsyncPgConnection) -> AppResult<Vec<StoredTarget>> {
    type Row = (Option<i64>, String, String, serde_json::Value, Option<i64>);
    let rows: Vec<Row> = sla_targets::table
        .select((
            sla_targets::community_id,
            sla_targets::priority,
            sla_targets::kind,
            sla_targets::target,
            sla_targets::calendar_id,
        ))
        .order(sla_targets::id)
        .load(&mut { conn })
        .await?;
    rows.into_iter()
        .map(|(community_id, priority, kind, target, calendar_id)| {
            Ok(StoredTarget {
                community_id,
                priority: Priority::parse(&priority).ok_or_else(|| unknown_value("sla_targets.priority", &priority))?,
                kind: ClockKind::parse(&kind).ok_or_else(|| unknown_value("sla_targets.kind", &kind))?,
                target: serde_json::from_value(target).map_err(AppError::internal)?,
                calendar_id,
            })
        })
        .collect()
}

/// Replaces the targets of one scope (the team's when `community_id` is none).
pub async fn replace_targets(
    conn: &AsyncPgConnection,
    community_id: Option<i64>,
    targets: &[StoredTarget],
) -> AppResult<()> {
    match community_id {
        Some(id) => {
            diesel::delete(sla_targets::table.filter(sla_targets::community_id.eq(id))).execute(&mut { conn }).await?
        }
        None => {
            diesel::delete(sla_targets::table.filter(sla_targets::community_id.is_null()))
                .execute(&mut { conn })
                .await?
        }
    };
    let rows = targets
        .iter()
        .map(|t| {
            Ok((
                sla_targets::community_id.eq(community_id),
                sla_targets::priority.eq(t.priority.as_str()),
                sla_targets::kind.eq(t.kind.as_str()),
                sla_targets::target.eq(serde_json::to_value(t.target).map_err(AppError::internal)?),
                sla_targets::calendar_id.eq(t.calendar_id),
            ))
        })
        .collect::<AppResult<Vec<_>>>()?;
    diesel::insert_into(sla_targets::table).values(rows).execute(&mut { conn }).await?;
    Ok(())
}

/// The communities that have their own business calendar: community id to calendar id.
pub async fn community_calendars(conn: &AsyncPgConnection) -> AppResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i64>)> = communities::table
        .filter(communities::calendar_id.is_not_null())
        .select((communities::id, communities::calendar_id))
        .load(&mut { conn })
        .await?;
    Ok(rows.into_iter().filter_map(|(id, calendar)| Some((id, calendar?))).collect())
}

/// Gives a community its own business calendar, or (none) the team's; whether it exists.
pub async fn set_community_calendar(
    conn: &AsyncPgConnection,
    community_id: i64,
    calendar_id: Option<i64>,
) -> AppResult<bool> {
    Ok(diesel::update(communities::table.find(community_id))
        .set(communities::calendar_id.eq(calendar_id))
        .execute(&mut { conn })
        .await?
        > 0)
}
