//! `steward.v1.BoardService`: the board, and moving cards on it.
//!
//! A move to another column is the one lifecycle step between the two states
//! ([`lifecycle::step_between`]), taken through the same path as TicketService.TransitionTicket;
//! a move within a column changes only the order. Either way the caller's version is checked,
//! the ticket row is locked while its place is computed, and the event is recorded, all in one
//! transaction; live streams carry the result to every other board.

use std::collections::HashMap;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_proto::v1 as pb;
use steward_proto::v1::board_service_server::BoardService;
use tonic::{Request, Response, Status};

use super::convert;
use super::tickets::{check_version, decode_reason, take_step};
use crate::AppState;
use crate::auth::caller;
use crate::db::models::live::Card;
use crate::db::models::tickets::{self, Change, Ticket};
use crate::db::models::{communities, people};
use crate::error::{AppError, AppResult};
use crate::events::{self, TicketChange};
use steward_domain::TicketState;
use steward_domain::authz;
use steward_domain::authz::Principal;
use steward_domain::board::{rank_between, renumbered};
use steward_domain::lifecycle;

/// The board service.
pub struct BoardApi {
    pub state: AppState,
}

/// Encodes tickets as cards, loading their communities and assignees in two queries.
async fn encode_cards(conn: &mut AsyncPgConnection, tickets: &[Ticket]) -> AppResult<Vec<pb::BoardCard>> {
    let mut community_ids: Vec<i64> = tickets.iter().map(|t| t.community_id).collect();
    community_ids.sort_unstable();
    community_ids.dedup();
    let mut assignee_ids: Vec<i64> = tickets.iter().filter_map(|t| t.assignee_id).collect();
    assignee_ids.sort_unstable();
    assignee_ids.dedup();
    let (communities, people) =
        futures_util::try_join!(communities::list_by_ids(conn, &community_ids), people::by_ids(conn, &assignee_ids))?;
    let communities: HashMap<i64, communities::Community> = communities.into_iter().map(|c| (c.id, c)).collect();
    tickets
        .iter()
        .map(|ticket| {
            let community = communities
                .get(&ticket.community_id)
                .cloned()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("ticket #{} has no community", ticket.number)))?;
            Ok(convert::board_card(&Card::of(ticket, community), &people))
        })
        .collect()
}

/// The rank that puts the moving ticket just above `before` in the `to` column. Renumbers the
/// column first (recording each renumbered card) when the gap is used up.
async fn place_above(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    moving: &Ticket,
    to: TicketState,
    before: i64,
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
            let renumbered = tickets::set_rank(conn, number, new_rank).await?;
            events::record(conn, &renumbered, Some(who.person_id), TicketChange::Reordered).await?;
        }
    }
    moving_rank.ok_or_else(|| AppError::internal(anyhow::anyhow!("the moving card lost its slot")))
}

impl BoardApi {
    async fn board(&self, who: &Principal) -> AppResult<pb::GetBoardResponse> {
        // Read the head before the tickets: every change after it reaches the watcher, and one
        // already in the tickets arrives with a version that is not higher, so it is ignored.
        let position = self.state.live.head();
        let mut conn = self.state.pool.get().await?;
        let tickets = tickets::board(&mut conn, &authz::ticket_visibility(who)).await?;
        let cards = encode_cards(&mut conn, &tickets).await?;
        let communities = match authz::visible_communities(who) {
            None => communities::list_all(&mut conn).await?,
            Some(ids) => communities::list_by_ids(&conn, &ids).await?,
        };
        Ok(pb::GetBoardResponse {
            cards,
            position: Some(position.to_pb()),
            can_move: authz::can_arrange_board(who),
            communities: communities.iter().map(convert::community).collect(),
        })
    }

    async fn move_card(&self, who: &Principal, request: pb::MoveCardRequest) -> AppResult<pb::BoardCard> {
        if !authz::can_arrange_board(who) {
            return Err(AppError::PermissionDenied("Only the support team can move cards on the board."));
        }
        let to = convert::state_from_pb(request.to_state, "to_state")?;
        let mut conn = self.state.pool.get().await?;
        let moved = conn
            .transaction(async |conn| {
                // Lock the ticket and, for a drop at the bottom, read the column's last rank at
                // once (pipelined).
                let (found, bottom) = match request.before_number {
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
                    Some(ticket) if authz::can_view_ticket(who, &ticket.facts()) => ticket,
                    _ => return Err(AppError::NotFound("ticket")),
                };
                check_version(&ticket, request.expected_version)?;
                let step = if to == ticket.state { None } else { Some(lifecycle::step_between(ticket.state, to)?) };
                let reason = match step {
                    Some(action) => decode_reason(action, &request.reason)?,
                    None => None,
                };
                let rank = match (bottom, request.before_number) {
                    (Some(rank), _) => rank,
                    (None, Some(before)) => place_above(conn, who, &ticket, to, before).await?,
                    (None, None) => tickets::bottom_rank(conn, to, Some(ticket.number)).await?,
                };
                // The move, its event, and what the card shows (community, assignee) go out
                // together (pipelined).
                let shared: &AsyncPgConnection = conn;
                let change = async {
                    match step {
                        Some(action) => take_step(shared, who, &ticket, action, reason.as_deref(), Some(rank)).await,
                        None => {
                            let change = Change { rank: Some(rank), ..Change::default() };
                            let after = Ticket { rank, ..ticket.clone() };
                            let (reordered, _) = futures_util::try_join!(
                                tickets::apply(shared, ticket.number, ticket.version, &change),
                                events::record(shared, &after, Some(who.person_id), TicketChange::Reordered),
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
        self.state.live.committed();
        let (moved, mut communities, people) = moved;
        tracing::info!(number = moved.number, person_id = who.person_id, state = moved.state.as_str(), "card moved");
        let community = communities
            .pop()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("ticket #{} has no community", moved.number)))?;
        Ok(convert::board_card(&Card::of(&moved, community), &people))
    }
}

#[tonic::async_trait]
impl BoardService for BoardApi {
    async fn get_board(&self, request: Request<pb::GetBoardRequest>) -> Result<Response<pb::GetBoardResponse>, Status> {
        let caller = caller(&request)?;
        Ok(Response::new(self.board(caller.signed_in()?).await?))
    }

    async fn move_card(&self, request: Request<pb::MoveCardRequest>) -> Result<Response<pb::MoveCardResponse>, Status> {
        let caller = caller(&request)?;
        let card = self.move_card(caller.signed_in()?, request.into_inner()).await?;
        Ok(Response::new(pb::MoveCardResponse { card: Some(card) }))
    }
}
