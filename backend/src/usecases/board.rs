//! Moving a card on the board. A move to another column is the one lifecycle step between the
//! two states ([`lifecycle::step_between`]), taken by the same [`take_step`] as a step on the
//! ticket page; a move within a column changes only the order. Either way the caller's version
//! is checked, the ticket row is locked while its place is computed, and the event is recorded,
//! all in one transaction; live streams carry the result to every other board.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::board::{rank_between, renumbered};
use steward_domain::{TicketState, authz, conversation, lifecycle};

use super::events;
use super::tickets::{check_version, may, take_step};
use super::{Actor, Core};
use crate::db::models::live::Card;
use crate::db::models::people::Person;
use crate::db::models::tickets::{self, Change, Ticket};
use crate::db::models::{communities, people};
use crate::error::{AppError, AppResult};
use steward_domain::events::TicketEvent;

/// A card dropped in a column, at the version the caller saw.
#[derive(Clone, Debug)]
pub struct CardMove {
    pub number: i64,
    pub expected_version: i64,
    pub to: TicketState,
    /// The card it was dropped just above; `None` for the bottom of the column.
    pub before: Option<i64>,
    /// The reason typed for the move, checked once the step it makes is known.
    pub reason: String,
}

/// The card as it is after the move, with its assignee's name.
pub struct MovedCard {
    pub card: Card,
    pub people: HashMap<i64, Person>,
}

/// The rank that puts the moving ticket just above `before` in the `to` column. Renumbers the
/// column first (recording each renumbered card) when the gap is used up.
async fn place_above(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    moving: &Ticket,
    to: TicketState,
    before: i64,
    now: DateTime<Utc>,
) -> AppResult<f64> {
    if before == moving.number {
        return Err(AppError::invalid("before_number", "A card cannot be put above itself."));
    }
    let Some((above, below)) = tickets::ranks_above(conn, to, before, moving.number).await? else {
        return Err(AppError::invalid(
            "before_number",
            format!("Ticket #{before} is not in the {to} column any more; the board has changed, try again."),
        ));
    };
    if let Some(rank) = rank_between(above, Some(below)) {
        return Ok(rank);
    }
    // The gap is used up: renumber the column with a slot for the moving card above `before`.
    let mut order: Vec<(i64, f64)> =
        tickets::column_order(conn, to).await?.into_iter().filter(|(number, _)| *number != moving.number).collect();
    let slot = order.iter().position(|(number, _)| *number == before).unwrap_or(order.len());
    order.insert(slot, (moving.number, moving.rank));
    let mut moving_rank = None;
    for ((number, old_rank), new_rank) in order.into_iter().zip(renumbered(usize::MAX)) {
        if number == moving.number {
            moving_rank = Some(new_rank);
        } else if old_rank != new_rank {
            let renumbered = tickets::set_rank(conn, number, new_rank, now).await?;
            let reordered = TicketEvent::Reordered { state: renumbered.state, rank: new_rank };
            events::record(conn, &renumbered, actor.person_id(), reordered, now).await?;
        }
    }
    moving_rank.ok_or_else(|| AppError::internal(anyhow::anyhow!("the moving card lost its slot")))
}

/// Moves a card: a lifecycle step when it changes column, a new place in the column otherwise.
pub async fn move_card(core: &Core, actor: Actor<'_>, request: CardMove) -> AppResult<MovedCard> {
    if !may(actor, authz::can_arrange_board) {
        return Err(AppError::PermissionDenied("Only the support team can move cards on the board."));
    }
    let to = request.to;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let moved = conn
        .transaction(async |conn| {
            // Lock the ticket and, for a drop at the bottom, read the column's last rank at
            // once (pipelined).
            let (found, bottom) = match request.before {
                None => {
                    let (found, bottom) = futures_util::try_join!(
                        tickets::find_for_update(conn, request.number),
                        tickets::bottom_rank(conn, to, Some(request.number)),
                    )?;
                    (found, Some(bottom))
                }
                Some(_) => (tickets::find_for_update(conn, request.number).await?, None),
            };
            let ticket = match found {
                Some(ticket) if may(actor, |who| authz::can_view_ticket(who, &ticket.facts())) => ticket,
                _ => return Err(AppError::NotFound("ticket")),
            };
            check_version(&ticket, request.expected_version)?;
            let step = if to == ticket.state { None } else { Some(lifecycle::step_between(ticket.state, to)?) };
            let reason = match step {
                Some(action) => conversation::step_reason(action, &request.reason)?,
                None => None,
            };
            let rank = match (bottom, request.before) {
                (Some(rank), _) => rank,
                (None, Some(before)) => place_above(conn, actor, &ticket, to, before, now).await?,
                (None, None) => tickets::bottom_rank(conn, to, Some(ticket.number)).await?,
            };
            // The move, its event, and what the card shows (community, assignee) go out
            // together (pipelined).
            let shared: &AsyncPgConnection = conn;
            let change = async {
                match step {
                    Some(action) => take_step(shared, actor, &ticket, action, reason.as_deref(), Some(rank), now).await,
                    None => {
                        let change = Change { rank: Some(rank), ..Change::default() };
                        let (reordered, _) = futures_util::try_join!(
                            tickets::apply(shared, ticket.number, ticket.version, &change, now),
                            events::record(
                                shared,
                                &ticket,
                                actor.person_id(),
                                TicketEvent::Reordered { state: ticket.state, rank },
                                now
                            ),
                        )?;
                        Ok(reordered)
                    }
                }
            };
            let community_ids = [ticket.community_id];
            let assignees: Vec<i64> = ticket.assignee_id.into_iter().collect();
            let (moved, communities, people) = futures_util::try_join!(
                change,
                communities::list_by_ids(shared, &community_ids),
                people::by_ids(shared, &assignees),
            )?;
            Ok::<_, AppError>((moved, communities, people))
        })
        .await?;
    core.live.committed();
    let (moved, mut communities, people) = moved;
    tracing::info!(number = moved.number, person_id = actor.person_id(), state = moved.state.as_str(), "card moved");
    let community = communities
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("ticket #{} has no community", moved.number)))?;
    Ok(MovedCard { card: Card::of(&moved, community), people })
}
