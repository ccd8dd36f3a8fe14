//! People, their staff roles and their memberships.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::communities::Community;
use super::{is_unique_violation, unknown_value};
use crate::db::schema::{communities, memberships, people, sessions};
use crate::error::{AppError, AppResult};
use steward_domain::facts::Principal;
use steward_domain::intake::FieldError;
use steward_domain::{MembershipRole, StaffRole};

#[derive(Queryable, Selectable)]
#[diesel(table_name = people)]
struct PersonRow {
    id: i64,
    email: String,
    display_name: String,
    staff_role: Option<String>,
    time_zone: Option<String>,
}

/// A person as stored (without their password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub staff_role: Option<StaffRole>,
    /// The IANA zone their times are shown in; none: their browser's.
    pub time_zone: Option<String>,
}

impl TryFrom<PersonRow> for Person {
    type Error = AppError;
    fn try_from(row: PersonRow) -> AppResult<Person> {
        let staff_role = match row.staff_role {
            None => None,
            Some(text) => Some(StaffRole::parse(&text).ok_or_else(|| unknown_value("people.staff_role", &text))?),
        };
        Ok(Person {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            staff_role,
            time_zone: row.time_zone,
        })
    }
}

/// A person's membership of one community.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub person_id: i64,
    pub community: Community,
    pub role: MembershipRole,
}

/// Emails are compared lower-cased and trimmed.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The person with this email, with their password hash.
pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> AppResult<Option<(Person, String)>> {
    let row: Option<(PersonRow, String)> = people::table
        .filter(people::email.eq(normalize_email(email)))
        .select((PersonRow::as_select(), people::password_hash))
        .first(conn)
        .await
        .optional()?;
    row.map(|(person, hash)| Ok((Person::try_from(person)?, hash))).transpose()
}

/// The person with this id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Person>> {
    let row: Option<PersonRow> = people::table.find(id).select(PersonRow::as_select()).first(conn).await.optional()?;
    row.map(Person::try_from).transpose()
}

/// The people with these ids, by id.
///
/// Takes a shared connection, so it can be pipelined with other reads (`futures_util::try_join!`).
pub async fn by_ids(conn: &AsyncPgConnection, ids: &[i64]) -> AppResult<HashMap<i64, Person>> {
    let mut conn = conn;
    let rows: Vec<PersonRow> =
        people::table.filter(people::id.eq_any(ids)).select(PersonRow::as_select()).load(&mut conn).await?;
    rows.into_iter().map(|row| Person::try_from(row).map(|p| (p.id, p))).collect()
}

/// Everyone, by name.
pub async fn list_all(conn: &mut AsyncPgConnection) -> AppResult<Vec<Person>> {
    let rows: Vec<PersonRow> =
        people::table.select(PersonRow::as_select()).order((people::display_name, people::id)).load(conn).await?;
    rows.into_iter().map(Person::try_from).collect()
}

/// The support team (stewards and admins), by name.
pub async fn list_staff(conn: &AsyncPgConnection) -> AppResult<Vec<Person>> {
    let rows: Vec<PersonRow> = people::table
        .filter(people::staff_role.is_not_null())
        .select(PersonRow::as_select())
        .order((people::display_name, people::id))
        .load(&mut { conn })
        .await?;
    rows.into_iter().map(Person::try_from).collect()
}

/// The admins' ids, in the order they were added.
pub async fn admins(conn: &AsyncPgConnection) -> AppResult<Vec<i64>> {
    Ok(people::table
        .filter(people::staff_role.eq(StaffRole::Admin.as_str()))
        .order(people::id)
        .select(people::id)
        .load(&mut { conn })
        .await?)
}

/// A person to create; the password is already hashed.
pub struct NewPerson<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub staff_role: Option<StaffRole>,
}

/// Creates a person; AlreadyExists (naming `email`) if the email is taken.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewPerson<'_>) -> AppResult<Person> {
    let email = normalize_email(new.email);
    let row: PersonRow = diesel::insert_into(people::table)
        .values((
            people::email.eq(&email),
            people::display_name.eq(new.display_name),
            people::password_hash.eq(new.password_hash),
            people::staff_role.eq(new.staff_role.map(StaffRole::as_str)),
        ))
        .returning(PersonRow::as_returning())
        .get_result(conn)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                AppError::AlreadyExists(FieldError::new(
                    "email",
                    format!("Someone with the email {email} already exists."),
                ))
            } else {
                AppError::from(error)
            }
        })?;
    Person::try_from(row)
}

