//! OpenPGP keys and sealed texts (issue 14; seed 000: "a way to communicate confidential
//! information, for example using gpg public key encryption"). The rules only: the
//! cryptography is rpgp's, in the `steward-openpgp` crate, which reads a key into [`KeyFacts`]
//! and a message into the key ids it is encrypted to.
//!
//! - A key Steward encrypts to is a version-4 public key (GnuPG 2.4 and older cannot read
//!   version-6 packets), neither revoked nor expired, with at least one (sub)key for encryption
//!   that is itself neither revoked nor expired ([`usable`]). A block holding a private key is
//!   refused first, so a private key pasted by mistake is never stored.
//! - A sealed text is one ASCII-armored OpenPGP message and nothing else ([`sealed_block`]); it
//!   is stored exactly as it came, with the fingerprints of the keys that can read it.
//! - A sealed text must be readable by support: at least one key it is encrypted to is an active
//!   team key ([`readers`]). Texts sealed in Steward's pages are encrypted to every active team
//!   key, the requester's own key and the writer's own key ([`seal_to`]); a block someone
//!   encrypted with `gpg` herself is taken as it is.

use chrono::{DateTime, Utc};

use crate::intake::FieldError;

/// The first line of an armored OpenPGP message.
pub const MESSAGE_BEGIN: &str = "-----BEGIN PGP MESSAGE-----";
/// The last line of an armored OpenPGP message.
pub const MESSAGE_END: &str = "-----END PGP MESSAGE-----";
/// The longest sealed text, in characters: a message of the longest reply, in the widest
/// script, encrypted to a handful of keys and armored.
pub const SEALED_MAX_CHARS: usize = 131_072;
/// The longest armored public key taken, in bytes (a key with a few subkeys and photos is far
/// less).
pub const KEY_MAX_BYTES: usize = 65_536;

/// What a public key block says about itself, as read by the OpenPGP crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    /// The primary key's packet version (4 or 6).
    pub version: u8,
    /// The primary key's fingerprint, upper-case hex.
    pub fingerprint: String,
    /// The key's user ids, primary first ("Support Team <support@example.org>").
    pub user_ids: Vec<String>,
    pub created: DateTime<Utc>,
    /// When the primary key expires, per its self-signature.
    pub expires: Option<DateTime<Utc>>,
    /// The owner published a revocation of the primary key.
    pub revoked: bool,
    /// The block holds a private key.
    pub secret: bool,
    /// Its self-signatures check out (nobody changed it after its owner signed it).
    pub signatures_hold: bool,
    /// The primary key and each subkey, primary first.
    pub parts: Vec<KeyPart>,
}

/// The primary key or one subkey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPart {
    /// Upper-case hex, 16 digits: what an encrypted message names its recipient by.
    pub key_id: String,
    pub version: u8,
    /// Its flags (or, without flags, its algorithm) allow encrypting to it.
    pub can_encrypt: bool,
    pub expires: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// A key Steward can encrypt to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsableKey {
    pub fingerprint: String,
    /// The primary user id, or "" when the key has none.
    pub user_id: String,
    /// The key ids of the parts to encrypt to, in the key's order.
    pub encrypt_to: Vec<String>,
    /// When it stops being usable: the primary key's expiry, or the last encryption part's.
    pub expires: Option<DateTime<Utc>>,
}

/// Why a block is not a key Steward can encrypt to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    /// The text is not an OpenPGP key (or not all of one).
    NotAKey,
    /// The block holds more than one key.
    SeveralKeys,
    /// The block holds a private key.
    Secret,
    /// A primary key of another version than 4.
    Version(u8),
    /// Its self-signatures do not check out.
    Damaged,
    Revoked,
    Expired(DateTime<Utc>),
    /// No part may encrypt at all: a signing-only key.
    SignOnly,
    /// The parts that may encrypt are revoked.
    EncryptionRevoked,
    /// The parts that may encrypt expired; the latest expiry.
    EncryptionExpired(DateTime<Utc>),
}

