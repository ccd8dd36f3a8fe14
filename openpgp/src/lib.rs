//! OpenPGP for Steward, through rpgp: a key block read into [`KeyFacts`] (whether Steward may
//! encrypt to it is `steward_domain::openpgp::usable`), the key ids a message is encrypted to,
//! sealing bytes to keys, and opening a message with a private key unlocked once.
//!
//! Messages are what GnuPG reads: one PKESK v3 per encryption (sub)key and SEIPD v1 with
//! AES-256, armored for texts and binary for files. Nothing cryptographic is written here; rpgp
//! does it all. The server uses this crate to read keys and name recipients; the browser's crypto
//! worker uses it to seal and open, so plaintext never leaves the page.

use chrono::{DateTime, Utc};
use pgp::composed::{
    ArmorOptions, Deserializable, Esk, Message, MessageBuilder, PublicOrSecret, SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{Signature, SignatureType};
use pgp::types::{KeyDetails, KeyVersion, Password, Timestamp};
use steward_domain::openpgp::{self as rules, KeyFacts, KeyPart, KeyRefusal, SealRefusal};

/// What went wrong sealing or opening, in words for the person at the page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A key to seal to is not usable (with the domain's reason).
    #[error("The key {fingerprint} cannot be used: {reason}")]
    Key { fingerprint: String, reason: String },
    #[error("There is no key to encrypt to.")]
    NoKeys,
    #[error("This is not a private OpenPGP key: paste or choose the block `gpg --armor --export-secret-keys` writes.")]
    NotAPrivateKey,
    #[error("That passphrase does not unlock this key.")]
    WrongPassphrase,
    #[error("This is not an OpenPGP message, or it was cut short.")]
    NotAMessage,
    #[error("None of your unlocked keys can read this; it was encrypted for someone else.")]
    NotForThisKey,
    #[error("The message could not be read: {0}")]
    Broken(String),
}

fn time(at: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::from(at.as_secs()), 0).unwrap_or_default()
}

/// The newest signature of type `kind` among `signatures`.
fn newest(signatures: &[Signature], kind: SignatureType) -> Option<&Signature> {
    signatures.iter().filter(|s| s.typ() == Some(kind)).max_by_key(|s| s.created().map(|t| t.as_secs()).unwrap_or(0))
}

/// When a key made at `created` expires per `signature` (its expiry is counted from the key's
/// creation; zero means never).
fn expiry(created: Timestamp, signature: Option<&Signature>) -> Option<DateTime<Utc>> {
    let seconds = signature?.key_expiration_time()?.as_secs();
    (seconds != 0).then(|| time(created) + chrono::Duration::seconds(i64::from(seconds)))
}

/// The self-signature that carries the primary key's flags and expiry: the newest
/// self-certification of the primary user id (where GnuPG puts them), else the newest direct-key
/// signature.
fn primary_self_signature(key: &SignedPublicKey) -> Option<&Signature> {
    let fingerprint = key.fingerprint();
    let key_id = key.legacy_key_id();
    let by_itself = |s: &&Signature| {
        s.issuer_fingerprint().iter().any(|f| **f == fingerprint) || s.issuer_key_id().iter().any(|k| **k == key_id)
    };
    let users = &key.details.users;
    let user = users.iter().find(|u| u.is_primary()).or_else(|| users.first());
    user.and_then(|u| {
        u.signatures
            .iter()
            .filter(|s| s.is_certification())
            .filter(by_itself)
            .max_by_key(|s| s.created().map(|t| t.as_secs()).unwrap_or(0))
    })
    .or_else(|| newest(&key.details.direct_signatures, SignatureType::Key))
}

fn key_id_of(key: &impl KeyDetails) -> String {
    key.legacy_key_id().to_string().to_uppercase()
}

