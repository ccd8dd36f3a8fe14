//! Incident reports (the blameless post-mortem), their action items, and the communities'
//! confirmations of a resolution.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::incident::ReportState;

use super::unknown_value;
use crate::db::schema::{incident_action_items, incident_confirmations, incident_reports};
use crate::error::{AppError, AppResult};

/// The sections a person writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sections {
    pub summary: String,
    pub impact: String,
    pub timeline: String,
    pub contributing_factors: String,
    pub went_well: String,
    pub went_poorly: String,
}

/// When the trouble started, was detected and was mitigated (resolution is the incident's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moments {
    pub started_at: Option<DateTime<Utc>>,
    pub detected_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = incident_reports)]
struct ReportRow {
    incident_number: i64,
    owner_id: i64,
    due_at: DateTime<Utc>,
    state: String,
    summary: String,
    impact: String,
    timeline: String,
    contributing_factors: String,
    went_well: String,
    went_poorly: String,
    started_at: Option<DateTime<Utc>>,
    detected_at: Option<DateTime<Utc>>,
    mitigated_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    version: i64,
}

/// A report as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub incident_number: i64,
    pub owner_id: i64,
    pub due_at: DateTime<Utc>,
    pub state: ReportState,
    pub sections: Sections,
    pub moments: Moments,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl TryFrom<ReportRow> for Report {
    type Error = AppError;

    fn try_from(row: ReportRow) -> AppResult<Report> {
        Ok(Report {
            state: ReportState::parse(&row.state).ok_or_else(|| unknown_value("incident_reports.state", &row.state))?,
            incident_number: row.incident_number,
            owner_id: row.owner_id,
            due_at: row.due_at,
            sections: Sections {
                summary: row.summary,
                impact: row.impact,
                timeline: row.timeline,
                contributing_factors: row.contributing_factors,
                went_well: row.went_well,
                went_poorly: row.went_poorly,
            },
            moments: Moments {
                started_at: row.started_at,
                detected_at: row.detected_at,
                mitigated_at: row.mitigated_at,
            },
            published_at: row.published_at,
            version: row.version,
        })
    }
}

/// The incident's report, locked for the rest of the transaction when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, number: i64, lock: bool) -> AppResult<Option<Report>> {
    let query = incident_reports::table.find(number).select(ReportRow::as_select());
    let row = if lock { query.for_update().first(conn).await } else { query.first(conn).await };
    row.optional()?.map(Report::try_from).transpose()
}

