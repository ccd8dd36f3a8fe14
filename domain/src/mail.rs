//! Email rules (seed 002: support@ is the team's point of contact), for every channel that
//! reads or writes mail.
//!
//! - A ticket is named in a subject as `[Steward #42]`; an answer whose subject keeps it
//!   threads into that ticket ([`subject_for`], [`ticket_reference`]).
//! - Mail a machine sent (auto-replies, bounces, bulk and list mail, loops) is never answered
//!   and never becomes a ticket or a reply ([`machine_sent`], after RFC 3834 and the headers
//!   mail systems use in practice).
//! - What a person wrote is the message without the quoted history and the signature below it
//!   ([`written_part`]); the original is kept by whoever stored the message. Nothing a person
//!   wrote is dropped: a message that is all quote is shown whole.
//! - A header value is one line ([`one_line`]): no CR or LF from a title or a name ever reaches
//!   a header.
//! - Steward's own Message-IDs name their ticket (`<steward-42-7@support.example.org>`, the
//!   thread's root `<steward-42@…>`), so an answer whose subject lost the reference still
//!   threads by `In-Reply-To` or `References` ([`message_id`], [`ticket_in_message_id`]).
//! - A new request by email goes to the community its address is tagged with
//!   (`support+aurora@`) when the sender belongs to it, else to the sender's only community;
//!   otherwise it waits for staff ([`community_for`]).
//! - Anyone can write any address in From. When the support mailbox's own server records what
//!   it verified (RFC 8601 `Authentication-Results`, named by that server's authserv-id), a
//!   sender counts as verified when DMARC passed for the From domain, or, without a DMARC
//!   result, a DKIM signature of that domain passed; anything else is not ([`sender_check`]).
//!   Results stamped by any other server are ignored: a sender can write those too.

/// How a ticket is named in a subject: `[Steward #42]`.
const REFERENCE_PREFIX: &str = "[steward #";

/// The longest subject Steward writes, in characters (titles are cut with an ellipsis).
pub const SUBJECT_MAX_CHARS: usize = 180;

/// `text` as one header-safe line: every control character (CR and LF included) becomes a
/// space, runs of white space become one, and the ends are trimmed.
pub fn one_line(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The subject of a message about ticket `number` titled `title`: `[Steward #42] Title`, one
/// line, at most [`SUBJECT_MAX_CHARS`] characters.
pub fn subject_for(number: i64, title: &str) -> String {
    let reference = format!("[Steward #{number}]");
    let title = one_line(title);
    let room = SUBJECT_MAX_CHARS.saturating_sub(reference.chars().count() + 1);
    let title = if title.chars().count() > room {
        let cut: String = title.chars().take(room.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        title
    };
    if title.is_empty() { reference } else { format!("{reference} {title}") }
}

/// The ticket a subject names (`Re: [Steward #42] …`, any case, anywhere in the subject), if
/// it names one.
pub fn ticket_reference(subject: &str) -> Option<i64> {
    let lower = subject.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(REFERENCE_PREFIX) {
        let after = &rest[at + REFERENCE_PREFIX.len()..];
        let digits: &str = &after[..after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len())];
        if !digits.is_empty()
            && after[digits.len()..].starts_with(']')
            && let Ok(number) = digits.parse::<i64>()
            && number > 0
        {
            return Some(number);
        }
        rest = after;
    }
    None
}

/// The tag of a plus address (`support+aurora@example.org` is tagged `aurora`), lower-cased;
/// a community's own support address.
pub fn plus_tag(address: &str) -> Option<String> {
    let local = address.rsplit_once('@').map_or(address, |(local, _)| local);
    let (_, tag) = local.split_once('+')?;
    let tag = tag.trim().to_lowercase();
    (!tag.is_empty()).then_some(tag)
}

/// What a message's headers say about who sent it; `None` for a header it does not carry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals<'a> {
    /// The sender's address.
    pub from: &'a str,
    /// `Auto-Submitted` (RFC 3834): anything but `no` is a machine.
    pub auto_submitted: Option<&'a str>,
    /// `Precedence`: `bulk`, `list` and `junk` are not a person writing to support.
    pub precedence: Option<&'a str>,
    /// `X-Loop`: set by systems (Steward included) on mail they send; Steward's own address
    /// there means the message is Steward's mail coming back.
    pub x_loop: Option<&'a str>,
    /// Whether `X-Autoreply` or `X-Autorespond` says the message is an automatic answer.
    pub autoreply_header: bool,
    /// `Return-Path`: `<>` is a delivery report (a bounce).
    pub return_path: Option<&'a str>,
    /// The top-level `Content-Type`, such as `multipart/report` for a delivery report.
    pub content_type: Option<&'a str>,
}

