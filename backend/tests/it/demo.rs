//! The demo data (`steward demo`) is made through the use cases, so it reads exactly as if
//! people had filed, answered and moved the tickets.

use steward_backend::db::models::{comments, people, tickets};
use steward_backend::demo;
use steward_domain::TicketState;

use crate::util::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn demo_tickets_answered_by_support_are_acknowledged_and_loading_twice_adds_nothing() {
    let app = TestApp::spawn().await;
    let first = demo::load(&app.database_url).await.expect("demo");
    assert!(first.tickets >= 5, "{} demo tickets", first.tickets);
    let again = demo::load(&app.database_url).await.expect("demo again");
    assert_eq!(first.incidents, 1, "the demo has an incident to run");
    assert_eq!(
        (again.people, again.communities, again.tickets, again.incidents),
        (0, 0, 0, 0),
        "loading twice changes nothing"
    );

    let mut conn = app.state.core.pool.get().await.expect("conn");
    let all = tickets::in_states(&conn, TicketState::ALL).await.expect("tickets");
    assert_eq!(all.len(), first.tickets);
    let mut answered = 0;
    for ticket in &all {
        let conversation = comments::list_for_ticket(&mut conn, ticket.number, false, 0).await.expect("comments");
        let authors: Vec<i64> = conversation.iter().map(|c| c.author_id).collect();
        let names = people::by_ids(&conn, &authors).await.expect("authors");
        let support_replied = conversation.iter().any(|c| names[&c.author_id].staff_role.is_some());
        answered += usize::from(support_replied);
        assert_eq!(
            ticket.acknowledged_at.is_some(),
            support_replied,
            "#{} \"{}\": acknowledged exactly when support has answered publicly",
            ticket.number,
            ticket.title
        );
    }
    assert!(answered >= 2, "the demo has tickets support answered");
}
