//! Tickets. A ticket's state and fields change only through [`apply`], which checks the version
//! the caller saw, so concurrent changes never overwrite each other.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::unknown_value;
use crate::db::schema::tickets;
use crate::error::{AppError, AppResult};
use steward_domain::facts::{TicketFacts, TicketVisibility};
use steward_domain::fields::TicketFields;
use steward_domain::intake::{Answer, CheckedRequest};
use steward_domain::sla::ClockView;
use steward_domain::{Priority, PriorityFlag, RequestType, TicketState, board};

#[derive(Queryable, Selectable)]
#[diesel(table_name = tickets)]
struct TicketRow {
    number: i64,
    community_id: i64,
    requester_id: i64,
    request_type: String,
    priority: String,
    state: String,
    title: String,
    description: String,
    confidential: bool,
    assignee_id: Option<i64>,
    /// Read as JSON text, parsed straight into answers.
    #[diesel(select_expression = diesel::dsl::sql("tickets.form_answers::text"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Text>)]
    form_answers: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    board_rank: f64,
    /// Never holds a null (the column's elements are flags), though the array type allows it.
    priority_flags: Vec<Option<String>>,
    acknowledged_at: Option<DateTime<Utc>>,
    timebox_started_at: Option<DateTime<Utc>>,
    released_in: Option<String>,
    scheduled_for: Option<NaiveDate>,
    #[diesel(select_expression = super::clocks::stored_views())]
    #[diesel(select_expression_type = super::clocks::StoredViews)]
    clocks: String,
}

/// A ticket as stored, in domain values.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    pub number: i64,
    pub community_id: i64,
    pub requester_id: i64,
    pub request_type: RequestType,
    pub priority: Priority,
    pub state: TicketState,
    pub title: String,
    pub description: String,
    pub confidential: bool,
    pub assignee_id: Option<i64>,
    pub answers: Vec<Answer>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The place in its board column (see [`steward_domain::board`]).
    pub rank: f64,
    /// What places it in the triage order (see [`steward_domain::priority`]).
    pub flags: Vec<PriorityFlag>,
    /// When support first answered the requester publicly.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When a steward started the 30-minute attempt to resolve it.
    pub timebox_started_at: Option<DateTime<Utc>>,
    /// The release or change that makes it available to users.
    pub released_in: Option<String>,
    /// The day a workshop request is planned for (workshops are scheduled, not assigned).
    pub scheduled_for: Option<NaiveDate>,
    /// Its running SLA clocks, as cards and lists show them.
    pub clocks: Vec<ClockView>,
}

impl Ticket {
    /// What the access rules need to know.
    pub fn facts(&self) -> TicketFacts {
        TicketFacts {
            community_id: self.community_id,
            requester_id: self.requester_id,
            confidential: self.confidential,
            state: self.state,
        }
    }

    /// The fields support sets, for the domain's rule on editing them.
    pub fn fields(&self) -> TicketFields {
        TicketFields {
            assignee_id: self.assignee_id,
            priority: self.priority,
            request_type: self.request_type,
            confidential: self.confidential,
            scheduled_for: self.scheduled_for,
        }
    }
}

impl TryFrom<TicketRow> for Ticket {
    type Error = AppError;
    fn try_from(row: TicketRow) -> AppResult<Ticket> {
        Ok(Ticket {
            number: row.number,
            community_id: row.community_id,
            requester_id: row.requester_id,
            request_type: RequestType::parse(&row.request_type)
                .ok_or_else(|| unknown_value("tickets.request_type", &row.request_type))?,
            priority: Priority::parse(&row.priority).ok_or_else(|| unknown_value("tickets.priority", &row.priority))?,
            state: TicketState::parse(&row.state).ok_or_else(|| unknown_value("tickets.state", &row.state))?,
            title: row.title,
            description: row.description,
            confidential: row.confidential,
            assignee_id: row.assignee_id,
            answers: serde_json::from_str(&row.form_answers).map_err(AppError::internal)?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            rank: row.board_rank,
            flags: row
                .priority_flags
                .iter()
                .map(|flag| {
                    let flag = flag.as_deref().unwrap_or("NULL");
                    PriorityFlag::parse(flag).ok_or_else(|| unknown_value("tickets.priority_flags", flag))
                })
                .collect::<AppResult<_>>()?,
            acknowledged_at: row.acknowledged_at,
            timebox_started_at: row.timebox_started_at,
            released_in: row.released_in,
            scheduled_for: row.scheduled_for,
            clocks: super::clocks::views_from_stored(&row.clocks)?,
        })
    }
}

