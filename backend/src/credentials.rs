//! Credentials, with no I/O: passwords are hashed with argon2id (OWASP's minimum parameters)
//! and must be at least [`MIN_PASSWORD_CHARS`] long; a session token is 256 random bits,
//! stored only as its SHA-256 hash.
//!
//! Each hash or check takes 19 MiB for its moment, so they take turns ([`hashed_in_turn`],
//! [`verified_in_turn`]): no more run at once than the machine has cores, off the async
//! threads. A burst of sign-ins waits a little instead of growing the server's memory by 19 MiB
//! per attempt.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

fn argon2() -> Argon2<'static> {
    // OWASP password storage cheat sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (slow on purpose: run it off the async threads).
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("hashing a password failed: {e}")))
}

/// Whether `password` matches `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Turns for hashing and checking passwords: one per core.
static TURNS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

/// Runs `work` on a blocking thread when a turn is free.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let _turn = TURNS.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
}

/// [`hash_password`], taking its turn.
pub async fn hashed_in_turn(password: String) -> AppResult<String> {
    in_turn(move || hash_password(&password)).await?
}

/// [`verify_password`], taking its turn.
pub async fn verified_in_turn(password: String, hash: String) -> AppResult<bool> {
    in_turn(move || verify_password(&password, &hash)).await
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a new password's strength; the error names the field `password`.
pub fn check_new_password(password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid("password", format!("Use at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid("password", "Use at most 1024 characters."));
    }
    Ok(())
}

/// A new random session token (256 bits) and the hash to store.
pub fn new_session_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// A new random secret (256 bits), such as a webhook's signing key.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused_naming_the_field() {
        match check_new_password("short") {
            Err(AppError::InvalidArgument(fields)) => assert_eq!(fields[0].field, "password"),
            other => panic!("{other:?}"),
        }
        assert!(check_new_password("twelve chars").is_ok());
    }

    #[test]
    fn session_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, token_hash(&a));
        assert_ne!(hash_a, a.as_bytes());
    }
}