impl KeyRefusal {
    /// What the person who pasted the block reads, with what to do.
    pub fn message(&self) -> String {
        match self {
            KeyRefusal::NotAKey => {
                "This is not an OpenPGP public key. Export it with `gpg --armor --export <fingerprint>` \
                 and paste everything from -----BEGIN PGP PUBLIC KEY BLOCK----- to -----END PGP PUBLIC KEY BLOCK-----."
                    .to_owned()
            }
            KeyRefusal::SeveralKeys => "This block holds several keys; add them one at a time.".to_owned(),
            KeyRefusal::Secret => "This block holds a private key, which must stay with its owner: nothing was saved. \
                 Paste the public key instead (`gpg --armor --export <fingerprint>`)."
                .to_owned(),
            KeyRefusal::Version(version) => format!(
                "This is a version-{version} key, which GnuPG 2.4 and older cannot use. Add a version-4 key \
                 (what `gpg --full-generate-key` makes)."
            ),
            KeyRefusal::Damaged => "This key's signatures do not check out: it was changed after its owner signed \
                 it. Export it again (`gpg --armor --export <fingerprint>`) and paste that."
                .to_owned(),
            KeyRefusal::Revoked => "Its owner revoked this key, so it must not be used any more.".to_owned(),
            KeyRefusal::Expired(at) => format!(
                "This key expired on {}. Extend it (`gpg --quick-set-expire <fingerprint> 2y`) and paste the \
                 refreshed public key.",
                at.format("%Y-%m-%d")
            ),
            KeyRefusal::SignOnly => "This key can only sign: it has no subkey for encryption. Add one \
                 (`gpg --quick-add-key <fingerprint> cv25519 encr`) and paste the refreshed public key."
                .to_owned(),
            KeyRefusal::EncryptionRevoked => "Its encryption subkey was revoked. Add a new one \
                 (`gpg --quick-add-key <fingerprint> cv25519 encr`) and paste the refreshed public key."
                .to_owned(),
            KeyRefusal::EncryptionExpired(at) => format!(
                "Its encryption subkey expired on {}. Extend it (`gpg --quick-set-expire <fingerprint> 2y '*'`) \
                 and paste the refreshed public key.",
                at.format("%Y-%m-%d")
            ),
        }
    }

    /// The refusal as the problem of the field `field`.
    pub fn of_field(&self, field: &str) -> FieldError {
        FieldError::new(field, self.message())
    }
}

/// Whether Steward may encrypt to the key `facts` describe at `now`, and to which of its parts.
/// Reasons are checked in the order a person fixes them: the wrong block, the wrong kind of
/// key, a key given up, a key run out, then its parts.
pub fn usable(facts: &KeyFacts, now: DateTime<Utc>) -> Result<UsableKey, KeyRefusal> {
    if facts.secret {
        return Err(KeyRefusal::Secret);
    }
    if facts.version != 4 {
        return Err(KeyRefusal::Version(facts.version));
    }
    if !facts.signatures_hold {
        return Err(KeyRefusal::Damaged);
    }
    if facts.revoked {
        return Err(KeyRefusal::Revoked);
    }
    if let Some(at) = facts.expires.filter(|at| *at <= now) {
        return Err(KeyRefusal::Expired(at));
    }
    let capable: Vec<&KeyPart> = facts.parts.iter().filter(|part| part.can_encrypt && part.version == 4).collect();
    if capable.is_empty() {
        return Err(KeyRefusal::SignOnly);
    }
    let standing: Vec<&KeyPart> = capable.iter().copied().filter(|part| !part.revoked).collect();
    if standing.is_empty() {
        return Err(KeyRefusal::EncryptionRevoked);
    }
    let current: Vec<&KeyPart> =
        standing.iter().copied().filter(|part| part.expires.is_none_or(|at| at > now)).collect();
    if current.is_empty() {
        let latest = standing.iter().filter_map(|part| part.expires).max().unwrap_or(now);
        return Err(KeyRefusal::EncryptionExpired(latest));
    }
    let parts_expire = if current.iter().any(|part| part.expires.is_none()) {
        None
    } else {
        current.iter().filter_map(|p| p.expires).max()
    };
    let expires = match (facts.expires, parts_expire) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok(UsableKey {
        fingerprint: facts.fingerprint.clone(),
        user_id: facts.user_ids.first().cloned().unwrap_or_default(),
        encrypt_to: current.iter().map(|part| part.key_id.clone()).collect(),
        expires,
    })
}

