//! OpenPGP key use cases (issue 14): the support team's keys (admins add, refresh and retire
//! them; everyone signed in sees them), each person's own key, the keys a text sealed in the
//! browser is encrypted to, and who can read a sealed text that arrives.
//!
//! - A key counts while it is neither retired nor past its expiry; only the parts Steward may
//!   encrypt to (`usable`'s `encrypt_to`) name it as a reader.
//! - A key is taken only when `steward_domain::openpgp::usable` says Steward can encrypt to it
//!   now; the refusal names the reason (field `armored`). Adding a team key that is already
//!   active refreshes it (a new expiry or subkey); the old row is retired, never changed.
//! - A sealed text (a form answer, a reply, an encrypted file's first bytes) is taken only when
//!   an active team key can read it (`steward_domain::openpgp::readers`); it is stored exactly
//!   as it came, with the fingerprints of the held keys that can read it. The server never
//!   sees its plaintext and never tries to.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_domain::openpgp::{self as rules, SealRefusal};

use super::Core;
use crate::db::models::openpgp_keys::{self as rows, KeyRow, NewKey};
use crate::error::{AppError, AppResult};

const TEAM_KEYS_ADMINS_ONLY: &str = "Only an admin can change the support team's encryption keys.";

/// The support team's active keys, oldest first.
pub async fn team_keys(core: &Core) -> AppResult<Vec<KeyRow>> {
    let conn = core.pool.get().await?;
    rows::active_team(&conn, core.now()).await
}

/// Checks `armored` as a key Steward can encrypt to now: its facts, or why not (field
/// `armored`).
fn checked(armored: &str, now: DateTime<Utc>) -> AppResult<rules::UsableKey> {
    let armored = armored.trim();
    if armored.is_empty() {
        return Err(AppError::invalid("armored", "Paste the public key (`gpg --armor --export <fingerprint>`)."));
    }
    let facts = steward_openpgp::read_key(armored.as_bytes()).map_err(|refusal| refusal.of_field("armored"))?;
    rules::usable(&facts, now).map_err(|refusal| AppError::InvalidArgument(vec![refusal.of_field("armored")]))
}

/// Checks `armored` and makes it the active key of `owner` (None: the team's, in place of an
/// active team key with the same fingerprint; a person: in place of their own key), in one
/// transaction: the key it replaces is retired, never changed.
async fn replace_key(core: &Core, who: &Principal, owner: Option<i64>, armored: &str) -> AppResult<KeyRow> {
    let now = core.now();
    let usable = checked(armored, now)?;
    let replaced = if owner.is_none() { Some(usable.fingerprint.as_str()) } else { None };
    let mut conn = core.pool.get().await?;
    conn.transaction(async |conn| {
        rows::lock_owner(conn, owner).await?;
        rows::retire(conn, owner, replaced, who.person_id, now).await?;
        let new = NewKey {
            person_id: owner,
            fingerprint: &usable.fingerprint,
            user_id: &usable.user_id,
            armored: armored.trim(),
            key_ids: &usable.encrypt_to,
            expires_at: usable.expires,
            added_by: who.person_id,
        };
        rows::insert(conn, new, now).await
    })
    .await
}

/// Adds (or refreshes) a key of the support team.
pub async fn add_team_key(core: &Core, who: &Principal, armored: &str) -> AppResult<KeyRow> {
    if !authz::can_configure(who) {
        return Err(AppError::PermissionDenied(TEAM_KEYS_ADMINS_ONLY));
    }
    let added = replace_key(core, who, None, armored).await?;
    tracing::info!(fingerprint = added.fingerprint, person_id = who.person_id, "team key added");
    Ok(added)
}