fn facts_of(key: &SignedPublicKey, secret: bool) -> KeyFacts {
    let self_signature = primary_self_signature(key);
    let version = |v: KeyVersion| u8::from(v);
    let primary_flags = self_signature.map(|s| s.key_flags()).unwrap_or_default();
    let mut parts = vec![KeyPart {
        key_id: key_id_of(key),
        version: version(key.version()),
        can_encrypt: (primary_flags.encrypt_comms() || primary_flags.encrypt_storage())
            && key.algorithm().can_encrypt(),
        expires: None,
        revoked: false,
    }];
    for subkey in &key.public_subkeys {
        let binding = newest(&subkey.signatures, SignatureType::SubkeyBinding);
        let flags = binding.map(|s| s.key_flags()).unwrap_or_default();
        parts.push(KeyPart {
            key_id: key_id_of(subkey),
            version: version(subkey.version()),
            can_encrypt: (flags.encrypt_comms() || flags.encrypt_storage())
                && subkey.algorithm().can_encrypt()
                && subkey.verify_bindings(&key.primary_key).is_ok(),
            expires: expiry(subkey.created_at(), binding),
            revoked: subkey.signatures.iter().any(|s| s.typ() == Some(SignatureType::SubkeyRevocation)),
        });
    }
    KeyFacts {
        version: version(key.version()),
        fingerprint: format!("{:X}", key.fingerprint()),
        user_ids: {
            let mut users: Vec<_> = key.details.users.iter().collect();
            users.sort_by_key(|u| !u.is_primary());
            users.iter().map(|u| String::from_utf8_lossy(u.id.id()).into_owned()).collect()
        },
        created: time(key.created_at()),
        expires: expiry(key.created_at(), self_signature),
        revoked: !key.details.revocation_signatures.is_empty(),
        secret,
        signatures_hold: key.verify_bindings().is_ok(),
        parts,
    }
}

/// What a pasted key block (armored or binary) says about itself. A block that is not exactly
/// one OpenPGP key is refused here; whether the key is usable is the domain's rule.
pub fn read_key(block: &[u8]) -> Result<KeyFacts, KeyRefusal> {
    if block.len() > rules::KEY_MAX_BYTES {
        return Err(KeyRefusal::NotAKey);
    }
    // The armor reader stops at its first block's end, so blocks pasted one after another are
    // counted here.
    let text = String::from_utf8_lossy(block);
    if text.matches("-----BEGIN PGP ").count() > 1 {
        return Err(if text.contains("PRIVATE KEY BLOCK") { KeyRefusal::Secret } else { KeyRefusal::SeveralKeys });
    }
    let (keys, _) = PublicOrSecret::from_reader_many(block).map_err(|_| KeyRefusal::NotAKey)?;
    let keys: Vec<PublicOrSecret> = keys.collect::<Result<_, _>>().map_err(|_| KeyRefusal::NotAKey)?;
    match keys.as_slice() {
        [] => Err(KeyRefusal::NotAKey),
        [PublicOrSecret::Public(key)] => Ok(facts_of(key, false)),
        [PublicOrSecret::Secret(key)] => Ok(facts_of(&SignedPublicKey::from(key.clone()), true)),
        several if several.iter().any(|k| matches!(k, PublicOrSecret::Secret(_))) => Err(KeyRefusal::Secret),
        _ => Err(KeyRefusal::SeveralKeys),
    }
}

/// The key ids (upper-case hex) a message is encrypted to, from its first packets: `start` may
/// be the whole message or only its beginning, armored or binary. A hidden recipient reads as
/// sixteen zeros.
pub fn recipients(start: &[u8]) -> Result<Vec<String>, SealRefusal> {
    let (message, _) = Message::from_reader(start).map_err(|_| SealRefusal::Unreadable)?;
    let Message::Encrypted { esk, .. } = &message else {
        return Err(SealRefusal::Unreadable);
    };
    let ids: Vec<String> = esk
        .iter()
        .filter_map(|esk| match esk {
            Esk::PublicKeyEncryptedSessionKey(pkesk) => pkesk.id().ok().map(|id| id.to_string().to_uppercase()),
            Esk::SymKeyEncryptedSessionKey(_) => None,
        })
        .collect();
    if ids.is_empty() { Err(SealRefusal::Unreadable) } else { Ok(ids) }
}

/// How a sealed message is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// ASCII armor, for texts.
    Armored,
    /// Binary packets, for files (a third smaller).
    Binary,
}

