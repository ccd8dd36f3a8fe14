//! Communities (tenants).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::is_unique_violation;
use crate::db::schema::communities;
use crate::error::{AppError, AppResult};
use steward_domain::intake::FieldError;

/// A community as stored.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// Every community, by name.
pub async fn list_all(conn: &mut AsyncPgConnection) -> AppResult<Vec<Community>> {
    Ok(communities::table.select(Community::as_select()).order(communities::name).load(conn).await?)
}

/// The communities with these ids, by name.
///
/// Takes a shared connection, so it can be pipelined with other reads (`futures_util::try_join!`).
pub async fn list_by_ids(conn: &AsyncPgConnection, ids: &[i64]) -> AppResult<Vec<Community>> {
    let mut conn = conn;
    Ok(communities::table
        .filter(communities::id.eq_any(ids))
        .select(Community::as_select())
        .order(communities::name)
        .load(&mut conn)
        .await?)
}

/// The community with this id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Community>> {
    Ok(communities::table.find(id).select(Community::as_select()).first(conn).await.optional()?)
}

/// The community with this slug.
pub async fn find_by_slug(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<Option<Community>> {
    Ok(communities::table
        .filter(communities::slug.eq(slug))
        .select(Community::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Creates a community; AlreadyExists (naming `slug`) if the slug is taken.
pub async fn insert(conn: &mut AsyncPgConnection, slug: &str, name: &str) -> AppResult<Community> {
    diesel::insert_into(communities::table)
        .values((communities::slug.eq(slug), communities::name.eq(name)))
        .returning(Community::as_returning())
        .get_result(conn)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                AppError::AlreadyExists(FieldError::new(
                    "slug",
                    format!("A community with the slug \"{slug}\" already exists."),
                ))
            } else {
                error.into()
            }
        })
}
