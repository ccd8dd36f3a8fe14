//! The support rotation as admins keep it (seed 002): its start, how many are on duty at once,
//! who is in it, and the overrides. Who is on duty on a day is `steward_domain::rotation`'s
//! rule over these rows.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::rotation::{Member, Override, Rotation};

use crate::db::schema::{people, rotation, rotation_members, rotation_overrides};
use crate::error::AppResult;

/// The rotation, its members named.
pub async fn get(conn: &AsyncPgConnection) -> AppResult<Rotation> {
    let (starts_on, on_duty): (NaiveDate, i16) =
        rotation::table.select((rotation::starts_on, rotation::on_duty)).first(&mut { conn }).await?;
    let members: Vec<(i64, String)> = rotation_members::table
        .inner_join(people::table)
        .filter(people::staff_role.is_not_null())
        .select((people::id, people::display_name))
        .load(&mut { conn })
        .await?;
    Ok(Rotation {
        members: members.into_iter().map(|(person_id, name)| Member { person_id, name }).collect(),
        starts_on,
        on_duty: on_duty.max(1) as usize,
    })
}

/// Replaces the rotation's start, size and members.
pub async fn set(conn: &AsyncPgConnection, starts_on: NaiveDate, on_duty: i16, members: &[i64]) -> AppResult<()> {
    diesel::update(rotation::table)
        .set((rotation::starts_on.eq(starts_on), rotation::on_duty.eq(on_duty)))
        .execute(&mut { conn })
        .await?;
    diesel::delete(rotation_members::table).execute(&mut { conn }).await?;
    let rows: Vec<_> = members.iter().map(|id| rotation_members::person_id.eq(id)).collect();
    diesel::insert_into(rotation_members::table).values(rows).on_conflict_do_nothing().execute(&mut { conn }).await?;
    Ok(())
}

/// An override as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOverride {
    pub id: i64,
    pub rule: Override,
    pub note: String,
}

type OverrideRow = (i64, NaiveDate, NaiveDate, Option<i64>, Option<i64>, String);

/// Overrides that have not ended by `from`, in the order they were made (later ones win).
pub async fn overrides(conn: &AsyncPgConnection, from: NaiveDate) -> AppResult<Vec<StoredOverride>> {
    let rows: Vec<OverrideRow> = rotation_overrides::table
        .filter(rotation_overrides::ends_on.gt(from))
        .order(rotation_overrides::id)
        .select((
            rotation_overrides::id,
            rotation_overrides::starts_on,
            rotation_overrides::ends_on,
            rotation_overrides::off_person_id,
            rotation_overrides::on_person_id,
            rotation_overrides::note,
        ))
        .load(&mut { conn })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, starts_on, ends_on, off, on, note)| StoredOverride {
            id,
            rule: Override { starts_on, ends_on, off, on },
            note,
        })
        .collect())
}

pub async fn add_override(
    conn: &AsyncPgConnection,
    rule: &Override,
    note: &str,
    at: DateTime<Utc>,
) -> AppResult<StoredOverride> {
    let id: i64 = diesel::insert_into(rotation_overrides::table)
        .values((
            rotation_overrides::starts_on.eq(rule.starts_on),
            rotation_overrides::ends_on.eq(rule.ends_on),
            rotation_overrides::off_person_id.eq(rule.off),
            rotation_overrides::on_person_id.eq(rule.on),
            rotation_overrides::note.eq(note),
            rotation_overrides::created_at.eq(at),
        ))
        .returning(rotation_overrides::id)
        .get_result(&mut { conn })
        .await?;
    Ok(StoredOverride { id, rule: rule.clone(), note: note.to_owned() })
}

/// Removes an override; whether there was one.
pub async fn remove_override(conn: &AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(diesel::delete(rotation_overrides::table.find(id)).execute(&mut { conn }).await? > 0)
}

/// Who is on duty on `date`: the rule over the stored rotation and overrides.
pub async fn on_duty(conn: &AsyncPgConnection, date: NaiveDate) -> AppResult<Vec<i64>> {
    let rotation = get(conn).await?;
    let overrides: Vec<Override> = overrides(conn, date).await?.into_iter().map(|o| o.rule).collect();
    Ok(rotation.on_duty(&overrides, date))
}
