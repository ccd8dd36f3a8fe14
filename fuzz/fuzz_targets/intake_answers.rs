//! A new request with any type, priority, title, description and answers, checked against its
//! form: nothing panics, every problem names a field, and what passes keeps the form's bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_domain::intake::{self, FORMS, PRIORITY_SCALE, RequestDraft, TITLE_MAX_CHARS};

fuzz_target!(|input: (u8, u8, &str, &str, bool, Vec<(&str, &str)>)| {
    let (kind, priority, title, description, confidential, answers) = input;
    let draft = RequestDraft {
        request_type: FORMS.get(kind as usize % (FORMS.len() + 1)).map(|f| f.request_type),
        priority: PRIORITY_SCALE.get(priority as usize % (PRIORITY_SCALE.len() + 1)).map(|p| p.priority),
        title: title.to_owned(),
        description: description.to_owned(),
        confidential,
        answers: answers.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
    };
    match intake::check(draft) {
        Ok(checked) => {
            assert!(!checked.title.is_empty() && checked.title.chars().count() <= TITLE_MAX_CHARS);
            assert!(!checked.description.is_empty());
            let form = intake::form_for(checked.request_type);
            assert!(form.allowed_priorities.contains(&checked.priority));
            for field in form.fields.iter().filter(|f| f.required) {
                assert!(checked.answers.iter().any(|a| a.key == field.key && !a.value.is_empty()), "{}", field.key);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|e| !e.field.is_empty() && !e.message.is_empty()));
        }
    }
});