/// Stores a new request filed `at`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    requester_id: i64,
    state: TicketState,
    request: &CheckedRequest,
    at: DateTime<Utc>,
) -> AppResult<Ticket> {
    let answers = serde_json::to_value(&request.answers).map_err(AppError::internal)?;
    let rank = bottom_rank(conn, state, None).await?;
    let row: TicketRow = diesel::insert_into(tickets::table)
        .values((
            tickets::community_id.eq(community_id),
            tickets::requester_id.eq(requester_id),
            tickets::request_type.eq(request.request_type.as_str()),
            tickets::priority.eq(request.priority.as_str()),
            tickets::state.eq(state.as_str()),
            tickets::title.eq(&request.title),
            tickets::description.eq(&request.description),
            tickets::confidential.eq(request.confidential),
            tickets::form_answers.eq(answers),
            tickets::board_rank.eq(rank),
            tickets::created_at.eq(at),
            tickets::updated_at.eq(at),
        ))
        .returning(TicketRow::as_returning())
        .get_result(conn)
        .await?;
    Ticket::try_from(row)
}

/// The ticket with this number, whoever asks; callers check access.
pub async fn find(conn: &AsyncPgConnection, number: i64) -> AppResult<Option<Ticket>> {
    let row: Option<TicketRow> =
        tickets::table.find(number).select(TicketRow::as_select()).first(&mut { conn }).await.optional()?;
    row.map(Ticket::try_from).transpose()
}

/// What to change on a ticket; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    pub state: Option<TicketState>,
    /// `Some(None)` unassigns.
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub request_type: Option<RequestType>,
    pub confidential: Option<bool>,
    /// The place in the board column; a change of state without one puts the ticket at the
    /// bottom of its new column.
    pub rank: Option<f64>,
    pub flags: Option<Vec<PriorityFlag>>,
    /// `Some(None)` clears it.
    pub released_in: Option<Option<String>>,
    /// `Some(None)` stops the timebox.
    pub timebox_started_at: Option<Option<DateTime<Utc>>>,
    /// `Some(None)` unschedules.
    pub scheduled_for: Option<Option<NaiveDate>>,
}

impl Change {
    /// The change that sets every field support sets to `fields`.
    pub fn to_fields(fields: &TicketFields) -> Change {
        Change {
            assignee_id: Some(fields.assignee_id),
            priority: Some(fields.priority),
            request_type: Some(fields.request_type),
            confidential: Some(fields.confidential),
            scheduled_for: Some(fields.scheduled_for),
            ..Change::default()
        }
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = tickets)]
struct ChangeRow<'a> {
    state: Option<&'a str>,
    assignee_id: Option<Option<i64>>,
    priority: Option<&'a str>,
    request_type: Option<&'a str>,
    confidential: Option<bool>,
    board_rank: Option<f64>,
    priority_flags: Option<Vec<Option<&'a str>>>,
    released_in: Option<Option<&'a str>>,
    timebox_started_at: Option<Option<DateTime<Utc>>>,
    scheduled_for: Option<Option<NaiveDate>>,
}