/// Starts the report of a resolved incident (once: a reopened and again resolved incident keeps
/// its report), with its timeline drafted.
pub async fn start(
    conn: &mut AsyncPgConnection,
    number: i64,
    owner_id: i64,
    due_at: DateTime<Utc>,
    timeline: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(incident_reports::table)
        .values((
            incident_reports::incident_number.eq(number),
            incident_reports::owner_id.eq(owner_id),
            incident_reports::due_at.eq(due_at),
            incident_reports::state.eq(ReportState::Draft.as_str()),
            incident_reports::summary.eq(""),
            incident_reports::impact.eq(""),
            incident_reports::timeline.eq(timeline),
            incident_reports::contributing_factors.eq(""),
            incident_reports::went_well.eq(""),
            incident_reports::went_poorly.eq(""),
            incident_reports::updated_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the sections, the moments and the owner of a (locked) report; its version goes up.
pub async fn save(
    conn: &mut AsyncPgConnection,
    number: i64,
    owner_id: i64,
    sections: &Sections,
    moments: Moments,
    at: DateTime<Utc>,
) -> AppResult<Report> {
    let row: ReportRow = diesel::update(incident_reports::table.find(number))
        .set((
            incident_reports::owner_id.eq(owner_id),
            incident_reports::summary.eq(&sections.summary),
            incident_reports::impact.eq(&sections.impact),
            incident_reports::timeline.eq(&sections.timeline),
            incident_reports::contributing_factors.eq(&sections.contributing_factors),
            incident_reports::went_well.eq(&sections.went_well),
            incident_reports::went_poorly.eq(&sections.went_poorly),
            incident_reports::started_at.eq(moments.started_at),
            incident_reports::detected_at.eq(moments.detected_at),
            incident_reports::mitigated_at.eq(moments.mitigated_at),
            incident_reports::version.eq(incident_reports::version + 1),
            incident_reports::updated_at.eq(at),
        ))
        .returning(ReportRow::as_returning())
        .get_result(conn)
        .await?;
    Report::try_from(row)
}

/// Moves a (locked) report to `state`; its version goes up.
pub async fn set_state(
    conn: &mut AsyncPgConnection,
    number: i64,
    state: ReportState,
    at: DateTime<Utc>,
) -> AppResult<Report> {
    let published_at = (state == ReportState::Published).then_some(at);
    let row: ReportRow = diesel::update(incident_reports::table.find(number))
        .set((
            incident_reports::state.eq(state.as_str()),
            incident_reports::published_at.eq(published_at),
            incident_reports::version.eq(incident_reports::version + 1),
            incident_reports::updated_at.eq(at),
        ))
        .returning(ReportRow::as_returning())
        .get_result(conn)
        .await?;
    Report::try_from(row)
}

/// One action item.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = incident_action_items)]
pub struct ActionItem {
    pub id: i64,
    pub incident_number: i64,
    pub title: String,
    pub owner_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub issue_url: Option<String>,
    pub done: bool,
}

/// A new action item, already checked.
pub struct NewActionItem<'a> {
    pub title: &'a str,
    pub owner_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub issue_url: Option<&'a str>,
}

/// Adds an action item to the report.
pub async fn add_action_item(
    conn: &mut AsyncPgConnection,
    number: i64,
    item: NewActionItem<'_>,
    at: DateTime<Utc>,
) -> AppResult<ActionItem> {
    Ok(diesel::insert_into(incident_action_items::table)
        .values((
            incident_action_items::incident_number.eq(number),
            incident_action_items::title.eq(item.title),
            incident_action_items::owner_id.eq(item.owner_id),
            incident_action_items::due_on.eq(item.due_on),
            incident_action_items::issue_url.eq(item.issue_url),
            incident_action_items::created_at.eq(at),
        ))
        .returning(ActionItem::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks an action item of the incident done (or not); whether there is one with `id`.
pub async fn set_action_item_done(conn: &mut AsyncPgConnection, number: i64, id: i64, done: bool) -> AppResult<bool> {
    let updated = diesel::update(
        incident_action_items::table
            .filter(incident_action_items::id.eq(id))
            .filter(incident_action_items::incident_number.eq(number)),
    )
    .set(incident_action_items::done.eq(done))
    .execute(conn)
    .await?;
    Ok(updated > 0)
}

/// The report's action items, in the order they were added.
pub async fn action_items(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<ActionItem>> {
    Ok(incident_action_items::table
        .filter(incident_action_items::incident_number.eq(number))
        .select(ActionItem::as_select())
        .order(incident_action_items::id)
        .load(conn)
        .await?)
}

/// Records `person_id`'s confirmation for `community_id`; whether it was the first for it.
pub async fn confirm(
    conn: &mut AsyncPgConnection,
    number: i64,
    community_id: i64,
    person_id: i64,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let added = diesel::insert_into(incident_confirmations::table)
        .values((
            incident_confirmations::incident_number.eq(number),
            incident_confirmations::community_id.eq(community_id),
            incident_confirmations::person_id.eq(person_id),
            incident_confirmations::confirmed_at.eq(at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(added > 0)
}

/// The communities that confirmed the incident's resolution.
pub async fn confirmed_communities(conn: &mut AsyncPgConnection, number: i64) -> AppResult<Vec<i64>> {
    Ok(incident_confirmations::table
        .filter(incident_confirmations::incident_number.eq(number))
        .select(incident_confirmations::community_id)
        .order(incident_confirmations::community_id)
        .load(conn)
        .await?)
}

/// Forgets the confirmations (the incident was reopened: they were for a resolution that did
/// not hold).
pub async fn clear_confirmations(conn: &mut AsyncPgConnection, number: i64) -> AppResult<()> {
    diesel::delete(incident_confirmations::table.filter(incident_confirmations::incident_number.eq(number)))
        .execute(conn)
        .await?;
    Ok(())
}

/// What is overdue among these incidents' reports at `now`: the incidents whose report is past
/// due and not published, and per incident how many action items are past their day and not
/// done.
pub async fn overdue(
    conn: &mut AsyncPgConnection,
    numbers: &[i64],
    now: DateTime<Utc>,
) -> AppResult<(Vec<i64>, Vec<(i64, i64)>)> {
    let reports: Vec<i64> = incident_reports::table
        .filter(incident_reports::incident_number.eq_any(numbers))
        .filter(incident_reports::state.ne(ReportState::Published.as_str()))
        .filter(incident_reports::due_at.lt(now))
        .select(incident_reports::incident_number)
        .load(conn)
        .await?;
    let items: Vec<(i64, i64)> = incident_action_items::table
        .filter(incident_action_items::incident_number.eq_any(numbers))
        .filter(incident_action_items::done.eq(false))
        .filter(incident_action_items::due_on.lt(now.date_naive()))
        .group_by(incident_action_items::incident_number)
        .select((incident_action_items::incident_number, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok((reports, items))
}
