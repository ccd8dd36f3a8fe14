//! Markdown as Steward shows it, in one place: every description, reply and note is rendered
//! here and nowhere else, and the browser inserts only what this returns.
//!
//! The rule: CommonMark (with tables and strikethrough) rendered by pulldown-cmark, then
//! sanitized by ammonia. HTML typed into a message is shown as the text it is, never as markup;
//! bare web addresses become links (linkify); a line break is kept as typed, as in a comment on a
//! code forge; images are shown as links to them (a message never makes the reader's browser
//! fetch anything); links may lead only to http, https and mailto addresses and open nothing
//! with access to the page (`rel="noopener noreferrer nofollow"`).

use std::sync::LazyLock;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.url_schemes(["http", "https", "mailto"].into()).link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// The HTML to show for `source`: safe to insert into a page as it is.
pub fn to_html(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Vec::new();
    let mut inside_link = 0usize;
    let mut inside_code_block = false;
    for event in Parser::new_ext(source, options) {
        match event {
            // Typed HTML is text: shown, escaped, never interpreted.
            Event::Html(html) | Event::InlineHtml(html) => events.push(Event::Text(html)),
            Event::SoftBreak => events.push(Event::HardBreak),
            Event::Start(Tag::Image { dest_url, title, id, .. }) => {
                inside_link += 1;
                events.push(Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id }));
            }
            Event::End(TagEnd::Image) => {
                inside_link -= 1;
                events.push(Event::End(TagEnd::Link));
            }
            Event::Start(Tag::Link { .. }) => {
                inside_link += 1;
                events.push(event);
            }
            Event::End(TagEnd::Link) => {
                inside_link -= 1;
                events.push(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                inside_code_block = true;
                events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                inside_code_block = false;
                events.push(event);
            }
            Event::Text(text) if inside_link == 0 && !inside_code_block => linkified(text, &mut events),
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    SANITIZER.clean(&html).to_string()
}

/// `text` with each web address in it turned into a link to that address.
fn linkified<'a>(text: CowStr<'a>, events: &mut Vec<Event<'a>>) {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    if finder.links(&text).next().is_none() {
        events.push(Event::Text(text));
        return;
    }
    for span in finder.spans(&text) {
        let part = CowStr::from(span.as_str().to_owned());
        match span.kind() {
            Some(LinkKind::Url) => {
                let link = Tag::Link {
                    link_type: LinkType::Autolink,
                    dest_url: part.clone(),
                    title: CowStr::Borrowed(""),
                    id: CowStr::Borrowed(""),
                };
                events.push(Event::Start(link));
                events.push(Event::Text(part));
                events.push(Event::End(TagEnd::Link));
            }
            _ => events.push(Event::Text(part)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn paragraphs_lists_code_and_emphasis_render() {
        let html = to_html("Hello *there*\n\n- one\n- two\n\n```\nlet x = 1 < 2;\n```\n\nUse `cargo run`.");
        assert!(html.contains("<p>Hello <em>there</em></p>"), "{html}");
        assert!(html.contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"), "{html}");
        assert!(html.contains("<pre><code>let x = 1 &lt; 2;\n</code></pre>"), "{html}");
        assert!(html.contains("<code>cargo run</code>"), "{html}");
    }

    #[test]
    fn a_line_break_is_kept_as_typed() {
        assert_eq!(to_html("first line\nsecond line"), "<p>first line<br>\nsecond line</p>\n");
    }

    #[test]
    fn links_and_bare_addresses_are_clickable_and_open_nothing_with_access_to_the_page() {
        let html = to_html("See [the docs](https://example.org/docs) or https://example.org/faq.");
        assert!(
            html.contains(r#"<a href="https://example.org/docs" rel="noopener noreferrer nofollow">the docs</a>"#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<a href="https://example.org/faq" rel="noopener noreferrer nofollow">https://example.org/faq</a>."#
            ),
            "{html}"
        );
    }

    #[test]
    fn addresses_inside_code_stay_text() {
        let html = to_html("```\ncurl https://example.org\n```");
        assert!(!html.contains("<a"), "{html}");
    }

    #[test]
    fn typed_html_is_shown_as_text_never_as_markup() {
        for source in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "hello <b onclick=\"alert(1)\">bold</b>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div>\n<svg onload=alert(1)>\n</div>",
        ] {
            let html = to_html(source);
            for tag in ["<script", "<img", "<b ", "<iframe", "<svg", "<div"] {
                assert!(!html.contains(tag), "{source} -> {html}");
            }
            assert!(html.contains("&lt;"), "{source} should show as text: {html}");
        }
    }

    #[test]
    fn script_and_data_links_lose_their_address() {
        for source in [
            "[click](javascript:alert(1))",
            "[click](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
        ] {
            let html = to_html(source);
            assert!(!html.contains("href"), "{source} -> {html}");
            assert!(html.contains("click") || html.contains('x'), "{source} -> {html}");
        }
    }

    #[test]
    fn images_become_links_to_them() {
        let html = to_html("![screenshot](https://example.org/a.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.org/a.png" rel="noopener noreferrer nofollow">screenshot</a>"#),
            "{html}"
        );
    }

    #[test]
    fn tables_render_without_inline_styles() {
        let html = to_html("| a | b |\n|---|--:|\n| 1 | 2 |");
        assert!(
            html.contains("<table>")
                && html.contains("<th>a</th>")
                && html.contains("<td>2</td>")
                && !html.contains("style"),
            "{html}"
        );
    }
}