/// A fingerprint as people compare it: upper-case, in groups of four ("ABCD 0123 ...").
pub fn fingerprint_words(fingerprint: &str) -> String {
    let digits: Vec<char> =
        fingerprint.chars().filter(|c| c.is_ascii_hexdigit()).map(|c| c.to_ascii_uppercase()).collect();
    digits.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The armored message `text` is, trimmed, when it is exactly one and nothing else.
pub fn sealed_block(text: &str) -> Option<&str> {
    let block = text.trim();
    let inner = block.strip_prefix(MESSAGE_BEGIN)?.strip_suffix(MESSAGE_END)?;
    let one = !inner.contains("-----BEGIN") && !inner.contains("-----END");
    (one && inner.starts_with(['\r', '\n'])).then_some(block)
}

/// A key Steward holds, as a recipient of sealed texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldKey {
    pub fingerprint: String,
    /// The key ids of its parts a message may be encrypted to.
    pub key_ids: Vec<String>,
    /// An active key of the support team (rather than a person's own).
    pub team: bool,
}

/// Why a sealed text cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealRefusal {
    /// Not an OpenPGP message (for example, cut short when copied).
    Unreadable,
    TooLong,
    /// None of its recipients is an active team key.
    NotForSupport,
}

impl SealRefusal {
    /// The refusal as the problem of the field `field`, for a person to act on.
    pub fn of_field(&self, field: &str) -> FieldError {
        let message = match self {
            SealRefusal::Unreadable => "This encrypted text is not a whole OpenPGP message: copy everything from \
                 -----BEGIN PGP MESSAGE----- to -----END PGP MESSAGE----- and try again."
                .to_owned(),
            SealRefusal::TooLong => format!("Keep the encrypted text under {SEALED_MAX_CHARS} characters."),
            SealRefusal::NotForSupport => "This text is encrypted to keys support does not hold, so nobody in \
                 support could read it. Encrypt it to the support team's key shown on the How to get support page \
                 (`gpg --encrypt --armor -r <fingerprint>`)."
                .to_owned(),
        };
        FieldError::new(field, message)
    }
}

/// The fingerprints of the held keys that can read a message encrypted to `recipient_ids`
/// (the key ids its encrypted session keys name), or why it is not taken: support must be
/// able to read it.
pub fn readers(recipient_ids: &[String], held: &[HeldKey]) -> Result<Vec<String>, SealRefusal> {
    let names = |key: &HeldKey| {
        key.key_ids.iter().any(|id| recipient_ids.iter().any(|recipient| recipient.eq_ignore_ascii_case(id)))
    };
    let readers: Vec<&HeldKey> = held.iter().filter(|key| names(key)).collect();
    if !readers.iter().any(|key| key.team) {
        return Err(SealRefusal::NotForSupport);
    }
    let mut fingerprints: Vec<String> = Vec::new();
    for key in readers {
        if !fingerprints.contains(&key.fingerprint) {
            fingerprints.push(key.fingerprint.clone());
        }
    }
    Ok(fingerprints)
}

