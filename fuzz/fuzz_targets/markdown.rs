//! Markdown as anyone may type it, rendered as every page shows it: never a panic, and never
//! markup that runs or loads anything (script, event handlers, frames, images, styles,
//! javascript: addresses), whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

const ALLOWED_TAGS: &[&str] = &[
    "a",
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

fuzz_target!(|source: &str| {
    let html = steward_backend::markdown::to_html(source);
    // Text never holds a raw "<": every "<" opens a tag the renderer wrote.
    for tag in html.split('<').skip(1) {
        let inside = tag.split('>').next().unwrap_or("");
        let mut words = inside.split_whitespace();
        let name = words.next().unwrap_or("").trim_start_matches('/').to_lowercase();
        assert!(ALLOWED_TAGS.contains(&name.as_str()), "<{name}> in {html:?} from {source:?}");
        for attribute in words {
            let attribute = attribute.to_lowercase();
            assert!(!attribute.starts_with("on") && !attribute.starts_with("style"), "{attribute} in {html:?}");
            if let Some(address) = attribute.strip_prefix("href=") {
                let address = address.trim_matches('"');
                assert!(
                    ["http://", "https://", "mailto:", "/", "#", "."].iter().any(|ok| address.starts_with(ok))
                        || !address.contains(':'),
                    "{address} in {html:?} from {source:?}"
                );
            }
        }
    }
});
