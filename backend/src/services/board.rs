//! `steward.v1.BoardService`: the board, and moving cards on it (through
//! [`crate::usecases::board`]).

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_proto::v1 as pb;
use steward_proto::v1::board_service_server::BoardService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::db::models::live::Card;
use crate::db::models::tickets::{self, Ticket};
use crate::db::models::{communities, people};
use crate::error::{AppError, AppResult};
use crate::usecases::Actor;
use crate::usecases::board::{self, CardMove};

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

impl BoardApi {
    async fn board(&self, who: &Principal) -> AppResult<pb::GetBoardResponse> {
        // Read the head before the tickets: every change after it reaches the watcher, and one
        // already in the tickets arrives with a version that is not higher, so it is ignored.
        let position = self.state.core.live.head();
        let mut conn = self.state.core.pool.get().await?;
        let tickets = tickets::board(&mut conn, &authz::ticket_visibility(who)).await?;
        let cards = encode_cards(&mut conn, &tickets).await?;
        let communities = match authz::visible_communities(who) {
            None => communities::list_all(&mut conn).await?,
            Some(ids) => communities::list_by_ids(&conn, &ids).await?,
        };
        Ok(pb::GetBoardResponse {
            cards,
            position: Some(convert::position(position)),
            can_move: authz::can_arrange_board(who),
            communities: communities.iter().map(convert::community).collect(),
        })
    }

    async fn move_card(&self, who: &Principal, request: pb::MoveCardRequest) -> AppResult<pb::BoardCard> {
        let card_move = CardMove {
            number: request.number,
            expected_version: request.expected_version,
            to: convert::state_from_pb(request.to_state, "to_state")?,
            before: request.before_number,
            reason: request.reason,
        };
        let moved = board::move_card(&self.state.core, Actor::Person(who), card_move).await?;
        Ok(convert::board_card(&moved.card, &moved.people))
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
