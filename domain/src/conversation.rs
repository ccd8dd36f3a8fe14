//! What a message on a ticket may be: a public reply, an internal note, or the reason given
//! with a lifecycle step (kept on the ticket as a public reply). Text is trimmed; a message
//! must say something and stay under [`MESSAGE_MAX_CHARS`]; a reason under
//! [`REASON_MAX_CHARS`], and it is required only for the steps that need one. A message sealed
//! in the browser (one armored OpenPGP message, see [`crate::openpgp`]) is kept exactly as it
//! came, up to [`crate::openpgp::SEALED_MAX_CHARS`].

use crate::intake::FieldError;
use crate::lifecycle::Action;

/// The longest reply or note, in characters.
pub const MESSAGE_MAX_CHARS: usize = 20_000;
/// The longest reason given with a step, in characters.
pub const REASON_MAX_CHARS: usize = 2_000;

/// Who a message is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone who can see the ticket, the requester's side included.
    Public,
    /// The support team only.
    Internal,
}

/// The message as it is kept (trimmed), or why it cannot be sent (field `body`).
pub fn message_body(text: &str) -> Result<String, FieldError> {
    let body = text.trim();
    if body.is_empty() {
        return Err(FieldError::new("body", "Write a message first."));
    }
    if let Some(sealed) = crate::openpgp::sealed_block(body) {
        if sealed.chars().count() > crate::openpgp::SEALED_MAX_CHARS {
            return Err(crate::openpgp::SealRefusal::TooLong.of_field("body"));
        }
        return Ok(sealed.to_owned());
    }
    if body.chars().count() > MESSAGE_MAX_CHARS {
        return Err(FieldError::new("body", format!("Keep the message under {MESSAGE_MAX_CHARS} characters.")));
    }
    Ok(body.to_owned())
}

/// The reason given with `action` as it is kept (trimmed; `None` when blank and not needed),
/// or why it cannot be taken so (field `reason`).
pub fn step_reason(action: Action, text: &str) -> Result<Option<String>, FieldError> {
    let reason = text.trim();
    if reason.chars().count() > REASON_MAX_CHARS {
        return Err(FieldError::new("reason", format!("Keep the reason under {REASON_MAX_CHARS} characters.")));
    }
    if reason.is_empty() {
        if action.needs_reason() {
            return Err(FieldError::new("reason", format!("Say why you {} it.", action.label())));
        }
        return Ok(None);
    }
    Ok(Some(reason.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_trimmed_and_must_say_something_within_the_limit() {
        assert_eq!(message_body("  hello \n").unwrap(), "hello");
        assert_eq!(message_body(" \n\t ").unwrap_err().field, "body");
        assert!(message_body(&"x".repeat(MESSAGE_MAX_CHARS)).is_ok());
        assert_eq!(message_body(&"é".repeat(MESSAGE_MAX_CHARS + 1)).unwrap_err().field, "body");
    }

    #[test]
    fn a_sealed_message_may_be_longer_than_the_words_it_hides() {
        let armored =
            format!("-----BEGIN PGP MESSAGE-----\n\n{}\n-----END PGP MESSAGE-----", "Q".repeat(MESSAGE_MAX_CHARS));
        assert_eq!(message_body(&format!("\n{armored}\n")).unwrap(), armored, "kept exactly, trimmed");
        let too_long = armored.replace('Q', "QQQQQQQ");
        assert!(message_body(&too_long).unwrap_err().message.contains("encrypted text"));
    }

    #[test]
    fn only_steps_that_need_a_reason_require_one() {
        for &action in Action::ALL {
            let blank = step_reason(action, "   ");
            if action.needs_reason() {
                let error = blank.unwrap_err();
                assert_eq!(error.field, "reason");
                assert!(error.message.starts_with("Say why you "), "{}", error.message);
            } else {
                assert_eq!(blank.unwrap(), None, "{action:?}");
            }
            assert_eq!(step_reason(action, " still broken ").unwrap().as_deref(), Some("still broken"));
        }
        assert_eq!(step_reason(Action::Resolve, &"x".repeat(REASON_MAX_CHARS + 1)).unwrap_err().field, "reason");
    }
}