/// Why a message is a machine's and gets neither a ticket nor an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MachineSent {
    /// An out-of-office or other automatic answer.
    AutoReply,
    /// A delivery failure report.
    Bounce,
    /// Bulk, list or junk mail: a person may still have written it (a support@ run as a
    /// mailing list), so it is taken in, but never answered automatically.
    Bulk,
    /// Mail from Steward itself, or from a system that marks its mail against loops.
    Loop,
}

impl MachineSent {
    /// Why Steward left the message alone, for the people who read the intake log.
    pub fn reason(self) -> &'static str {
        match self {
            MachineSent::AutoReply => "an automatic answer (out of office or similar); Steward never answers those",
            MachineSent::Bounce => "a delivery failure report (bounce)",
            MachineSent::Bulk => {
                "bulk or mailing-list mail (Precedence: bulk, list or junk): taken in, never answered automatically"
            }
            MachineSent::Loop => "mail from Steward itself or from another system's loop guard",
        }
    }
}

/// Whether a machine sent the message: `own_address` is Steward's support address (mail
/// from it is a loop).
pub fn machine_sent(signals: &Signals<'_>, own_address: &str) -> Option<MachineSent> {
    let from = signals.from.trim().to_lowercase();
    let own = own_address.trim().to_lowercase();
    let looped = signals.x_loop.is_some_and(|value| value.to_lowercase().contains(&own));
    if looped || (!from.is_empty() && from == own) {
        return Some(MachineSent::Loop);
    }
    let local = from.rsplit_once('@').map_or(from.as_str(), |(local, _)| local);
    let report = signals.content_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/report"));
    let null_return = signals.return_path.is_some_and(|path| path.trim() == "<>" || path.trim().is_empty());
    if report || null_return || local == "mailer-daemon" || local == "postmaster" {
        return Some(MachineSent::Bounce);
    }
    let submitted = signals.auto_submitted.map(|value| value.trim().to_lowercase());
    if submitted.is_some_and(|value| !value.is_empty() && value != "no") || signals.autoreply_header {
        return Some(MachineSent::AutoReply);
    }
    let precedence = signals.precedence.map(|value| value.trim().to_lowercase());
    if precedence.is_some_and(|value| matches!(value.as_str(), "bulk" | "list" | "junk" | "auto_reply")) {
        return Some(MachineSent::Bulk);
    }
    None
}

/// What the person wrote in a plain-text body: the lines above the quoted history ("On … wrote:",
/// "-----Original Message-----", an Outlook rule followed by "From:") and above the signature
/// ("-- "), without trailing quoted (`>`) lines. A body that would come out empty is returned
/// whole (trimmed): nothing a person wrote is lost.
pub fn written_part(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut end = lines.len();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let next = lines.get(index + 1).map_or("", |l| l.trim());
        let attribution = is_attribution(trimmed)
            || (trimmed.starts_with("On ") && next.ends_with("wrote:") && !next.starts_with('>'));
        let separator = trimmed.eq_ignore_ascii_case("-----original message-----")
            || (trimmed.len() >= 20 && trimmed.chars().all(|c| c == '_') && next.starts_with("From:"));
        let signature = *line == "-- " || trimmed == "--";
        if attribution || separator || signature {
            end = index;
            break;
        }
    }
    let mut kept = &lines[..end];
    while let Some((last, rest)) = kept.split_last() {
        if last.trim().is_empty() || last.trim_start().starts_with('>') {
            kept = rest;
        } else {
            break;
        }
    }
    let written = kept.join("\n").trim().to_owned();
    if written.is_empty() { body.trim().to_owned() } else { written }
}

