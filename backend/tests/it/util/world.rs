//! A small world for access tests: communities A and B, their people, the support team, and
//! tickets of both communities (public and confidential, one awaiting approval), each with a
//! public reply and an internal note. Tickets are filed through the API, so the real paths run.
//! Titles and notes carry unique markers, so a leak shows up in any response's text.

use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;

use super::{Client, TestApp};

/// Who is calling, for readable failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    RepA,
    MemberA,
    RepB,
    Steward,
    Admin,
}

impl Who {
    pub const ALL: [Who; 6] = [Who::Anonymous, Who::RepA, Who::MemberA, Who::RepB, Who::Steward, Who::Admin];

    pub fn is_staff(self) -> bool {
        matches!(self, Who::Steward | Who::Admin)
    }
}

/// One ticket of the world and what the rules need to know about it.
#[derive(Clone, Debug)]
pub struct WorldTicket {
    pub number: i64,
    pub title: String,
    pub internal_note: String,
    pub community: char,
    pub confidential: bool,
    pub filed_by_member: bool,
    pub awaiting_approval: bool,
}

pub struct World {
    pub app: TestApp,
    pub a: i64,
    pub b: i64,
    pub tickets: Vec<WorldTicket>,
    clients: Vec<(Who, Client)>,
}

impl World {
    pub async fn build() -> World {
        let app = TestApp::spawn().await;
        let a = app.community("aurora", "Aurora Hub").await;
        let b = app.community("borealis", "Borealis Lab").await;
        let rep_a = app.person("rep.a@example.org", "Rep A", None).await;
        let member_a = app.person("member.a@example.org", "Member A", None).await;
        let rep_b = app.person("rep.b@example.org", "Rep B", None).await;
        app.person("steward@example.org", "Steward", Some(StaffRole::Steward)).await;
        app.person("admin@example.org", "Admin", Some(StaffRole::Admin)).await;
        app.membership(rep_a, a, MembershipRole::Representative).await;
        app.membership(member_a, a, MembershipRole::Member).await;
        app.membership(rep_b, b, MembershipRole::Representative).await;

        let clients = vec![
            (Who::Anonymous, app.anonymous().await),
            (Who::RepA, app.sign_in("rep.a@example.org").await),
            (Who::MemberA, app.sign_in("member.a@example.org").await),
            (Who::RepB, app.sign_in("rep.b@example.org").await),
            (Who::Steward, app.sign_in("steward@example.org").await),
            (Who::Admin, app.sign_in("admin@example.org").await),
        ];
        let mut world = World { app, a, b, tickets: Vec::new(), clients };
        world.file(Who::RepA, 'A', "A-PUBLIC", false).await;
        world.file(Who::RepA, 'A', "A-CONFIDENTIAL", true).await;
        world.file(Who::MemberA, 'A', "A-MEMBER-WAITING", false).await;
        let approved = world.file(Who::MemberA, 'A', "A-MEMBER-APPROVED", false).await;
        world.transition(Who::RepA, approved, pb::TicketAction::Approve, "").await.expect("approve");
        world.tickets.iter_mut().filter(|t| t.number == approved).for_each(|t| t.awaiting_approval = false);
        world.file(Who::RepB, 'B', "B-PUBLIC", false).await;
        world.file(Who::RepB, 'B', "B-CONFIDENTIAL", true).await;
        world
    }

    pub fn client(&self, who: Who) -> &Client {
        &self.clients.iter().find(|(w, _)| *w == who).expect("every caller has a client").1
    }

    pub fn community_id(&self, community: char) -> i64 {
        if community == 'A' { self.a } else { self.b }
    }

    /// Files an "Other" request and adds a public reply and an internal note by the steward.
    async fn file(&mut self, who: Who, community: char, marker: &str, confidential: bool) -> i64 {
        let title = format!("{marker}-TITLE");
        let request = pb::CreateTicketRequest {
            community_id: self.community_id(community),
            request_type: pb::RequestType::Other as i32,
            priority: pb::Priority::Normal as i32,
            title: title.clone(),
            description: format!("{marker}-DESCRIPTION"),
            confidential,
            answers: Default::default(),
            attachment_ids: Vec::new(),
        };
        let ticket = self
            .client(who)
            .tickets
            .clone()
            .create_ticket(request)
            .await
            .expect("file")
            .into_inner()
            .ticket
            .expect("ticket");
        let steward = self.client(Who::Steward).tickets.clone();
        for (body, visibility) in [
            (format!("{marker}-PUBLIC-REPLY"), pb::CommentVisibility::PublicReply),
            (format!("{marker}-INTERNAL-NOTE"), pb::CommentVisibility::InternalNote),
        ] {
            let request = pb::AddCommentRequest {
                number: ticket.number,
                body,
                visibility: visibility as i32,
                attachment_ids: Vec::new(),
            };
            steward.clone().add_comment(request).await.expect("comment");
        }
        self.tickets.push(WorldTicket {
            number: ticket.number,
            title,
            internal_note: format!("{marker}-INTERNAL-NOTE"),
            community,
            confidential,
            filed_by_member: who == Who::MemberA,
            awaiting_approval: ticket.state == pb::TicketState::AwaitingApproval as i32,
        });
        ticket.number
    }

    /// The ticket's current version, read from the database.
    pub async fn version(&self, number: i64) -> i64 {
        let conn = self.app.state.core.pool.get().await.expect("conn");
        steward_backend::db::models::tickets::find(&conn, number).await.expect("query").expect("ticket").version
    }

    pub async fn transition(
        &self,
        who: Who,
        number: i64,
        action: pb::TicketAction,
        reason: &str,
    ) -> Result<pb::Ticket, tonic::Status> {
        let expected_version = self.version(number).await;
        let request =
            pb::TransitionTicketRequest { number, action: action as i32, expected_version, reason: reason.into() };
        let response = self.client(who).tickets.clone().transition_ticket(request).await?;
        Ok(response.into_inner().ticket.expect("ticket"))
    }

    /// Whether `who` may see `ticket`, by the rules written in `authz.rs`, restated here
    /// independently of the code.
    pub fn may_see(&self, who: Who, ticket: &WorldTicket) -> bool {
        match who {
            Who::Anonymous => false,
            Who::Steward | Who::Admin => true,
            Who::RepA => ticket.community == 'A',
            Who::RepB => ticket.community == 'B',
            Who::MemberA => {
                ticket.filed_by_member || (ticket.community == 'A' && !ticket.confidential && !ticket.awaiting_approval)
            }
        }
    }
}
