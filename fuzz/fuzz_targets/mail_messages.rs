//! Mail as anyone may send it to support@, read as `steward mail receive` reads it: never a
//! panic; a message it takes has a sender and a Message-ID, and what Steward derives from it
//! (the ticket it names, what the person wrote, a subject for the answer) holds its rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_domain::mail;

fuzz_target!(|raw: &[u8]| {
    let Ok(incoming) = steward_backend::email::parse(raw, 1 << 20) else { return };
    assert!(!incoming.from_address.is_empty(), "taken without a sender: {raw:?}");
    assert_eq!(incoming.from_address, incoming.from_address.to_lowercase());
    assert!(incoming.message_id.starts_with('<') && incoming.message_id.ends_with('>'), "{}", incoming.message_id);
    assert!(!incoming.from_name.contains(['\r', '\n']), "a name is one line: {:?}", incoming.from_name);
    let written = mail::written_part(&incoming.text);
    assert!(written.len() <= incoming.text.len(), "what was written comes from the text");
    let subject = mail::subject_for(42, &incoming.subject);
    assert!(!subject.contains(['\r', '\n']) && subject.chars().count() <= mail::SUBJECT_MAX_CHARS, "{subject:?}");
    assert_eq!(mail::ticket_reference(&subject), Some(42), "an answer's subject threads: {subject:?}");
    for id in &incoming.replying_to {
        let _ = mail::ticket_in_message_id(id, "steward.test");
    }
});