/// "On Tue, 1 Dec 2026, Ada <ada@example.org> wrote:" and its usual translations.
fn is_attribution(line: &str) -> bool {
    (line.starts_with("On ") && line.ends_with("wrote:"))
        || (line.starts_with("Am ") && line.contains(" schrieb") && line.ends_with(':'))
        || (line.starts_with("Le ") && (line.ends_with("a écrit :") || line.ends_with("a écrit:")))
        || (line.starts_with("El ") && line.ends_with("escribió:"))
}

/// The Message-ID Steward gives the mail numbered `sequence` about ticket `number`, sent from
/// `domain`; with no sequence, the thread's root (what every mail about the ticket refers to).
pub fn message_id(number: i64, sequence: Option<i64>, domain: &str) -> String {
    match sequence {
        Some(sequence) => format!("<steward-{number}-{sequence}@{domain}>"),
        None => format!("<steward-{number}@{domain}>"),
    }
}

/// The Message-ID of news mail number `sequence` (a mention, an assignment): it names no
/// ticket, so an answer to it never becomes a reply on one.
pub fn news_message_id(sequence: i64, domain: &str) -> String {
    format!("<steward-news-{sequence}@{domain}>")
}

/// Whether `id` is the Message-ID of Steward's news mail (from `domain`).
pub fn is_news_message_id(id: &str, domain: &str) -> bool {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    id.rsplit_once('@').is_some_and(|(local, at)| at.eq_ignore_ascii_case(domain) && local.starts_with("steward-news-"))
}

/// The ticket one of Steward's own Message-IDs (from `domain`) names, if it is one.
pub fn ticket_in_message_id(id: &str, domain: &str) -> Option<i64> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, at) = id.rsplit_once('@')?;
    if !at.eq_ignore_ascii_case(domain) {
        return None;
    }
    let rest = local.strip_prefix("steward-")?;
    let (number, sequence) = rest.split_once('-').unwrap_or((rest, "0"));
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(number) || !all_digits(sequence) {
        return None;
    }
    number.parse().ok().filter(|n: &i64| *n > 0)
}

/// Why an emailed request has no community yet, for the staff who sort held mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoCommunity {
    /// The sender belongs to no community.
    NotAMember,
    /// The sender belongs to several and the address names none of them.
    Ambiguous,
}

impl NoCommunity {
    pub fn reason(self) -> &'static str {
        match self {
            NoCommunity::NotAMember => "the sender belongs to no community, so there is nobody to file it for",
            NoCommunity::Ambiguous => {
                "the sender belongs to several communities and wrote to the general address, so it is not clear which one the request is for"
            }
        }
    }
}

/// The community a new request by email is filed in: the one the address was tagged with
/// (`tagged`, already looked up by slug) if the sender belongs to it, else the sender's only
/// community (`theirs`: every community they belong to, either role).
pub fn community_for(tagged: Option<i64>, theirs: &[i64]) -> Result<i64, NoCommunity> {
    if let Some(community) = tagged.filter(|c| theirs.contains(c)) {
        return Ok(community);
    }
    match theirs {
        [] => Err(NoCommunity::NotAMember),
        [only] => Ok(*only),
        _ => Err(NoCommunity::Ambiguous),
    }
}