/// Applies `change`, made `at`, if the ticket is still at `expected_version`, bumping the
/// version and the update time (and the resolved/closed times when the state says so), in one
/// statement. StaleVersion otherwise.
pub async fn apply(
    conn: &AsyncPgConnection,
    number: i64,
    expected_version: i64,
    change: &Change,
    at: DateTime<Utc>,
) -> AppResult<Ticket> {
    let rank = match (change.rank, change.state) {
        (Some(rank), _) => Some(rank),
        (None, Some(state)) => Some(bottom_rank(conn, state, Some(number)).await?),
        (None, None) => None,
    };
    let row = ChangeRow {
        state: change.state.map(TicketState::as_str),
        assignee_id: change.assignee_id,
        priority: change.priority.map(Priority::as_str),
        request_type: change.request_type.map(RequestType::as_str),
        confidential: change.confidential,
        board_rank: rank,
        priority_flags: change.flags.as_ref().map(|flags| flags.iter().map(|f| Some(f.as_str())).collect()),
        released_in: change.released_in.as_ref().map(|r| r.as_deref()),
        timebox_started_at: change.timebox_started_at,
        scheduled_for: change.scheduled_for,
    };
    let resolved_at = match change.state {
        Some(TicketState::Resolved) => Some(Some(at)),
        Some(TicketState::Open | TicketState::InProgress | TicketState::Pending | TicketState::New) => Some(None),
        _ => None,
    };
    let closed_at = match change.state {
        Some(TicketState::Closed) => Some(Some(at)),
        Some(_) => Some(None),
        None => None,
    };
    let updated: Option<TicketRow> =
        diesel::update(tickets::table.find(number).filter(tickets::version.eq(expected_version)))
            .set((
                row,
                tickets::version.eq(tickets::version + 1),
                tickets::updated_at.eq(at),
                resolved_at.map(|at| tickets::resolved_at.eq(at)),
                closed_at.map(|at| tickets::closed_at.eq(at)),
            ))
            .returning(TicketRow::as_returning())
            .get_result(&mut { conn })
            .await
            .optional()?;
    match updated {
        Some(row) => Ticket::try_from(row),
        None => {
            let current = tickets::table.find(number).select(tickets::version).first(&mut { conn }).await.optional()?;
            Err(match current {
                Some(current) => AppError::StaleVersion { current },
                None => AppError::NotFound("ticket"),
            })
        }
    }
}

/// The ticket, locked until the transaction ends, so a move computes its place against a
/// column no one else is moving this ticket in.
pub async fn find_for_update(conn: &AsyncPgConnection, number: i64) -> AppResult<Option<Ticket>> {
    let mut conn = conn;
    let row: Option<TicketRow> =
        tickets::table.find(number).select(TicketRow::as_select()).for_update().first(&mut conn).await.optional()?;
    row.map(Ticket::try_from).transpose()
}

/// The rank that puts a ticket at the bottom of the `state` column (leaving `except` out).
/// Takes a shared connection, so it can be pipelined with other reads.
pub async fn bottom_rank(conn: &AsyncPgConnection, state: TicketState, except: Option<i64>) -> AppResult<f64> {
    let mut conn = conn;
    let last: Option<f64> = tickets::table
        .filter(tickets::state.eq(state.as_str()))
        .filter(tickets::number.ne(except.unwrap_or(0)))
        .select(diesel::dsl::max(tickets::board_rank))
        .first(&mut conn)
        .await?;
    board::rank_between(last, None).ok_or_else(|| AppError::internal(anyhow::anyhow!("no rank below {last:?}")))
}

#[derive(QueryableByName)]
struct Neighbours {
    #[diesel(sql_type = diesel::sql_types::Double)]
    below: f64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    above: Option<f64>,
}

/// The ranks around the place just above ticket `below` in the `state` column, leaving out
/// `moving`: `None` if `below` is not in that column.
pub async fn ranks_above(
    conn: &mut AsyncPgConnection,
    state: TicketState,
    below: i64,
    moving: i64,
) -> AppResult<Option<(Option<f64>, f64)>> {
    let found: Option<Neighbours> = diesel::sql_query(
        "SELECT b.board_rank AS below,
                (SELECT a.board_rank FROM tickets a
                  WHERE a.state = b.state AND a.number <> $2
                    AND (a.board_rank, a.number) < (b.board_rank, b.number)
                  ORDER BY a.board_rank DESC, a.number DESC LIMIT 1) AS above
           FROM tickets b
          WHERE b.number = $1 AND b.state = $3",
    )
    .bind::<BigInt, _>(below)
    .bind::<BigInt, _>(moving)
    .bind::<Text, _>(state.as_str())
    .get_result(conn)
    .await
    .optional()?;
    Ok(found.map(|n| (n.above, n.below)))
}

