//! Paging as stored: the on-call settings, the on-call rotation and its covers; pages, who each
//! reached (with the SHA-256 of their one-click acknowledgement link) and where its escalation
//! stands. A due escalation is claimed with `FOR UPDATE SKIP LOCKED`, so it happens once however
//! many servers run. The rules are `steward_domain::paging`'s.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::paging::{Cover, Ended, OnCall, OnCallRotation, OnCallSettings, PageState};

use super::{About, unknown_value};
use crate::db::schema::{on_call, on_call_covers, on_call_members, outbox, page_recipients, pages};
use crate::error::{AppError, AppResult};

/// The on-call settings, the rotation's members in their order.
pub async fn settings(conn: &AsyncPgConnection) -> AppResult<OnCallSettings> {
    let (own, starts_on, handoff, zone, shift_days, escalate): (bool, NaiveDate, i16, String, i16, i16) =
        on_call::table
            .select((
                on_call::own_rotation,
                on_call::starts_on,
                on_call::handoff_minute,
                on_call::zone,
                on_call::shift_days,
                on_call::escalate_after_minutes,
            ))
            .first(&mut { conn })
            .await?;
    let on_call = if own {
        let members: Vec<i64> = on_call_members::table
            .order((on_call_members::position, on_call_members::person_id))
            .select(on_call_members::person_id)
            .load(&mut { conn })
            .await?;
        OnCall::Own(OnCallRotation {
            members,
            starts_on,
            handoff_minute: handoff.max(0) as u16,
            zone,
            shift_days: shift_days.max(1) as u16,
        })
    } else {
        OnCall::SupportDuty
    };
    Ok(OnCallSettings { on_call, escalate_after_minutes: escalate.max(1) as u16 })
}

/// The rotation as stored even while on call follows support duty (what the settings form
/// shows): members, first day, handover minute, zone, shift days.
pub async fn stored_rotation(conn: &AsyncPgConnection) -> AppResult<OnCallRotation> {
    let (starts_on, handoff, zone, shift_days): (NaiveDate, i16, String, i16) = on_call::table
        .select((on_call::starts_on, on_call::handoff_minute, on_call::zone, on_call::shift_days))
        .first(&mut { conn })
        .await?;
    let members: Vec<i64> = on_call_members::table
        .order((on_call_members::position, on_call_members::person_id))
        .select(on_call_members::person_id)
        .load(&mut { conn })
        .await?;
    Ok(OnCallRotation {
        members,
        starts_on,
        handoff_minute: handoff.max(0) as u16,
        zone,
        shift_days: shift_days.max(1) as u16,
    })
}

/// Replaces the settings: whether on call has a rotation of its own, that rotation (kept even
/// while unused) and the escalation delay.
pub async fn set_settings(
    conn: &AsyncPgConnection,
    own: bool,
    rotation: &OnCallRotation,
    escalate_after_minutes: u16,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(on_call::table)
        .set((
            on_call::own_rotation.eq(own),
            on_call::starts_on.eq(rotation.starts_on),
            on_call::handoff_minute.eq(rotation.handoff_minute as i16),
            on_call::zone.eq(rotation.zone.trim()),
            on_call::shift_days.eq(rotation.shift_days as i16),
            on_call::escalate_after_minutes.eq(escalate_after_minutes as i16),
            on_call::updated_at.eq(at),
        ))
        .execute(&mut { conn })
        .await?;
    diesel::delete(on_call_members::table).execute(&mut { conn }).await?;
    let rows: Vec<_> = rotation
        .members
        .iter()
        .enumerate()
        .map(|(position, id)| (on_call_members::person_id.eq(id), on_call_members::position.eq(position as i16)))
        .collect();
    diesel::insert_into(on_call_members::table).values(rows).on_conflict_do_nothing().execute(&mut { conn }).await?;
    Ok(())
}

/// A cover as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCover {
    pub id: i64,
    pub cover: Cover,
    pub note: String,
}

type CoverRow = (i64, DateTime<Utc>, DateTime<Utc>, i64, String);

/// Covers that have not ended by `from`, in the order they were made (a later one wins).
pub async fn covers(conn: &AsyncPgConnection, from: DateTime<Utc>) -> AppResult<Vec<StoredCover>> {
    let rows: Vec<CoverRow> = on_call_covers::table
        .filter(on_call_covers::ends_at.gt(from))
        .order(on_call_covers::id)
        .select((
            on_call_covers::id,
            on_call_covers::starts_at,
            on_call_covers::ends_at,
            on_call_covers::person_id,
            on_call_covers::note,
        ))
        .load(&mut { conn })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, starts_at, ends_at, person_id, note)| StoredCover {
            id,
            cover: Cover { starts_at, ends_at, person_id },
            note,
        })
        .collect())
}