/// Whose keys a text sealed in Steward's pages is encrypted to: every active team key, then the
/// requester's own key and the writer's own key when they have one (each once), so support,
/// the person who asked and the person who wrote can all read it.
pub fn seal_to<'a>(team: &[&'a str], requester: Option<&'a str>, writer: Option<&'a str>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = Vec::new();
    for key in team.iter().copied().chain(requester).chain(writer) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 12, 0, 0).single().expect("a valid time")
    }

    fn part(key_id: &str, can_encrypt: bool) -> KeyPart {
        KeyPart { key_id: key_id.into(), version: 4, can_encrypt, expires: None, revoked: false }
    }

    /// An ed25519 key with a cv25519 encryption subkey, as `gpg --quick-gen-key` makes it.
    fn gpg_key() -> KeyFacts {
        KeyFacts {
            version: 4,
            fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567".into(),
            user_ids: vec!["Support Team <support@example.org>".into(), "Old <old@example.org>".into()],
            created: at(1),
            expires: None,
            revoked: false,
            secret: false,
            signatures_hold: true,
            parts: vec![part("89ABCDEF01234567", false), part("1111222233334444", true)],
        }
    }

    #[test]
    fn a_current_v4_key_with_an_encryption_subkey_is_used_through_that_subkey() {
        let key = usable(&gpg_key(), at(7)).expect("usable");
        assert_eq!(key.encrypt_to, ["1111222233334444"], "the signing primary is not encrypted to");
        assert_eq!(key.user_id, "Support Team <support@example.org>");
        assert_eq!(key.expires, None);
        let mut old_rsa = gpg_key();
        old_rsa.parts = vec![part("89ABCDEF01234567", true)];
        assert_eq!(usable(&old_rsa, at(7)).expect("usable").encrypt_to, ["89ABCDEF01234567"], "a primary may encrypt");
    }

    #[test]
    fn a_private_key_is_refused_before_anything_else() {
        let mut key = gpg_key();
        key.secret = true;
        key.version = 6;
        key.revoked = true;
        assert_eq!(usable(&key, at(7)), Err(KeyRefusal::Secret));
        assert!(KeyRefusal::Secret.message().contains("nothing was saved"));
    }

    #[test]
    fn only_version_4_keys_are_taken() {
        let mut key = gpg_key();
        key.version = 6;
        assert_eq!(usable(&key, at(7)), Err(KeyRefusal::Version(6)));
        assert!(KeyRefusal::Version(6).message().contains("version-6"));
        let mut v6_subkey = gpg_key();
        v6_subkey.parts[1].version = 6;
        assert_eq!(usable(&v6_subkey, at(7)), Err(KeyRefusal::SignOnly), "a v6 subkey is no use either");
    }

    #[test]
    fn a_key_changed_after_it_was_signed_is_refused() {
        let mut key = gpg_key();
        key.signatures_hold = false;
        assert_eq!(usable(&key, at(7)), Err(KeyRefusal::Damaged));
    }

    #[test]
    fn a_revoked_or_expired_key_is_refused_with_its_date() {
        let mut revoked = gpg_key();
        revoked.revoked = true;
        assert_eq!(usable(&revoked, at(7)), Err(KeyRefusal::Revoked));
        let mut expired = gpg_key();
        expired.expires = Some(at(7));
        assert_eq!(usable(&expired, at(7)), Err(KeyRefusal::Expired(at(7))), "expired at the very moment");
        assert!(KeyRefusal::Expired(at(7)).message().contains("2026-12-07"));
        assert!(usable(&expired, at(6)).is_ok(), "the day before it still works");
        assert_eq!(usable(&expired, at(6)).expect("usable").expires, Some(at(7)));
    }

    #[test]
    fn a_key_without_a_current_encryption_part_says_which_part_failed() {
        let mut sign_only = gpg_key();
        sign_only.parts.truncate(1);
        assert_eq!(usable(&sign_only, at(7)), Err(KeyRefusal::SignOnly));
        assert!(KeyRefusal::SignOnly.message().contains("encr"));

        let mut revoked_subkey = gpg_key();
        revoked_subkey.parts[1].revoked = true;
        assert_eq!(usable(&revoked_subkey, at(7)), Err(KeyRefusal::EncryptionRevoked));

        let mut expired_subkeys = gpg_key();
        expired_subkeys.parts[1].expires = Some(at(3));
        expired_subkeys.parts.push(KeyPart { expires: Some(at(5)), ..part("5555666677778888", true) });
        assert_eq!(usable(&expired_subkeys, at(7)), Err(KeyRefusal::EncryptionExpired(at(5))), "the latest date");
    }

    #[test]
    fn during_a_subkey_change_only_the_current_parts_are_encrypted_to() {
        let mut key = gpg_key();
        key.expires = Some(at(30));
        key.parts[1].expires = Some(at(3));
        key.parts.push(KeyPart { expires: Some(at(20)), ..part("5555666677778888", true) });
        key.parts.push(KeyPart { revoked: true, ..part("9999AAAABBBBCCCC", true) });
        let usable = usable(&key, at(7)).expect("usable");
        assert_eq!(usable.encrypt_to, ["5555666677778888"]);
        assert_eq!(usable.expires, Some(at(20)), "it stops working when its last encryption part does");
        let mut forever = key.clone();
        forever.parts[2].expires = None;
        assert_eq!(super::usable(&forever, at(7)).expect("usable").expires, Some(at(30)), "then the primary's");
    }

    #[test]
    fn fingerprints_read_in_groups_of_four() {
        assert_eq!(
            fingerprint_words("0123456789abcdef0123456789ABCDEF01234567"),
            "0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567"
        );
        assert_eq!(fingerprint_words("01 23:45"), "0123 45");
    }

    const BLOCK: &str = "-----BEGIN PGP MESSAGE-----\n\nhF4DAAAA\n=abcd\n-----END PGP MESSAGE-----";

    #[test]
    fn a_sealed_text_is_one_armored_message_and_nothing_else() {
        assert_eq!(sealed_block(&format!("\n  {BLOCK}\n\n")), Some(BLOCK), "surrounding blank space is dropped");
        assert_eq!(sealed_block(&BLOCK.replace('\n', "\r\n")).map(str::len), Some(BLOCK.len() + 4), "CRLF is fine");
        assert_eq!(sealed_block(&format!("Here it is:\n{BLOCK}")), None, "words around it would be in the clear");
        assert_eq!(sealed_block(&format!("{BLOCK}\nthanks")), None);
        assert_eq!(sealed_block(&format!("{BLOCK}\n{BLOCK}")), None, "two messages are two texts");
        assert_eq!(sealed_block("-----BEGIN PGP MESSAGE----------END PGP MESSAGE-----"), None);
        assert_eq!(sealed_block("my password is hunter2"), None);
        assert_eq!(sealed_block(&BLOCK.replace("MESSAGE", "PUBLIC KEY BLOCK")), None);
    }

    fn held(fingerprint: &str, key_ids: &[&str], team: bool) -> HeldKey {
        HeldKey { fingerprint: fingerprint.into(), key_ids: key_ids.iter().map(|id| (*id).to_owned()).collect(), team }
    }

    #[test]
    fn a_sealed_text_must_be_readable_by_an_active_team_key() {
        let keys = [
            held("TEAMNEW", &["AAAA000000000001", "AAAA000000000002"], true),
            held("TEAMOLD", &["BBBB000000000001"], true),
            held("DANA", &["CCCC000000000001"], false),
        ];
        let ids = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            readers(&ids(&["cccc000000000001", "aaaa000000000002", "BBBB000000000001"]), &keys),
            Ok(vec!["TEAMNEW".to_owned(), "TEAMOLD".to_owned(), "DANA".to_owned()]),
            "every reader, in the held order; key ids match in any case"
        );
        assert_eq!(
            readers(&ids(&["BBBB000000000001"]), &keys),
            Ok(vec!["TEAMOLD".to_owned()]),
            "one team key is enough"
        );
        assert_eq!(
            readers(&ids(&["CCCC000000000001"]), &keys),
            Err(SealRefusal::NotForSupport),
            "only Dana could read it"
        );
        assert_eq!(readers(&ids(&["0000000000000000"]), &keys), Err(SealRefusal::NotForSupport), "a hidden recipient");
        assert_eq!(readers(&[], &keys), Err(SealRefusal::NotForSupport));
        let error = SealRefusal::NotForSupport.of_field("answers.password");
        assert_eq!(error.field, "answers.password");
        assert!(error.message.contains("How to get support"));
    }

    #[test]
    fn texts_sealed_in_steward_go_to_the_team_the_requester_and_the_writer_once_each() {
        assert_eq!(seal_to(&["T1", "T2"], Some("DANA"), Some("SAM")), ["T1", "T2", "DANA", "SAM"]);
        assert_eq!(seal_to(&["T1"], Some("DANA"), Some("DANA")), ["T1", "DANA"], "a requester writing herself");
        assert_eq!(seal_to(&["T1"], None, None), ["T1"]);
        assert_eq!(
            seal_to(&[], None, Some("SAM")),
            ["SAM"],
            "without a team key only the writer (pages offer no sealing then)"
        );
    }
}
