//! How far each person has read each ticket (`ticket_reads`), and so which tickets have news for
//! them. A ticket is unread for a person when its event log has news (`TicketEvent::NEWS_KINDS`)
//! after their mark that someone else made and that they may see (an internal event only if they
//! see internal notes); a ticket they never opened counts from its first event. Opening a ticket (or seeing a change
//! arrive while it is open) moves the mark to its latest event.

use diesel::sql_types::{Array, BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::events::TicketEvent;

use crate::error::AppResult;

/// Marks `number` read by `person_id` up to its latest event. The mark never moves back.
pub async fn mark_read(conn: &AsyncPgConnection, person_id: i64, number: i64) -> AppResult<()> {
    diesel::sql_query(
        "INSERT INTO ticket_reads (person_id, ticket_number, last_event_id)
         SELECT $1, $2, COALESCE(MAX(e.id), 0) FROM ticket_events e WHERE e.ticket_number = $2
         ON CONFLICT (person_id, ticket_number)
         DO UPDATE SET last_event_id = GREATEST(ticket_reads.last_event_id, EXCLUDED.last_event_id)",
    )
    .bind::<BigInt, _>(person_id)
    .bind::<BigInt, _>(number)
    .execute(&mut { conn })
    .await?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    ticket_number: i64,
}

/// Which of `numbers` are unread for `person_id` (see the module's rule); `sees_internal`: whether
/// internal events count for them.
pub async fn unread_among(
    conn: &AsyncPgConnection,
    person_id: i64,
    sees_internal: bool,
    numbers: &[i64],
) -> AppResult<Vec<i64>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let unread: Vec<Number> = diesel::sql_query(
        "SELECT n.ticket_number FROM unnest($2::bigint[]) AS n (ticket_number)
          WHERE EXISTS (
            SELECT 1 FROM ticket_events e
             WHERE e.ticket_number = n.ticket_number
               AND e.id > COALESCE((SELECT r.last_event_id FROM ticket_reads r
                                     WHERE r.person_id = $1 AND r.ticket_number = n.ticket_number), 0)
               AND e.actor_id IS DISTINCT FROM $1
               AND (NOT e.internal OR $3)
               AND e.kind = ANY($4))",
    )
    .bind::<BigInt, _>(person_id)
    .bind::<Array<BigInt>, _>(numbers)
    .bind::<Bool, _>(sees_internal)
    .bind::<Array<Text>, _>(TicketEvent::NEWS_KINDS)
    .load(&mut { conn })
    .await?;
    Ok(unread.into_iter().map(|n| n.ticket_number).collect())
}
