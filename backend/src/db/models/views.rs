//! Saved views of the ticket list (`saved_views`): a person's own, and those staff shared with
//! the team. A view is a name and the list's URL query; what it lists is decided when it is
//! used, with the user's own access.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::{people, saved_views};
use crate::error::{AppError, AppResult};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = saved_views)]
pub struct SavedView {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub query: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

/// The views `person_id` may use, with each owner's name: their own and, with `with_shared`,
/// every view shared with the team; by name.
pub async fn usable_by(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    with_shared: bool,
) -> AppResult<Vec<(SavedView, String)>> {
    let mut query = saved_views::table
        .inner_join(people::table)
        .select((SavedView::as_select(), people::display_name))
        .into_boxed();
    query = if with_shared {
        query.filter(saved_views::owner_id.eq(person_id).or(saved_views::shared.eq(true)))
    } else {
        query.filter(saved_views::owner_id.eq(person_id))
    };
    Ok(query.order((saved_views::name, saved_views::id)).load(conn).await?)
}

/// Saves `person_id`'s view `name` (replacing theirs of the same name, whatever its case).
pub async fn save(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    name: &str,
    query: &str,
    shared: bool,
    at: DateTime<Utc>,
) -> AppResult<SavedView> {
    let replaced = diesel::update(
        saved_views::table.filter(saved_views::owner_id.eq(person_id)).filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(name) = lower(")
                .bind::<diesel::sql_types::Text, _>(name.to_owned())
                .sql(")"),
        ),
    )
    .set((saved_views::name.eq(name), saved_views::query.eq(query), saved_views::shared.eq(shared)))
    .returning(SavedView::as_returning())
    .get_result(conn)
    .await
    .optional()?;
    if let Some(view) = replaced {
        return Ok(view);
    }
    Ok(diesel::insert_into(saved_views::table)
        .values((
            saved_views::owner_id.eq(person_id),
            saved_views::name.eq(name),
            saved_views::query.eq(query),
            saved_views::shared.eq(shared),
            saved_views::created_at.eq(at),
        ))
        .returning(SavedView::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes `person_id`'s view `id`; NotFound when it is not theirs.
pub async fn delete(conn: &mut AsyncPgConnection, person_id: i64, id: i64) -> AppResult<()> {
    let removed =
        diesel::delete(saved_views::table.filter(saved_views::id.eq(id)).filter(saved_views::owner_id.eq(person_id)))
            .execute(conn)
            .await?;
    if removed == 0 {
        return Err(AppError::NotFound("view"));
    }
    Ok(())
}
