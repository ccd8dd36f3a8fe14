//! Response templates as admins write them and as they are filled: checking and filling any
//! text never panics, and a template that passes the check always fills, unless it asks for
//! context and none was written (then it says so).
#![no_main]

use libfuzzer_sys::fuzz_target;
use steward_domain::templates::{self, TemplateError, Values};

fuzz_target!(|input: (&str, &str, i64, &str)| {
    let (template, name, number, context) = input;
    let values = Values {
        name: name.to_owned(),
        community: "Aurora Hub".to_owned(),
        ticket_number: number,
        // An incident's update names the incident instead of a ticket.
        reference: (number % 2 == 0).then(|| format!("Incident {number}")),
        title: name.chars().rev().collect(),
        link: "https://steward.example/tickets/1".to_owned(),
        steward: "Sam".to_owned(),
        context: context.to_owned(),
    };
    let checked = templates::check(template);
    let filled = templates::fill(template, &values);
    if checked.is_ok() {
        match filled {
            Ok(_) => {}
            Err(TemplateError::ContextMissing) => assert!(context.trim().is_empty(), "context was given"),
            Err(error) => panic!("{template:?} passed the check but did not fill: {error:?}"),
        }
    }
});