/// What the support mailbox's server verified of a message's sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SenderCheck {
    /// DMARC (or an aligned DKIM signature) passed for the From domain.
    Verified,
    /// The server checked and the sender's domain did not vouch for it; the words say what.
    Failed(String),
    /// The server recorded nothing that verifies the From domain.
    Unverified,
}

/// What `results` (the `Authentication-Results` header values, in any order) say of mail from
/// `from_domain`, counting only those stamped by `authserv_id` (the support mailbox's server).
pub fn sender_check(results: &[&str], authserv_id: &str, from_domain: &str) -> SenderCheck {
    let from_domain = from_domain.trim().to_lowercase();
    let mut dmarc: Option<(String, String)> = None;
    let mut dkim_passed = false;
    let mut dkim_failed = false;
    for header in results {
        let mut parts = header.split(';');
        let server = parts.next().unwrap_or_default().split_whitespace().next().unwrap_or_default();
        if !server.eq_ignore_ascii_case(authserv_id.trim()) {
            continue;
        }
        for part in parts {
            let words: Vec<&str> = part.split_whitespace().collect();
            let Some((method, result)) = words.first().and_then(|w| w.split_once('=')) else { continue };
            let property = |name: &str| {
                words
                    .iter()
                    .find_map(|w| w.split_once('=').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
            };
            let result = result.to_lowercase();
            match method.to_lowercase().as_str() {
                "dmarc" => {
                    let domain = property("header.from").unwrap_or_default().to_lowercase();
                    if domain == from_domain || domain.is_empty() {
                        dmarc = Some((result, domain));
                    }
                }
                "dkim" if property("header.d").is_some_and(|d| d.eq_ignore_ascii_case(&from_domain)) => {
                    dkim_passed |= result == "pass";
                    dkim_failed |= result == "fail";
                }
                _ => {}
            }
        }
    }
    match dmarc.as_ref().map(|(result, _)| result.as_str()) {
        Some("pass") => SenderCheck::Verified,
        Some(result @ ("fail" | "quarantine" | "reject")) => {
            SenderCheck::Failed(format!("DMARC {result} for {from_domain}: that domain did not send it"))
        }
        _ if dkim_passed => SenderCheck::Verified,
        _ if dkim_failed => SenderCheck::Failed(format!("the DKIM signature of {from_domain} did not verify")),
        _ => SenderCheck::Unverified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_mailbox_s_own_server_verifies_a_sender() {
        let ours = "mx.support.example";
        let check = |results: &[&str]| sender_check(results, ours, "aurora.example");
        assert_eq!(
            check(&[
                "mx.support.example; spf=pass smtp.mailfrom=aurora.example; dkim=pass header.d=aurora.example; dmarc=pass header.from=aurora.example"
            ]),
            SenderCheck::Verified
        );
        assert_eq!(
            check(&["MX.Support.Example;\r\n dmarc=fail (p=reject) header.from=aurora.example"]),
            SenderCheck::Failed("DMARC fail for aurora.example: that domain did not send it".into()),
            "any case, folded"
        );
        assert_eq!(
            check(&["mx.attacker.example; dmarc=pass header.from=aurora.example"]),
            SenderCheck::Unverified,
            "a result another server stamped (or the sender wrote) counts for nothing"
        );
        assert_eq!(check(&["mx.support.example; dkim=pass header.d=aurora.example"]), SenderCheck::Verified);
        assert_eq!(
            check(&["mx.support.example; dkim=pass header.d=mailer.example"]),
            SenderCheck::Unverified,
            "a signature of another domain vouches for nothing"
        );
        assert!(matches!(check(&["mx.support.example; dkim=fail header.d=aurora.example"]), SenderCheck::Failed(_)));
        assert_eq!(check(&["mx.support.example; spf=pass smtp.mailfrom=aurora.example"]), SenderCheck::Unverified);
        assert_eq!(check(&[]), SenderCheck::Unverified);
        assert_eq!(
            check(&[
                "mx.support.example; dmarc=none header.from=aurora.example",
                "mx.support.example; dkim=pass header.d=aurora.example"
            ]),
            SenderCheck::Verified,
            "no DMARC policy: an aligned signature is enough"
        );
    }

    #[test]
    fn steward_message_ids_name_their_ticket_and_only_steward_s_own_do() {
        let domain = "support.example.org";
        assert_eq!(message_id(42, Some(7), domain), "<steward-42-7@support.example.org>");
        assert_eq!(message_id(42, None, domain), "<steward-42@support.example.org>");
        assert_eq!(ticket_in_message_id(&message_id(42, Some(7), domain), domain), Some(42));
        assert_eq!(ticket_in_message_id(&message_id(42, None, domain), domain), Some(42));
        assert_eq!(ticket_in_message_id("steward-42-7@SUPPORT.example.org", domain), Some(42), "no brackets, any case");
        assert_eq!(ticket_in_message_id("<steward-42-7@other.example.org>", domain), None, "another Steward's");
        assert_eq!(ticket_in_message_id("<CAF+x=steward-42@mail.gmail.com>", domain), None);
        assert_eq!(ticket_in_message_id("<steward-x-7@support.example.org>", domain), None);
        assert_eq!(ticket_in_message_id("<steward-42-@support.example.org>", domain), None);
        assert_eq!(ticket_in_message_id("<steward-0@support.example.org>", domain), None);
        assert_eq!(ticket_in_message_id("<steward-99999999999999999999@support.example.org>", domain), None);
        assert_eq!(ticket_in_message_id("", domain), None);
        assert_eq!(ticket_in_message_id(&news_message_id(7, domain), domain), None, "news threads into no ticket");
        assert!(is_news_message_id(&news_message_id(7, domain), domain));
        assert!(!is_news_message_id(&message_id(7, Some(1), domain), domain));
        assert!(!is_news_message_id("<steward-news-7@other.example>", domain));
    }

    #[test]
    fn an_emailed_request_goes_to_the_tagged_community_or_the_sender_s_only_one() {
        assert_eq!(community_for(Some(2), &[1, 2]), Ok(2), "tagged and a member there");
        assert_eq!(community_for(None, &[3]), Ok(3), "the only community");
        assert_eq!(community_for(Some(9), &[3]), Ok(3), "tagged with one they are not in: their only one");
        assert_eq!(community_for(Some(9), &[1, 2]), Err(NoCommunity::Ambiguous));
        assert_eq!(community_for(None, &[1, 2]), Err(NoCommunity::Ambiguous));
        assert_eq!(community_for(Some(1), &[]), Err(NoCommunity::NotAMember), "a tag never lets an outsider in");
    }

    #[test]
    fn one_line_takes_every_line_break_and_control_character_out() {
        assert_eq!(one_line("Disk full\r\nBcc: everyone@example.org"), "Disk full Bcc: everyone@example.org");
        assert_eq!(one_line("  tabs\tand\u{0}nulls\u{7f}  "), "tabs and nulls");
        assert_eq!(one_line("\n\r"), "");
        assert_eq!(one_line("Grüße, 東京"), "Grüße, 東京");
    }

    #[test]
    fn a_subject_names_the_ticket_and_keeps_the_title_on_one_line() {
        assert_eq!(subject_for(42, "Hub is down"), "[Steward #42] Hub is down");
        assert_eq!(subject_for(7, "Line one\r\nSubject: injected"), "[Steward #7] Line one Subject: injected");
        assert_eq!(subject_for(7, "   "), "[Steward #7]");
        let long = subject_for(123, &"word ".repeat(100));
        assert_eq!(long.chars().count(), SUBJECT_MAX_CHARS, "cut at the limit, with the ellipsis");
        assert!(long.starts_with("[Steward #123] word word") && long.ends_with('…'), "{long}");
    }

    #[test]
    fn the_reference_is_found_wherever_an_answer_keeps_it() {
        assert_eq!(ticket_reference("Re: [Steward #42] Hub is down"), Some(42));
        assert_eq!(ticket_reference("AW: Fwd: [steward #42] Hub"), Some(42));
        assert_eq!(ticket_reference("[STEWARD #9]"), Some(9));
        assert_eq!(ticket_reference("Re: [Steward #x] then [Steward #12]"), Some(12));
    }

    #[test]
    fn a_subject_without_a_whole_reference_names_no_ticket() {
        for subject in [
            "Hub is down",
            "Ticket #42",
            "[Steward #]",
            "[Steward #42",
            "[Steward #42a]",
            "[Steward #0]",
            "[Steward #-3]",
            "[Steward #99999999999999999999]",
            "[Steward 42]",
        ] {
            assert_eq!(ticket_reference(subject), None, "{subject}");
        }
    }

    #[test]
    fn a_plus_address_names_its_tag() {
        assert_eq!(plus_tag("support+Aurora@example.org").as_deref(), Some("aurora"));
        assert_eq!(plus_tag("support+aurora+x@example.org").as_deref(), Some("aurora+x"));
        assert_eq!(plus_tag("support@example.org"), None);
        assert_eq!(plus_tag("support+@example.org"), None);
    }

    fn from_ada() -> Signals<'static> {
        Signals { from: "ada@aurora.example", ..Signals::default() }
    }

    const OWN: &str = "support@steward.example";

    #[test]
    fn a_person_writing_is_not_a_machine() {
        assert_eq!(machine_sent(&from_ada(), OWN), None);
        let explicit_no = Signals { auto_submitted: Some("no"), precedence: Some("normal"), ..from_ada() };
        assert_eq!(machine_sent(&explicit_no, OWN), None);
        let plain = Signals {
            content_type: Some("multipart/alternative"),
            return_path: Some("<ada@aurora.example>"),
            ..from_ada()
        };
        assert_eq!(machine_sent(&plain, OWN), None);
    }

    #[test]
    fn auto_replies_bounces_bulk_mail_and_loops_are_machines() {
        let cases = [
            (Signals { auto_submitted: Some("auto-replied"), ..from_ada() }, MachineSent::AutoReply),
            (Signals { auto_submitted: Some("Auto-Generated"), ..from_ada() }, MachineSent::AutoReply),
            (Signals { autoreply_header: true, ..from_ada() }, MachineSent::AutoReply),
            (Signals { precedence: Some("bulk"), ..from_ada() }, MachineSent::Bulk),
            (Signals { precedence: Some(" List "), ..from_ada() }, MachineSent::Bulk),
            (Signals { precedence: Some("junk"), ..from_ada() }, MachineSent::Bulk),
            (Signals { return_path: Some("<>"), ..from_ada() }, MachineSent::Bounce),
            (Signals { content_type: Some("multipart/report"), ..from_ada() }, MachineSent::Bounce),
            (Signals { from: "MAILER-DAEMON@mx.example", ..Signals::default() }, MachineSent::Bounce),
            (Signals { from: "postmaster@mx.example", ..Signals::default() }, MachineSent::Bounce),
            (Signals { x_loop: Some(OWN), ..from_ada() }, MachineSent::Loop),
            (Signals { from: "Support@Steward.example", ..Signals::default() }, MachineSent::Loop),
        ];
        for (signals, expected) in cases {
            assert_eq!(machine_sent(&signals, OWN), Some(expected), "{signals:?}");
        }
    }

    #[test]
    fn a_loop_outranks_an_auto_reply_and_a_bounce_outranks_bulk() {
        let both = Signals { x_loop: Some(OWN), auto_submitted: Some("auto-replied"), ..from_ada() };
        assert_eq!(machine_sent(&both, OWN), Some(MachineSent::Loop));
        // Another system's loop guard on a person's mail (a list, a forwarder) is not a loop.
        let forwarded = Signals { x_loop: Some("lists@university.example"), ..from_ada() };
        assert_eq!(machine_sent(&forwarded, OWN), None);
        let report = Signals { content_type: Some("multipart/report"), precedence: Some("bulk"), ..from_ada() };
        assert_eq!(machine_sent(&report, OWN), Some(MachineSent::Bounce));
    }

    #[test]
    fn quoted_history_below_an_attribution_is_trimmed() {
        let body = "Thanks, that fixed it.\n\nOn Tue, 1 Dec 2026 at 10:00, Steward <support@steward.example> wrote:\n> We restarted the hub.\n> -- \n> Steward";
        assert_eq!(written_part(body), "Thanks, that fixed it.");
    }

    #[test]
    fn an_attribution_wrapped_over_two_lines_is_trimmed() {
        let body =
            "Still broken.\n\nOn Tue, 1 Dec 2026 at 10:00, Sam Steward <support@steward.example>\nwrote:\n> Try again?";
        assert_eq!(written_part(body), "Still broken.");
    }

    #[test]
    fn outlook_and_translated_histories_are_trimmed() {
        assert_eq!(written_part("Yes.\n-----Original Message-----\nFrom: Steward"), "Yes.");
        assert_eq!(written_part("Yes.\n\n________________________________\nFrom: Steward\nSent: today"), "Yes.");
        assert_eq!(written_part("Ja.\n\nAm 1. Dez. 2026 schrieb Steward:\n> Hallo"), "Ja.");
        assert_eq!(written_part("Oui.\n\nLe 1 déc. 2026, Steward a écrit :\n> Bonjour"), "Oui.");
    }

    #[test]
    fn the_signature_is_trimmed_and_trailing_quotes_go() {
        assert_eq!(
            written_part("Please reset my password.\n-- \nAda Lovelace\nAurora Hub"),
            "Please reset my password."
        );
        assert_eq!(written_part("Done.\n\n> old line\n> older line\n"), "Done.");
    }

    #[test]
    fn quotes_answered_in_between_are_kept() {
        let body = "> Which hub?\nThe Aurora one.\n> Since when?\nSince Monday.";
        assert_eq!(written_part(body), body);
    }

    #[test]
    fn a_message_that_is_all_quote_is_shown_whole() {
        assert_eq!(written_part("> only a quote\n"), "> only a quote");
        assert_eq!(written_part("-- \nAda"), "-- \nAda");
        assert_eq!(written_part("  plain  "), "plain");
        assert_eq!(written_part(""), "");
    }

    #[test]
    fn a_dash_line_in_the_text_is_not_a_signature() {
        assert_eq!(written_part("Steps:\n--- a\n- b"), "Steps:\n--- a\n- b");
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            #[test]
            fn one_line_never_lets_a_line_break_through(text in any::<String>()) {
                let line = one_line(&text);
                prop_assert!(!line.contains(['\r', '\n']));
                prop_assert!(!line.chars().any(char::is_control));
                prop_assert_eq!(line.trim(), line.as_str());
            }

            #[test]
            fn every_subject_written_names_its_ticket_again(number in 1i64..i64::MAX, title in any::<String>()) {
                let subject = subject_for(number, &title);
                prop_assert!(subject.chars().count() <= SUBJECT_MAX_CHARS);
                prop_assert!(!subject.contains(['\r', '\n']));
                prop_assert_eq!(ticket_reference(&subject), Some(number));
                prop_assert_eq!(ticket_reference(&format!("Re: Fwd: {subject}")), Some(number));
            }

            #[test]
            fn what_a_person_wrote_is_never_lost(body in "[a-zA-Z>\\- \n]{0,200}") {
                let written = written_part(&body);
                prop_assert_eq!(written.is_empty(), body.trim().is_empty());
                prop_assert!(body.contains(written.as_str()));
            }
        }
    }
}
