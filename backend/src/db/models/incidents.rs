//! Incidents, their linked tickets and affected communities, their roles (rows with start and
//! end times) and their timeline (append-only, typed: [`IncidentEvent`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::Priority;
use steward_domain::incident::{Assignment, Cadence, IncidentEvent, Phase, Role, RoleChange, Roster};

use super::unknown_value;
use crate::db::schema::{
    incident_cadence, incident_communities, incident_events, incident_pins, incident_roles, incident_tasks,
    incident_tickets, incidents, tickets,
};
use crate::error::{AppError, AppResult};

#[derive(Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub(crate) struct IncidentRow {
    number: i64,
    title: String,
    severity: String,
    phase: String,
    declared_by: i64,
    declared_at: DateTime<Utc>,
    next_update_due: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    public: bool,
    version: i64,
    updated_at: DateTime<Utc>,
}

/// An incident as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub number: i64,
    pub title: String,
    pub severity: Priority,
    pub phase: Phase,
    pub declared_by: i64,
    pub declared_at: DateTime<Utc>,
    pub next_update_due: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Shown on the public status page.
    pub public: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<IncidentRow> for Incident {
    type Error = AppError;

    fn try_from(row: IncidentRow) -> AppResult<Incident> {
        Ok(Incident {
            severity: Priority::parse(&row.severity)
                .ok_or_else(|| unknown_value("incidents.severity", &row.severity))?,
            phase: Phase::parse(&row.phase).ok_or_else(|| unknown_value("incidents.phase", &row.phase))?,
            number: row.number,
            title: row.title,
            declared_by: row.declared_by,
            declared_at: row.declared_at,
            next_update_due: row.next_update_due,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            public: row.public,
            version: row.version,
            updated_at: row.updated_at,
        })
    }
}

/// A new incident.
pub struct NewIncident<'a> {
    pub title: &'a str,
    pub severity: Priority,
    pub declared_by: i64,
    pub at: DateTime<Utc>,
    pub next_update_due: Option<DateTime<Utc>>,
}

/// Stores a new incident, in phase Investigating.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewIncident<'_>) -> AppResult<Incident> {
    let row: IncidentRow = diesel::insert_into(incidents::table)
        .values((
            incidents::title.eq(new.title),
            incidents::severity.eq(new.severity.as_str()),
            incidents::phase.eq(Phase::Investigating.as_str()),
            incidents::declared_by.eq(new.declared_by),
            incidents::declared_at.eq(new.at),
            incidents::next_update_due.eq(new.next_update_due),
            incidents::updated_at.eq(new.at),
        ))
        .returning(IncidentRow::as_returning())
        .get_result(conn)
        .await?;
    Incident::try_from(row)
}

/// The incident, locked for the rest of the transaction when `lock`.
pub async fn find(conn: &AsyncPgConnection, number: i64, lock: bool) -> AppResult<Option<Incident>> {
    let query = incidents::table.find(number).select(IncidentRow::as_select());
    let row = if lock { query.for_update().first(&mut { conn }).await } else { query.first(&mut { conn }).await };
    row.optional()?.map(Incident::try_from).transpose()
}

/// Every incident, the active ones first, then the most recent.
pub async fn list(conn: &mut AsyncPgConnection, limit: i64) -> AppResult<Vec<Incident>> {
    let rows: Vec<IncidentRow> = incidents::table
        .select(IncidentRow::as_select())
        .order((incidents::resolved_at.is_not_null(), incidents::number.desc()))
        .limit(limit)
        .load(conn)
        .await?;
    rows.into_iter().map(Incident::try_from).collect()
}

/// The public incidents unresolved or resolved since `since`, newest first (the status page).
pub async fn public_since(conn: &mut AsyncPgConnection, since: DateTime<Utc>, limit: i64) -> AppResult<Vec<Incident>> {
    let rows: Vec<IncidentRow> = incidents::table
        .filter(incidents::public.eq(true))
        .filter(incidents::resolved_at.is_null().or(incidents::resolved_at.ge(since)))
        .select(IncidentRow::as_select())
        .order(incidents::number.desc())
        .limit(limit)
        .load(conn)
        .await?;
    rows.into_iter().map(Incident::try_from).collect()
}

/// Shows the (locked) incident on the status page or takes it off; its version goes up.
pub async fn set_public(
    conn: &mut AsyncPgConnection,
    number: i64,
    public: bool,
    at: DateTime<Utc>,
) -> AppResult<Incident> {
    let row: IncidentRow = diesel::update(incidents::table.find(number))
        .set((
            incidents::public.eq(public),
            incidents::version.eq(incidents::version + 1),
            incidents::updated_at.eq(at),
        ))
        .returning(IncidentRow::as_returning())
        .get_result(conn)
        .await?;
    Incident::try_from(row)
}

