//! OpenPGP public keys Steward holds: the support team's (several may be active during a key
//! change) and each person's own (one active at most). A key is never deleted: a retired key
//! still names who could read what was sealed to it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::schema::openpgp_keys;
use crate::error::AppResult;

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = openpgp_keys)]
pub struct KeyRow {
    pub id: i64,
    pub person_id: Option<i64>,
    pub fingerprint: String,
    pub user_id: String,
    pub armored: String,
    key_ids: Vec<Option<String>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub added_by: i64,
    pub added_at: DateTime<Utc>,
    pub retired_by: Option<i64>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl KeyRow {
    /// The key ids of the parts Steward encrypts to.
    pub fn key_ids(&self) -> Vec<String> {
        self.key_ids.iter().flatten().cloned().collect()
    }

    /// As a recipient of sealed texts.
    pub fn held(&self) -> steward_domain::openpgp::HeldKey {
        steward_domain::openpgp::HeldKey {
            fingerprint: self.fingerprint.clone(),
            key_ids: self.key_ids(),
            team: self.person_id.is_none(),
        }
    }
}

/// A checked key to record.
pub struct NewKey<'a> {
    /// None: the team's.
    pub person_id: Option<i64>,
    pub fingerprint: &'a str,
    pub user_id: &'a str,
    pub armored: &'a str,
    pub key_ids: &'a [String],
    pub expires_at: Option<DateTime<Utc>>,
    pub added_by: i64,
}

pub async fn insert(conn: &AsyncPgConnection, new: NewKey<'_>, at: DateTime<Utc>) -> AppResult<KeyRow> {
    Ok(diesel::insert_into(openpgp_keys::table)
        .values((
            openpgp_keys::person_id.eq(new.person_id),
            openpgp_keys::fingerprint.eq(new.fingerprint),
            openpgp_keys::user_id.eq(new.user_id),
            openpgp_keys::armored.eq(new.armored),
            openpgp_keys::key_ids.eq(new.key_ids.iter().cloned().map(Some).collect::<Vec<_>>()),
            openpgp_keys::expires_at.eq(new.expires_at),
            openpgp_keys::added_by.eq(new.added_by),
            openpgp_keys::added_at.eq(at),
        ))
        .returning(KeyRow::as_returning())
        .get_result(&mut { conn })
        .await?)
}

/// Neither retired nor expired at `now`.
macro_rules! active_at {
    ($now:expr) => {
        openpgp_keys::retired_at.is_null().and(openpgp_keys::expires_at.is_null().or(openpgp_keys::expires_at.gt($now)))
    };
}

/// The support team's active keys at `now`, oldest first.
pub async fn active_team(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<Vec<KeyRow>> {
    Ok(openpgp_keys::table
        .filter(openpgp_keys::person_id.is_null())
        .filter(active_at!(now))
        .order(openpgp_keys::id)
        .select(KeyRow::as_select())
        .load(&mut { conn })
        .await?)
}

/// The own keys of `people` active at `now`.
pub async fn active_own(conn: &AsyncPgConnection, people: &[i64], now: DateTime<Utc>) -> AppResult<Vec<KeyRow>> {
    Ok(openpgp_keys::table
        .filter(openpgp_keys::person_id.eq_any(people))
        .filter(active_at!(now))
        .order(openpgp_keys::id)
        .select(KeyRow::as_select())
        .load(&mut { conn })
        .await?)
}

/// The keys active at `now` (the team's and people's own) with a part named in `key_ids`.
pub async fn active_naming(conn: &AsyncPgConnection, key_ids: &[String], now: DateTime<Utc>) -> AppResult<Vec<KeyRow>> {
    let named: Vec<Option<String>> = key_ids.iter().map(|id| Some(id.to_ascii_uppercase())).collect();
    Ok(openpgp_keys::table
        .filter(active_at!(now))
        .filter(openpgp_keys::key_ids.overlaps_with(named))
        .order(openpgp_keys::id)
        .select(KeyRow::as_select())
        .load(&mut { conn })
        .await?)
}

/// Every key ever held with one of `fingerprints`, newest first (a retired key still names
/// its owner).
pub async fn by_fingerprints(conn: &AsyncPgConnection, fingerprints: &[String]) -> AppResult<Vec<KeyRow>> {
    Ok(openpgp_keys::table
        .filter(openpgp_keys::fingerprint.eq_any(fingerprints))
        .order(openpgp_keys::id.desc())
        .select(KeyRow::as_select())
        .load(&mut { conn })
        .await?)
}

/// Waits until no other transaction is changing the keys of `owner` (None: the team's) and
/// holds them until this transaction ends: two saves of the same key (or of a person's key)
/// at once take turns, the second retiring what the first added, instead of both inserting.
pub async fn lock_owner(conn: &mut AsyncPgConnection, owner: Option<i64>) -> AppResult<()> {
    let owner = owner.map_or_else(|| "team".to_owned(), |person_id| person_id.to_string());
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<diesel::sql_types::Text, _>(format!("openpgp keys of {owner}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// Retires the active team key `fingerprint`, or the active own key of `person_id`; whether
/// one was active.
pub async fn retire(
    conn: &AsyncPgConnection,
    owner: Option<i64>,
    fingerprint: Option<&str>,
    by: i64,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let mut query = diesel::update(openpgp_keys::table).filter(openpgp_keys::retired_at.is_null()).into_boxed();
    query = match owner {
        Some(person_id) => query.filter(openpgp_keys::person_id.eq(person_id)),
        None => query.filter(openpgp_keys::person_id.is_null()),
    };
    if let Some(fingerprint) = fingerprint {
        query = query.filter(openpgp_keys::fingerprint.eq(fingerprint));
    }
    let retired =
        query.set((openpgp_keys::retired_at.eq(at), openpgp_keys::retired_by.eq(by))).execute(&mut { conn }).await?;
    Ok(retired > 0)
}