pub async fn add_cover(
    conn: &AsyncPgConnection,
    cover: &Cover,
    note: &str,
    at: DateTime<Utc>,
) -> AppResult<StoredCover> {
    let id: i64 = diesel::insert_into(on_call_covers::table)
        .values((
            on_call_covers::starts_at.eq(cover.starts_at),
            on_call_covers::ends_at.eq(cover.ends_at),
            on_call_covers::person_id.eq(cover.person_id),
            on_call_covers::note.eq(note),
            on_call_covers::created_at.eq(at),
        ))
        .returning(on_call_covers::id)
        .get_result(&mut { conn })
        .await?;
    Ok(StoredCover { id, cover: cover.clone(), note: note.to_owned() })
}

/// Removes a cover; whether there was one.
pub async fn remove_cover(conn: &AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(diesel::delete(on_call_covers::table.find(id)).execute(&mut { conn }).await? > 0)
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pages)]
struct PageRow {
    id: i64,
    ticket_number: Option<i64>,
    incident_number: Option<i64>,
    summary: String,
    level: i16,
    triggered_at: DateTime<Utc>,
    escalates_at: Option<DateTime<Utc>>,
    acknowledged_at: Option<DateTime<Utc>>,
    acknowledged_by: Option<i64>,
    ended_at: Option<DateTime<Utc>>,
    ended_because: Option<String>,
}

/// A page as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub id: i64,
    pub about: About,
    pub summary: String,
    /// The last level it reached.
    pub level: u32,
    pub triggered_at: DateTime<Utc>,
    pub escalates_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_because: Option<Ended>,
}

impl Page {
    /// Where it stands, for the domain's rules.
    pub fn state(&self) -> PageState {
        match (self.ended_at, self.acknowledged_at) {
            (Some(_), _) => PageState::Ended,
            (None, Some(_)) => PageState::Acknowledged,
            (None, None) => PageState::Paging { level: self.level as usize },
        }
    }
}

impl TryFrom<PageRow> for Page {
    type Error = AppError;
    fn try_from(row: PageRow) -> AppResult<Page> {
        let ended_because = match row.ended_because {
            None => None,
            Some(text) => Some(Ended::parse(&text).ok_or_else(|| unknown_value("pages.ended_because", &text))?),
        };
        Ok(Page {
            id: row.id,
            about: About::from_columns(row.ticket_number, row.incident_number)
                .ok_or_else(|| unknown_value("pages.ticket_number", "none"))?,
            summary: row.summary,
            level: row.level.max(0) as u32,
            triggered_at: row.triggered_at,
            escalates_at: row.escalates_at,
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by,
            ended_at: row.ended_at,
            ended_because,
        })
    }
}

fn pages_from(rows: Vec<PageRow>) -> AppResult<Vec<Page>> {
    rows.into_iter().map(Page::try_from).collect()
}

/// A page to record.
pub struct NewPage<'a> {
    pub about: About,
    pub summary: &'a str,
    pub level: u32,
    pub escalates_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &AsyncPgConnection, new: NewPage<'_>, at: DateTime<Utc>) -> AppResult<Page> {
    let row: PageRow = diesel::insert_into(pages::table)
        .values((
            pages::ticket_number.eq(new.about.ticket()),
            pages::incident_number.eq(new.about.incident()),
            pages::summary.eq(new.summary),
            pages::level.eq(new.level as i16),
            pages::triggered_at.eq(at),
            pages::escalates_at.eq(new.escalates_at),
        ))
        .returning(PageRow::as_returning())
        .get_result(&mut { conn })
        .await?;
    row.try_into()
}

/// The page of `about` that has not ended, locked for this transaction.
pub async fn open_for_update(conn: &AsyncPgConnection, about: About) -> AppResult<Option<Page>> {
    let open = pages::table.filter(pages::ended_at.is_null()).select(PageRow::as_select());
    let row: Option<PageRow> = match about {
        About::Ticket(number) => {
            open.filter(pages::ticket_number.eq(number)).for_update().first(&mut { conn }).await.optional()?
        }
        About::Incident(number) => {
            open.filter(pages::incident_number.eq(number)).for_update().first(&mut { conn }).await.optional()?
        }
    };
    row.map(Page::try_from).transpose()
}

/// A page by id, locked for this transaction.
pub async fn find_for_update(conn: &AsyncPgConnection, id: i64) -> AppResult<Option<Page>> {
    let row: Option<PageRow> =
        pages::table.find(id).select(PageRow::as_select()).for_update().first(&mut { conn }).await.optional()?;
    row.map(Page::try_from).transpose()
}

/// The page and the person a link's token was sent to, the page locked for this transaction.
pub async fn by_token_for_update(conn: &AsyncPgConnection, token_hash: &str) -> AppResult<Option<(Page, i64)>> {
    let found: Option<(i64, i64)> = page_recipients::table
        .filter(page_recipients::token_hash.eq(token_hash))
        .select((page_recipients::page_id, page_recipients::person_id))
        .first(&mut { conn })
        .await
        .optional()?;
    let Some((page_id, person_id)) = found else { return Ok(None) };
    Ok(find_for_update(conn, page_id).await?.map(|page| (page, person_id)))
}