/// The memberships of these people, by community name.
pub async fn memberships_of(conn: &mut AsyncPgConnection, person_ids: &[i64]) -> AppResult<Vec<Membership>> {
    let rows: Vec<(i64, String, Community)> = memberships::table
        .inner_join(communities::table)
        .filter(memberships::person_id.eq_any(person_ids))
        .select((memberships::person_id, memberships::role, Community::as_select()))
        .order(communities::name)
        .load(conn)
        .await?;
    rows.into_iter()
        .map(|(person_id, role, community)| {
            let role = MembershipRole::parse(&role).ok_or_else(|| unknown_value("memberships.role", &role))?;
            Ok(Membership { person_id, community, role })
        })
        .collect()
}

/// The representatives of a community.
pub async fn representatives_of(conn: &AsyncPgConnection, community_id: i64) -> AppResult<Vec<i64>> {
    Ok(memberships::table
        .filter(memberships::community_id.eq(community_id))
        .filter(memberships::role.eq(MembershipRole::Representative.as_str()))
        .select(memberships::person_id)
        .order(memberships::person_id)
        .load(&mut { conn })
        .await?)
}

/// The person with `id` and their roles, as the access rules see them.
pub async fn principal(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Principal>> {
    let Some(person) = find(conn, id).await? else { return Ok(None) };
    let memberships = memberships_of(conn, &[id]).await?;
    let mut principal = Principal {
        person_id: person.id,
        display_name: person.display_name,
        email: person.email,
        staff_role: person.staff_role,
        representative_of: Vec::new(),
        member_of: Vec::new(),
    };
    for membership in memberships {
        match membership.role {
            MembershipRole::Representative => principal.representative_of.push(membership.community.id),
            MembershipRole::Member => principal.member_of.push(membership.community.id),
        }
    }
    Ok(Some(principal))
}

/// Adds the person to the community with `role`, or changes their role there, and records the
/// access change for their open streams.
pub async fn set_membership(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    community_id: i64,
    role: MembershipRole,
) -> AppResult<()> {
    conn.transaction(async |conn| {
        diesel::insert_into(memberships::table)
            .values((
                memberships::person_id.eq(person_id),
                memberships::community_id.eq(community_id),
                memberships::role.eq(role.as_str()),
            ))
            .on_conflict((memberships::person_id, memberships::community_id))
            .do_update()
            .set(memberships::role.eq(role.as_str()))
            .execute(conn)
            .await?;
        super::live::record_access_change(conn, person_id).await
    })
    .await
}

/// Removes the person from the community, recording the access change for their open streams;
/// whether they were in it.
pub async fn remove_membership(conn: &mut AsyncPgConnection, person_id: i64, community_id: i64) -> AppResult<bool> {
    conn.transaction(async |conn| {
        let removed = diesel::delete(memberships::table.find((person_id, community_id))).execute(conn).await?;
        super::live::record_access_change(conn, person_id).await?;
        Ok(removed > 0)
    })
    .await
}

/// What [`set_staff_role`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffRoleChange {
    /// The role changed; this many of the person's sessions were ended with it.
    Changed { sessions_ended: usize },
    /// The person already had that role; nothing was written.
    Unchanged,
    /// The person is the last admin and would stop being one.
    LastAdmin,
    /// There is no such person.
    NoSuchPerson,
}

/// Gives `person_id` the staff role `role` (none: off the staff). A change ends every session
/// the person holds, so they sign in again and get a fresh token for their new rights, and
/// records the access change so their open streams end. The admins are locked first, so two
/// admins demoting each other at once never leave Steward without one.
pub async fn set_staff_role(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    role: Option<StaffRole>,
) -> AppResult<StaffRoleChange> {
    conn.transaction(async |conn| {
        let admins: Vec<i64> = people::table
            .filter(people::staff_role.eq(StaffRole::Admin.as_str()))
            .select(people::id)
            .order(people::id)
            .for_update()
            .load(conn)
            .await?;
        let current: Option<Option<String>> =
            people::table.find(person_id).select(people::staff_role).for_update().first(conn).await.optional()?;
        let Some(current) = current else { return Ok(StaffRoleChange::NoSuchPerson) };
        if current.as_deref() == role.map(StaffRole::as_str) {
            return Ok(StaffRoleChange::Unchanged);
        }
        if role != Some(StaffRole::Admin) && admins == [person_id] {
            return Ok(StaffRoleChange::LastAdmin);
        }
        diesel::update(people::table.find(person_id))
            .set(people::staff_role.eq(role.map(StaffRole::as_str)))
            .execute(conn)
            .await?;
        let sessions_ended =
            diesel::delete(sessions::table.filter(sessions::person_id.eq(person_id))).execute(conn).await?;
        super::live::record_access_change(conn, person_id).await?;
        Ok(StaffRoleChange::Changed { sessions_ended })
    })
    .await
}

/// Sets the zone a person's times are shown in (none: their browser's).
pub async fn set_time_zone(conn: &mut AsyncPgConnection, id: i64, zone: Option<&str>) -> AppResult<bool> {
    Ok(diesel::update(people::table.find(id)).set(people::time_zone.eq(zone)).execute(conn).await? > 0)
}