/// The numbers of the `state` column's tickets in board order.
pub async fn column_order(conn: &mut AsyncPgConnection, state: TicketState) -> AppResult<Vec<(i64, f64)>> {
    Ok(tickets::table
        .filter(tickets::state.eq(state.as_str()))
        .select((tickets::number, tickets::board_rank))
        .order((tickets::board_rank, tickets::number))
        .load(conn)
        .await?)
}

/// Gives a ticket a new rank without any other change, bumping its version (renumbering).
pub async fn set_rank(conn: &mut AsyncPgConnection, number: i64, rank: f64, at: DateTime<Utc>) -> AppResult<Ticket> {
    let row: TicketRow = diesel::update(tickets::table.find(number))
        .set((tickets::board_rank.eq(rank), tickets::version.eq(tickets::version + 1), tickets::updated_at.eq(at)))
        .returning(TicketRow::as_returning())
        .get_result(conn)
        .await?;
    Ticket::try_from(row)
}

/// How many closed tickets the board shows: the most recently closed.
pub const BOARD_CLOSED_LIMIT: i64 = 50;

/// The board: every ticket `visibility` admits that is not closed, plus the most recently
/// closed ones, in board order.
pub async fn board(conn: &mut AsyncPgConnection, visibility: &TicketVisibility) -> AppResult<Vec<Ticket>> {
    let open: Vec<TicketRow> = visible(visibility)
        .filter(tickets::state.ne(TicketState::Closed.as_str()))
        .order((tickets::board_rank, tickets::number))
        .load(conn)
        .await?;
    let closed: Vec<TicketRow> = visible(visibility)
        .filter(tickets::state.eq(TicketState::Closed.as_str()))
        .order((tickets::closed_at.desc().nulls_last(), tickets::number.desc()))
        .limit(BOARD_CLOSED_LIMIT)
        .load(conn)
        .await?;
    let mut tickets: Vec<Ticket> = open.into_iter().chain(closed).map(Ticket::try_from).collect::<AppResult<_>>()?;
    tickets.sort_by(|a, b| a.rank.total_cmp(&b.rank).then(a.number.cmp(&b.number)));
    Ok(tickets)
}

/// Every ticket `visibility` admits, as a query to narrow further.
fn visible(visibility: &TicketVisibility) -> tickets::BoxedQuery<'static, Pg, diesel::dsl::AsSelect<TicketRow, Pg>> {
    let mut query = tickets::table.select(TicketRow::as_select()).into_boxed();
    if let TicketVisibility::Limited { person_id, all_of, public_of } = visibility {
        query = query.filter(
            tickets::requester_id.eq(*person_id).or(tickets::community_id.eq_any(all_of.clone())).or(
                tickets::community_id
                    .eq_any(public_of.clone())
                    .and(tickets::confidential.eq(false))
                    .and(tickets::state.ne(TicketState::AwaitingApproval.as_str())),
            ),
        );
    }
    query
}

/// Which tickets a list asks for.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub community_id: Option<i64>,
    pub states: Vec<TicketState>,
    pub request_type: Option<RequestType>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<i64>,
    pub unassigned: bool,
    /// Words matched against title and description (PostgreSQL full-text search).
    pub text: Option<String>,
}

/// What a list is ordered by: one of the things a list shows, then the number, either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// The latest activity.
    #[default]
    Updated,
    Number,
    /// Alphabetical, ignoring case.
    Title,
    /// The community's name.
    Community,
    RequestType,
    /// Production down is highest.
    Priority,
    /// In lifecycle order: Awaiting approval first, Closed last.
    State,
    /// The assignee's name; unassigned before any name.
    Assignee,
}

/// A list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub by: SortBy,
    pub ascending: bool,
}

impl Default for Sort {
    /// Newest activity first.
    fn default() -> Self {
        Sort { by: SortBy::Updated, ascending: false }
    }
}

/// The value a ticket is sorted by, as stored in its row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortKey {
    At(DateTime<Utc>),
    Int(i64),
    MaybeInt(Option<i64>),
    Text(String),
}