/// What a change writes to the incident's own row; the version goes up by one.
pub struct Change {
    pub phase: Phase,
    pub next_update_due: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Change {
    /// The incident's row as it is (a change elsewhere, such as a link or a handover, still
    /// moves its version).
    pub fn keeping(incident: &Incident) -> Change {
        Change {
            phase: incident.phase,
            next_update_due: incident.next_update_due,
            resolved_at: incident.resolved_at,
            closed_at: incident.closed_at,
        }
    }
}

/// Writes `change` to the incident (already locked) and returns it as it now is.
pub async fn apply(
    conn: &mut AsyncPgConnection,
    number: i64,
    change: Change,
    at: DateTime<Utc>,
) -> AppResult<Incident> {
    let row: IncidentRow = diesel::update(incidents::table.find(number))
        .set((
            incidents::phase.eq(change.phase.as_str()),
            incidents::next_update_due.eq(change.next_update_due),
            incidents::resolved_at.eq(change.resolved_at),
            incidents::closed_at.eq(change.closed_at),
            incidents::version.eq(incidents::version + 1),
            incidents::updated_at.eq(at),
        ))
        .returning(IncidentRow::as_returning())
        .get_result(conn)
        .await?;
    Incident::try_from(row)
}

/// The communities each incident affects, by incident.
pub async fn affected_communities(conn: &mut AsyncPgConnection, numbers: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    Ok(incident_communities::table
        .filter(incident_communities::incident_number.eq_any(numbers))
        .select((incident_communities::incident_number, incident_communities::community_id))
        .order((incident_communities::incident_number, incident_communities::community_id))
        .load(conn)
        .await?)
}

/// Names `community_id` as affected; whether it was not already.
pub async fn add_community(conn: &mut AsyncPgConnection, number: i64, community_id: i64) -> AppResult<bool> {
    let added = diesel::insert_into(incident_communities::table)
        .values((incident_communities::incident_number.eq(number), incident_communities::community_id.eq(community_id)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(added > 0)
}

/// The incident a ticket is linked to, if any.
pub async fn incident_of_ticket(conn: &mut AsyncPgConnection, ticket_number: i64) -> AppResult<Option<i64>> {
    Ok(incident_tickets::table
        .filter(incident_tickets::ticket_number.eq(ticket_number))
        .select(incident_tickets::incident_number)
        .first(conn)
        .await
        .optional()?)
}

/// Links the ticket to the incident.
pub async fn link_ticket(
    conn: &mut AsyncPgConnection,
    number: i64,
    ticket_number: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(incident_tickets::table)
        .values((
            incident_tickets::incident_number.eq(number),
            incident_tickets::ticket_number.eq(ticket_number),
            incident_tickets::linked_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The tickets linked to the incident, oldest link first: (number, community, title).
pub async fn linked_tickets(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<(i64, i64, String)>> {
    Ok(incident_tickets::table
        .inner_join(tickets::table)
        .filter(incident_tickets::incident_number.eq(number))
        .select((tickets::number, tickets::community_id, tickets::title))
        .order((incident_tickets::linked_at, tickets::number))
        .load(conn)
        .await?)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = incident_roles)]
struct RoleRow {
    id: i64,
    person_id: i64,
    role: String,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
}

/// Everyone's roles in the incident, past and present, in the order they were taken.
pub async fn roster(conn: &mut AsyncPgConnection, number: i64) -> AppResult<(Roster, Vec<i64>)> {
    let rows: Vec<RoleRow> = incident_roles::table
        .filter(incident_roles::incident_number.eq(number))
        .select(RoleRow::as_select())
        .order(incident_roles::id)
        .load(conn)
        .await?;
    let mut roster = Roster::default();
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        let role = Role::parse(&row.role).ok_or_else(|| unknown_value("incident_roles.role", &row.role))?;
        roster.assignments.push(Assignment {
            person_id: row.person_id,
            role,
            started_at: row.started_at,
            ended_at: row.ended_at,
        });
        ids.push(row.id);
    }
    Ok((roster, ids))
}

/// The current commander of each incident: (incident, person).
pub async fn commanders(conn: &mut AsyncPgConnection, numbers: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    Ok(incident_roles::table
        .filter(incident_roles::incident_number.eq_any(numbers))
        .filter(incident_roles::role.eq(Role::Commander.as_str()))
        .filter(incident_roles::ended_at.is_null())
        .select((incident_roles::incident_number, incident_roles::person_id))
        .load(conn)
        .await?)
}

/// Writes a role change decided by the roster read with [`roster`] (whose row ids are `ids`):
/// the rows it ends end at `at`, then the row it starts begins (so there is never a second
/// commander, which the database refuses too).
pub async fn change_roles(
    conn: &mut AsyncPgConnection,
    number: i64,
    ids: &[i64],
    change: &RoleChange,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let ended: Vec<i64> = change.end.iter().filter_map(|&index| ids.get(index).copied()).collect();
    if !ended.is_empty() {
        diesel::update(incident_roles::table.filter(incident_roles::id.eq_any(&ended)))
            .set(incident_roles::ended_at.eq(at))
            .execute(conn)
            .await?;
    }
    if let Some(start) = &change.start {
        diesel::insert_into(incident_roles::table)
            .values((
                incident_roles::incident_number.eq(number),
                incident_roles::person_id.eq(start.person_id),
                incident_roles::role.eq(start.role.as_str()),
                incident_roles::started_at.eq(start.started_at),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Stores the roles of a new incident.
pub async fn start_roster(conn: &mut AsyncPgConnection, number: i64, roster: &Roster) -> AppResult<()> {
    let rows: Vec<_> = roster
        .assignments
        .iter()
        .map(|a| {
            (
                incident_roles::incident_number.eq(number),
                incident_roles::person_id.eq(a.person_id),
                incident_roles::role.eq(a.role.as_str()),
                incident_roles::started_at.eq(a.started_at),
            )
        })
        .collect();
    diesel::insert_into(incident_roles::table).values(rows).execute(conn).await?;
    Ok(())
}

/// One entry of an incident's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub event: IncidentEvent,
    pub internal: bool,
    pub at: DateTime<Utc>,
}

/// Appends an entry to the incident's timeline.
pub async fn record(
    conn: &AsyncPgConnection,
    number: i64,
    actor_id: Option<i64>,
    event: &IncidentEvent,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let (kind, data) = event.to_stored().map_err(AppError::internal)?;
    diesel::insert_into(incident_events::table)
        .values((
            incident_events::incident_number.eq(number),
            incident_events::actor_id.eq(actor_id),
            incident_events::kind.eq(kind),
            incident_events::internal.eq(event.is_internal()),
            incident_events::data.eq(data),
            incident_events::at.eq(at),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = incident_events)]
pub(crate) struct EntryRow {
    id: i64,
    incident_number: i64,
    actor_id: Option<i64>,
    kind: String,
    data: serde_json::Value,
    internal: bool,
    at: DateTime<Utc>,
}

/// The incident's timeline, oldest first; internal entries only if `include_internal`.
pub async fn timeline(conn: &mut AsyncPgConnection, number: i64, include_internal: bool) -> AppResult<Vec<Entry>> {
    let mut query = incident_events::table
        .filter(incident_events::incident_number.eq(number))
        .select(EntryRow::as_select())
        .into_boxed();
    if !include_internal {
        query = query.filter(incident_events::internal.eq(false));
    }
    let rows: Vec<EntryRow> = query.order(incident_events::id).load(conn).await?;
    rows.into_iter().map(|row| entry(row).map(|(_, entry)| entry)).collect()
}

/// An entry as stored, read: (incident, entry).
pub(crate) fn entry(row: EntryRow) -> AppResult<(i64, Entry)> {
    let event = IncidentEvent::from_stored(&row.kind, &row.data).map_err(|error| {
        AppError::internal(anyhow::anyhow!("incident_events row {} ({}) does not read: {error}", row.id, row.kind))
    })?;
    Ok((row.incident_number, Entry { id: row.id, actor_id: row.actor_id, event, internal: row.internal, at: row.at }))
}

/// The public updates of these incidents, oldest first: (incident, entry).
pub async fn public_updates(conn: &mut AsyncPgConnection, numbers: &[i64]) -> AppResult<Vec<(i64, Entry)>> {
    let rows: Vec<EntryRow> = incident_events::table
        .filter(incident_events::incident_number.eq_any(numbers))
        .filter(incident_events::kind.eq("update_posted"))
        .filter(incident_events::internal.eq(false))
        .select(EntryRow::as_select())
        .order(incident_events::id)
        .load(conn)
        .await?;
    rows.into_iter().map(entry).collect()
}

/// How often public updates are owed, as the admins set it.
pub async fn cadence(conn: &mut AsyncPgConnection) -> AppResult<Cadence> {
    let rows: Vec<(String, i32)> = incident_cadence::table
        .select((incident_cadence::severity, incident_cadence::every_minutes))
        .load(conn)
        .await?;
    let minutes = |severity: Priority| {
        rows.iter()
            .find(|(s, _)| s == severity.as_str())
            .map(|(_, m)| *m)
            .unwrap_or_else(|| i32::try_from(Cadence::default().every(severity).num_minutes()).unwrap_or(i32::MAX))
    };
    Cadence::from_minutes(minutes(Priority::ProductionDown), minutes(Priority::Urgent), minutes(Priority::Normal))
        .map_err(|_| AppError::internal(anyhow::anyhow!("incident_cadence holds minutes out of range")))
}

/// Stores the cadence set by `by`.
pub async fn set_cadence(conn: &mut AsyncPgConnection, cadence: &Cadence, by: i64, at: DateTime<Utc>) -> AppResult<()> {
    for severity in Priority::ALL {
        let minutes = i32::try_from(cadence.every(*severity).num_minutes()).map_err(AppError::internal)?;
        diesel::insert_into(incident_cadence::table)
            .values((
                incident_cadence::severity.eq(severity.as_str()),
                incident_cadence::every_minutes.eq(minutes),
                incident_cadence::updated_by.eq(by),
                incident_cadence::updated_at.eq(at),
            ))
            .on_conflict(incident_cadence::severity)
            .do_update()
            .set((
                incident_cadence::every_minutes.eq(minutes),
                incident_cadence::updated_by.eq(by),
                incident_cadence::updated_at.eq(at),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Whether `entry_id` is an entry of the incident's timeline.
pub async fn has_entry(conn: &mut AsyncPgConnection, number: i64, entry_id: i64) -> AppResult<bool> {
    let found: Option<i64> = incident_events::table
        .filter(incident_events::id.eq(entry_id))
        .filter(incident_events::incident_number.eq(number))
        .select(incident_events::id)
        .first(conn)
        .await
        .optional()?;
    Ok(found.is_some())
}

/// Pins the entry (or unpins it); whether that changed anything.
pub async fn set_pinned(
    conn: &mut AsyncPgConnection,
    number: i64,
    entry_id: i64,
    pinned: bool,
    by: i64,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let changed = if pinned {
        diesel::insert_into(incident_pins::table)
            .values((
                incident_pins::entry_id.eq(entry_id),
                incident_pins::incident_number.eq(number),
                incident_pins::pinned_by.eq(by),
                incident_pins::pinned_at.eq(at),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?
    } else {
        diesel::delete(incident_pins::table.filter(incident_pins::entry_id.eq(entry_id))).execute(conn).await?
    };
    Ok(changed > 0)
}

/// The entries pinned on the incident, oldest first.
pub async fn pinned(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<i64>> {
    Ok(incident_pins::table
        .filter(incident_pins::incident_number.eq(number))
        .select(incident_pins::entry_id)
        .order(incident_pins::entry_id)
        .load(conn)
        .await?)
}

/// One task of the response.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = incident_tasks)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub owner_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub done: bool,
}

/// Adds a task (already checked) to the incident.
pub async fn add_task(
    conn: &mut AsyncPgConnection,
    number: i64,
    title: &str,
    owner_id: Option<i64>,
    due_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> AppResult<Task> {
    Ok(diesel::insert_into(incident_tasks::table)
        .values((
            incident_tasks::incident_number.eq(number),
            incident_tasks::title.eq(title),
            incident_tasks::owner_id.eq(owner_id),
            incident_tasks::due_at.eq(due_at),
            incident_tasks::created_at.eq(at),
            incident_tasks::updated_at.eq(at),
        ))
        .returning(Task::as_returning())
        .get_result(conn)
        .await?)
}

/// Sets a task's owner and whether it is done; the task, if the incident has one with `id`.
pub async fn set_task(
    conn: &mut AsyncPgConnection,
    number: i64,
    id: i64,
    owner_id: Option<i64>,
    done: bool,
    at: DateTime<Utc>,
) -> AppResult<Option<Task>> {
    Ok(diesel::update(
        incident_tasks::table.filter(incident_tasks::id.eq(id)).filter(incident_tasks::incident_number.eq(number)),
    )
    .set((incident_tasks::owner_id.eq(owner_id), incident_tasks::done.eq(done), incident_tasks::updated_at.eq(at)))
    .returning(Task::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// The incident's tasks, oldest first.
pub async fn tasks(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<Task>> {
    Ok(incident_tasks::table
        .filter(incident_tasks::incident_number.eq(number))
        .select(Task::as_select())
        .order(incident_tasks::id)
        .load(conn)
        .await?)
}