/// Retires the active team key `fingerprint`: new texts are no longer sealed to it; what was
/// sealed to it stays readable with it.
pub async fn retire_team_key(core: &Core, who: &Principal, fingerprint: &str) -> AppResult<()> {
    if !authz::can_configure(who) {
        return Err(AppError::PermissionDenied(TEAM_KEYS_ADMINS_ONLY));
    }
    let conn = core.pool.get().await?;
    let fingerprint = fingerprint.trim().to_ascii_uppercase().replace(' ', "");
    if rows::retire(&conn, None, Some(&fingerprint), who.person_id, core.now()).await? {
        tracing::info!(fingerprint, person_id = who.person_id, "team key retired");
        Ok(())
    } else {
        Err(AppError::NotFound("team key"))
    }
}

/// The caller's own active key, if they added one.
pub async fn own_key(core: &Core, who: &Principal) -> AppResult<Option<KeyRow>> {
    let conn = core.pool.get().await?;
    Ok(rows::active_own(&conn, &[who.person_id], core.now()).await?.pop())
}

/// Sets the caller's own key: texts sealed on their tickets are encrypted to it too, so they
/// can read them with GnuPG.
pub async fn set_own_key(core: &Core, who: &Principal, armored: &str) -> AppResult<KeyRow> {
    replace_key(core, who, Some(who.person_id), armored).await
}

/// Removes the caller's own key (what was sealed to it stays as it is).
pub async fn remove_own_key(core: &Core, who: &Principal) -> AppResult<()> {
    let conn = core.pool.get().await?;
    rows::retire(&conn, Some(who.person_id), None, who.person_id, core.now()).await?;
    Ok(())
}

/// The keys a text `who` seals now is encrypted to: every active team key, the requester's own
/// key (of ticket `ticket`, or `who` for a new request; never for an `internal` note) and
/// `who`'s own key. Empty when the team has no key: nothing can be sealed then.
pub async fn sealing_keys(core: &Core, who: &Principal, ticket: Option<i64>, internal: bool) -> AppResult<Vec<KeyRow>> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let requester = match ticket {
        Some(number) => {
            let ticket = super::tickets::visible_ticket(&mut conn, super::Actor::Person(who), number).await?;
            if !authz::can_reply(who, &ticket.facts()) {
                return Err(AppError::PermissionDenied("You cannot write on this ticket."));
            }
            ticket.requester_id
        }
        None => who.person_id,
    };
    let team = rows::active_team(&conn, now).await?;
    if team.is_empty() {
        return Ok(Vec::new());
    }
    let own = rows::active_own(&conn, &[requester, who.person_id], now).await?;
    let requester = if internal { None } else { Some(requester) };
    let of = |person: i64| own.iter().find(|key| key.person_id == Some(person));
    let team_fingerprints: Vec<&str> = team.iter().map(|key| key.fingerprint.as_str()).collect();
    let chosen = rules::seal_to(
        &team_fingerprints,
        requester.and_then(of).map(|key| key.fingerprint.as_str()),
        of(who.person_id).map(|key| key.fingerprint.as_str()),
    );
    let mut keys: Vec<KeyRow> = Vec::new();
    for fingerprint in chosen {
        if let Some(key) = team.iter().chain(own.iter()).find(|key| key.fingerprint == fingerprint) {
            keys.push(key.clone());
        }
    }
    Ok(keys)
}

/// Whether the team has a key, so that secret questions can be asked.
pub(crate) async fn team_can_receive(conn: &AsyncPgConnection, now: DateTime<Utc>) -> AppResult<bool> {
    Ok(!rows::active_team(conn, now).await?.is_empty())
}

/// The fingerprints of the held keys that can read the OpenPGP message starting with `start`
/// (a whole armored text, or an encrypted file's first bytes), or why it is refused as the
/// problem of `field`.
pub(crate) async fn readers_of(
    conn: &AsyncPgConnection,
    start: &[u8],
    field: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<String>> {
    let refused = |refusal: SealRefusal| AppError::InvalidArgument(vec![refusal.of_field(field)]);
    let recipients = steward_openpgp::recipients(start).map_err(refused)?;
    let held: Vec<rules::HeldKey> =
        rows::active_naming(conn, &recipients, now).await?.iter().map(KeyRow::held).collect();
    rules::readers(&recipients, &held).map_err(refused)
}