impl SortBy {
    /// How the value is compared, as SQL around the value (a column or a bound value): the
    /// text before it and after it. The same expression orders the rows and places a page's
    /// start, so the two always agree.
    fn sql_around(self) -> (String, String) {
        // The higher the rank, the later in ascending order.
        let ranked = |names: &mut dyn Iterator<Item = &'static str>| {
            let cases: String = names.enumerate().map(|(rank, name)| format!(" WHEN '{name}' THEN {rank}")).collect();
            ("CASE ".to_owned(), format!("{cases} END"))
        };
        let plain = || (String::new(), String::new());
        match self {
            SortBy::Updated | SortBy::Number | SortBy::RequestType => plain(),
            SortBy::Title => ("lower(".to_owned(), ")".to_owned()),
            SortBy::Community => ("(SELECT lower(c.name) FROM communities c WHERE c.id = ".to_owned(), ")".to_owned()),
            SortBy::Assignee => {
                ("COALESCE((SELECT lower(p.display_name) FROM people p WHERE p.id = ".to_owned(), "), '')".to_owned())
            }
            SortBy::Priority => ranked(&mut Priority::ALL.iter().rev().map(|p| p.as_str())),
            SortBy::State => ranked(&mut TicketState::ALL.iter().map(|s| s.as_str())),
        }
    }

    /// The column the value comes from.
    fn column(self) -> &'static str {
        match self {
            SortBy::Updated => "tickets.updated_at",
            SortBy::Number => "tickets.number",
            SortBy::Title => "tickets.title",
            SortBy::Community => "tickets.community_id",
            SortBy::RequestType => "tickets.request_type",
            SortBy::Priority => "tickets.priority",
            SortBy::State => "tickets.state",
            SortBy::Assignee => "tickets.assignee_id",
        }
    }

    /// `ticket`'s value.
    pub fn key_of(self, ticket: &Ticket) -> SortKey {
        match self {
            SortBy::Updated => SortKey::At(ticket.updated_at),
            SortBy::Number => SortKey::Int(ticket.number),
            SortBy::Title => SortKey::Text(ticket.title.clone()),
            SortBy::Community => SortKey::Int(ticket.community_id),
            SortBy::RequestType => SortKey::Text(ticket.request_type.as_str().to_owned()),
            SortBy::Priority => SortKey::Text(ticket.priority.as_str().to_owned()),
            SortBy::State => SortKey::Text(ticket.state.as_str().to_owned()),
            SortBy::Assignee => SortKey::MaybeInt(ticket.assignee_id),
        }
    }
}

impl SortBy {
    /// The value `text` spells (as [`SortKey::spelled`] spells it) for this order.
    pub fn parse_key(self, text: &str) -> Option<SortKey> {
        Some(match self {
            SortBy::Updated => SortKey::At(DateTime::<Utc>::from_timestamp_micros(text.parse().ok()?)?),
            SortBy::Number | SortBy::Community => SortKey::Int(text.parse().ok()?),
            SortBy::Assignee if text.is_empty() => SortKey::MaybeInt(None),
            SortBy::Assignee => SortKey::MaybeInt(Some(text.parse().ok()?)),
            SortBy::Title | SortBy::RequestType | SortBy::Priority | SortBy::State => SortKey::Text(text.to_owned()),
        })
    }
}

impl SortKey {
    /// The value as text (a time in microseconds; no value as nothing).
    pub fn spelled(&self) -> String {
        match self {
            SortKey::At(at) => at.timestamp_micros().to_string(),
            SortKey::Int(value) => value.to_string(),
            SortKey::MaybeInt(value) => value.map(|v| v.to_string()).unwrap_or_default(),
            SortKey::Text(text) => text.clone(),
        }
    }
}

/// Where a page starts: after the ticket with this sort value and `number`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageAfter {
    pub key: SortKey,
    pub number: i64,
}