/// An opened message: the file name it carries (`gpg --encrypt <file>` writes one; rpgp 0.21,
/// and so Steward, always writes "") and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// `plaintext` sealed to the usable parts of every key in `keys` (armored public keys) at `now`.
/// A key that is not usable is refused with the domain's reason rather than skipped: a page that
/// offers sealing must not quietly leave a reader out.
pub fn seal(keys: &[&str], now: DateTime<Utc>, plaintext: &[u8], form: Form) -> Result<Vec<u8>, CryptoError> {
    let mut rng = rand::thread_rng();
    let mut builder =
        MessageBuilder::from_bytes("", plaintext.to_vec()).seipd_v1(&mut rng, SymmetricKeyAlgorithm::AES256);
    let mut recipients = 0;
    for armored in keys {
        let refused = |fingerprint: &str, reason: KeyRefusal| CryptoError::Key {
            fingerprint: rules::fingerprint_words(fingerprint),
            reason: reason.message(),
        };
        let (key, _) = SignedPublicKey::from_string(armored).map_err(|_| refused("given", KeyRefusal::NotAKey))?;
        let facts = facts_of(&key, false);
        let usable = rules::usable(&facts, now).map_err(|reason| refused(&facts.fingerprint, reason))?;
        let broken = |error: pgp::errors::Error| CryptoError::Broken(error.to_string());
        if usable.encrypt_to.contains(&key_id_of(&key)) {
            builder.encrypt_to_key(&mut rng, &key).map_err(broken)?;
            recipients += 1;
        }
        for subkey in key.public_subkeys.iter().filter(|s| usable.encrypt_to.contains(&key_id_of(*s))) {
            builder.encrypt_to_key(&mut rng, subkey).map_err(broken)?;
            recipients += 1;
        }
    }
    if recipients == 0 {
        return Err(CryptoError::NoKeys);
    }
    let written = match form {
        Form::Armored => builder.to_armored_string(&mut rng, ArmorOptions::default()).map(String::into_bytes),
        Form::Binary => builder.to_vec(&mut rng),
    };
    written.map_err(|error| CryptoError::Broken(error.to_string()))
}

/// A private key unlocked in memory: the passphrase is used once, here, and not kept.
pub struct PrivateKey {
    key: SignedSecretKey,
    facts: KeyFacts,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey").field("fingerprint", &self.facts.fingerprint).finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Reads `block` (armored or binary, as `gpg --export-secret-keys` writes it) and unlocks
    /// every part with `passphrase` (an empty one for a key without).
    pub fn unlock(block: &[u8], passphrase: &str) -> Result<Self, CryptoError> {
        let (mut key, _) = SignedSecretKey::from_reader_single(block).map_err(|_| CryptoError::NotAPrivateKey)?;
        let password = Password::from(passphrase);
        key.primary_key.remove_password(&password).map_err(|_| CryptoError::WrongPassphrase)?;
        for subkey in &mut key.secret_subkeys {
            subkey.key.remove_password(&password).map_err(|_| CryptoError::WrongPassphrase)?;
        }
        let facts = facts_of(&SignedPublicKey::from(key.clone()), true);
        Ok(Self { key, facts })
    }

    /// The primary key's fingerprint, upper-case hex.
    pub fn fingerprint(&self) -> &str {
        &self.facts.fingerprint
    }

    /// The primary user id, or "".
    pub fn user_id(&self) -> &str {
        self.facts.user_ids.first().map(String::as_str).unwrap_or_default()
    }

    /// Whether a message encrypted to `recipient_ids` is for one of this key's parts.
    pub fn reads(&self, recipient_ids: &[String]) -> bool {
        self.facts.parts.iter().any(|part| recipient_ids.iter().any(|id| id.eq_ignore_ascii_case(&part.key_id)))
    }

    /// The plaintext of `message` (armored or binary, compressed or not, as GnuPG or Steward wrote it).
    pub fn open(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.open_file(message).map(|opened| opened.bytes)
    }

    /// The plaintext of `message` and the file name it carries.
    pub fn open_file(&self, message: &[u8]) -> Result<Opened, CryptoError> {
        let for_me = recipients(message).map_err(|_| CryptoError::NotAMessage)?;
        if !self.reads(&for_me) {
            return Err(CryptoError::NotForThisKey);
        }
        let (parsed, _) = Message::from_reader(message).map_err(|_| CryptoError::NotAMessage)?;
        let broken = |error: pgp::errors::Error| CryptoError::Broken(error.to_string());
        let mut opened = parsed.decrypt(&Password::empty(), &self.key).map_err(broken)?;
        if opened.is_compressed() {
            opened = opened.decompress().map_err(broken)?;
        }
        let name = opened
            .literal_data_header()
            .map(|header| String::from_utf8_lossy(header.file_name()).into_owned())
            .unwrap_or_default();
        let bytes = opened.as_data_vec().map_err(|error| CryptoError::Broken(error.to_string()))?;
        Ok(Opened { name, bytes })
    }
}