/// The next page due to escalate at `now` that no other transaction holds, locked.
pub async fn claim_escalation(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<Option<Page>> {
    let row: Option<PageRow> = pages::table
        .filter(pages::escalates_at.le(now))
        .filter(pages::acknowledged_at.is_null())
        .filter(pages::ended_at.is_null())
        .order(pages::escalates_at)
        .select(PageRow::as_select())
        .for_update()
        .skip_locked()
        .first(&mut { conn })
        .await
        .optional()?;
    row.map(Page::try_from).transpose()
}

/// The pages of `about` (newest first), or with none every open page.
pub async fn list(conn: &AsyncPgConnection, about: Option<About>, limit: i64) -> AppResult<Vec<Page>> {
    let query = pages::table.order(pages::id.desc()).limit(limit).select(PageRow::as_select()).into_boxed();
    let query = match about {
        Some(About::Ticket(number)) => query.filter(pages::ticket_number.eq(number)),
        Some(About::Incident(number)) => query.filter(pages::incident_number.eq(number)),
        None => query.filter(pages::ended_at.is_null()),
    };
    pages_from(query.load(&mut { conn }).await?)
}

/// The page reached `level`; it escalates next at `escalates_at` (none: nobody is left).
pub async fn escalated(
    conn: &AsyncPgConnection,
    id: i64,
    level: u32,
    escalates_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    diesel::update(pages::table.find(id))
        .set((pages::level.eq(level as i16), pages::escalates_at.eq(escalates_at)))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

pub async fn acknowledged(conn: &AsyncPgConnection, id: i64, by: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(pages::table.find(id))
        .set((
            pages::acknowledged_at.eq(at),
            pages::acknowledged_by.eq(by),
            pages::escalates_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

pub async fn ended(conn: &AsyncPgConnection, id: i64, because: Ended, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(pages::table.find(id))
        .set((
            pages::ended_at.eq(at),
            pages::ended_because.eq(because.as_str()),
            pages::escalates_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(&mut { conn })
        .await?;
    Ok(())
}

/// Someone a page reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub page_id: i64,
    pub person_id: i64,
    pub level: u32,
    pub paged_at: DateTime<Utc>,
}

/// Records that `people` (each with the hash of their link's token) were paged at `level`.
pub async fn add_recipients(
    conn: &AsyncPgConnection,
    page_id: i64,
    level: u32,
    people: &[(i64, String)],
    at: DateTime<Utc>,
) -> AppResult<()> {
    let rows: Vec<_> = people
        .iter()
        .map(|(person_id, token_hash)| {
            (
                page_recipients::page_id.eq(page_id),
                page_recipients::person_id.eq(person_id),
                page_recipients::level.eq(level as i16),
                page_recipients::paged_at.eq(at),
                page_recipients::token_hash.eq(token_hash),
            )
        })
        .collect();
    diesel::insert_into(page_recipients::table).values(rows).on_conflict_do_nothing().execute(&mut { conn }).await?;
    Ok(())
}

/// Who the pages reached, in the order they were paged.
pub async fn recipients(conn: &AsyncPgConnection, page_ids: &[i64]) -> AppResult<Vec<Recipient>> {
    let rows: Vec<(i64, i64, i16, DateTime<Utc>)> = page_recipients::table
        .filter(page_recipients::page_id.eq_any(page_ids))
        .order((page_recipients::paged_at, page_recipients::level, page_recipients::person_id))
        .select((
            page_recipients::page_id,
            page_recipients::person_id,
            page_recipients::level,
            page_recipients::paged_at,
        ))
        .load(&mut { conn })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(page_id, person_id, level, paged_at)| Recipient {
            page_id,
            person_id,
            level: level.max(0) as u32,
            paged_at,
        })
        .collect())
}

/// A page's mail to one person: when it was sent, or its last error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageMail {
    pub page_id: i64,
    pub person_id: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

type PageMailRow = (Option<i64>, Option<i64>, Option<DateTime<Utc>>, Option<String>);

/// The pages' mails.
pub async fn mails(conn: &AsyncPgConnection, page_ids: &[i64]) -> AppResult<Vec<PageMail>> {
    let rows: Vec<PageMailRow> = outbox::table
        .filter(outbox::page_id.eq_any(page_ids))
        .order(outbox::id)
        .select((outbox::page_id, outbox::person_id, outbox::sent_at, outbox::last_error))
        .load(&mut { conn })
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(page_id, person_id, sent_at, last_error)| {
            Some(PageMail { page_id: page_id?, person_id: person_id?, sent_at, last_error })
        })
        .collect())
}