/// Every ticket `visibility` admits and `filter` asks for, as a query to order or count.
fn filtered(
    visibility: &TicketVisibility,
    filter: &Filter,
) -> tickets::BoxedQuery<'static, Pg, diesel::dsl::AsSelect<TicketRow, Pg>> {
    let mut query = visible(visibility);
    if let Some(community_id) = filter.community_id {
        query = query.filter(tickets::community_id.eq(community_id));
    }
    if !filter.states.is_empty() {
        let states: Vec<&str> = filter.states.iter().map(|s| s.as_str()).collect();
        query = query.filter(tickets::state.eq_any(states));
    }
    if let Some(request_type) = filter.request_type {
        query = query.filter(tickets::request_type.eq(request_type.as_str()));
    }
    if let Some(priority) = filter.priority {
        query = query.filter(tickets::priority.eq(priority.as_str()));
    }
    if let Some(assignee_id) = filter.assignee_id {
        query = query.filter(tickets::assignee_id.eq(assignee_id));
    }
    if filter.unassigned {
        query = query.filter(tickets::assignee_id.is_null());
    }
    if let Some(text) = &filter.text {
        query = query.filter(
            diesel::dsl::sql::<Bool>("search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(text.clone())
                .sql(")"),
        );
    }
    query
}

/// How many tickets `visibility` admits and `filter` asks for.
pub async fn count(conn: &mut AsyncPgConnection, visibility: &TicketVisibility, filter: &Filter) -> AppResult<i64> {
    Ok(filtered(visibility, filter).select(diesel::dsl::count_star()).get_result(conn).await?)
}

/// Up to `limit` tickets `visibility` admits and `filter` asks for, in `sort`'s order, starting
/// after `after`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    visibility: &TicketVisibility,
    filter: &Filter,
    sort: Sort,
    after: Option<PageAfter>,
    limit: i64,
) -> AppResult<Vec<Ticket>> {
    let mut query = filtered(visibility, filter);
    let (before, after_value) = sort.by.sql_around();
    let sorted_by = format!("{before}{}{after_value}", sort.by.column());
    if let Some(start) = after {
        let beyond = if sort.ascending { ">" } else { "<" };
        let head = format!("({sorted_by}, tickets.number) {beyond} ({before}");
        let tail = format!("{after_value}, ");
        macro_rules! starting_after {
            ($sql_type:ty, $value:expr) => {
                query.filter(
                    diesel::dsl::sql::<Bool>(&head)
                        .bind::<$sql_type, _>($value)
                        .sql(&tail)
                        .bind::<BigInt, _>(start.number)
                        .sql(")"),
                )
            };
        }
        query = match start.key {
            SortKey::At(at) => starting_after!(diesel::sql_types::Timestamptz, at),
            SortKey::Int(value) => starting_after!(BigInt, value),
            SortKey::MaybeInt(value) => starting_after!(diesel::sql_types::Nullable<BigInt>, value),
            SortKey::Text(value) => starting_after!(Text, value),
        };
    }
    let rows: Vec<TicketRow> = if sort.ascending {
        query.order((diesel::dsl::sql::<Text>(&sorted_by).asc(), tickets::number.asc())).limit(limit).load(conn).await?
    } else {
        query
            .order((diesel::dsl::sql::<Text>(&sorted_by).desc(), tickets::number.desc()))
            .limit(limit)
            .load(conn)
            .await?
    };
    rows.into_iter().map(Ticket::try_from).collect()
}

/// Requests awaiting approval in these communities, oldest first.
pub async fn awaiting_approval(conn: &mut AsyncPgConnection, community_ids: &[i64]) -> AppResult<Vec<Ticket>> {
    let rows: Vec<TicketRow> = tickets::table
        .filter(tickets::community_id.eq_any(community_ids))
        .filter(tickets::state.eq(TicketState::AwaitingApproval.as_str()))
        .select(TicketRow::as_select())
        .order(tickets::number)
        .load(conn)
        .await?;
    rows.into_iter().map(Ticket::try_from).collect()
}

/// Marks activity on a ticket `at` (a new comment) without changing its version.
pub async fn touch(conn: &AsyncPgConnection, number: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(tickets::table.find(number)).set(tickets::updated_at.eq(at)).execute(&mut { conn }).await?;
    Ok(())
}

/// Every ticket in one of `states`, whoever asks; callers check access.
pub async fn in_states(conn: &AsyncPgConnection, states: &[TicketState]) -> AppResult<Vec<Ticket>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let rows: Vec<TicketRow> =
        tickets::table.filter(tickets::state.eq_any(states)).select(TicketRow::as_select()).load(&mut { conn }).await?;
    rows.into_iter().map(Ticket::try_from).collect()
}
