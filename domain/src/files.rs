//! Files people attach to requests, replies and notes (issue 14): what a file is called, what
//! Steward serves it as, and how big it may be.
//!
//! - A name is kept as the person's own, made safe: no directory, no control characters, at
//!   most [`NAME_MAX_CHARS`] characters (the extension kept), never empty ([`safe_name`]).
//! - A file is served as what it is, never as what would run in Steward's origin: an image
//!   whose bytes are what its type says (PNG, JPEG, GIF, WebP; never SVG) is shown in place;
//!   a type from a short list of harmless documents is downloaded as that type when its bytes
//!   do not say otherwise; everything else (HTML, SVG, scripts, unknown) is downloaded as
//!   `application/octet-stream` ([`served_as`]). A file encrypted in the browser is an OpenPGP
//!   message (binary), downloaded as `application/pgp-encrypted`.
//! - Who may read a file is who may read what it is attached to (`crate::authz`).

/// The longest name kept, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// The largest file taken by default (25 MB; an admin may set another).
pub const DEFAULT_MAX_BYTES: u64 = 25_000_000;

/// Images shown in place when their bytes agree.
const INLINE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
/// Types downloaded as themselves when their bytes do not say otherwise.
const DOWNLOADED_AS_DECLARED: &[&str] = &[
    "text/plain",
    "text/csv",
    "application/pdf",
    "application/json",
    "application/zip",
    "application/gzip",
    "application/x-tar",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
];

/// `name` as Steward keeps it: the last part of a path, control characters and quotes
/// replaced, trimmed, cut to [`NAME_MAX_CHARS`] keeping the extension; "file" when nothing is left.
pub fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return "file".to_owned();
    }
    if cleaned.chars().count() <= NAME_MAX_CHARS {
        return cleaned;
    }
    let extension: String = match cleaned.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.chars().count() <= 10 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = NAME_MAX_CHARS - extension.chars().count();
    let stem: String = cleaned.chars().take(keep).collect();
    format!("{}{extension}", stem.trim_end())
}

/// How Steward serves a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub content_type: &'static str,
    /// Shown in place (an image), rather than downloaded.
    pub inline: bool,
}

/// What a file is served as: `declared` is the type its uploader gave, `sniffed` what its first
/// bytes say (if they say), `encrypted` whether it is an OpenPGP message made in the browser.
pub fn served_as(declared: &str, sniffed: Option<&str>, encrypted: bool) -> Served {
    if encrypted {
        return Served { content_type: "application/pgp-encrypted", inline: false };
    }
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if let Some(image) = INLINE_IMAGES.iter().find(|t| **t == declared)
        && sniffed == Some(*image)
    {
        return Served { content_type: image, inline: true };
    }
    match DOWNLOADED_AS_DECLARED.iter().find(|t| **t == declared) {
        Some(kind) if sniffed.is_none_or(|s| s == *kind || (s == "application/zip" && is_zipped(kind))) => {
            Served { content_type: kind, inline: false }
        }
        _ => Served { content_type: "application/octet-stream", inline: false },
    }
}

/// Office documents are zip files inside: their bytes say zip.
fn is_zipped(kind: &str) -> bool {
    kind.contains("openxmlformats") || kind.contains("opendocument")
}

/// Why a file of `bytes` is refused at `limit`, in words for the person; none when it fits.
pub fn too_big(bytes: u64, limit: u64) -> Option<String> {
    (bytes > limit).then(|| format!("This file is {}; files up to {} are taken.", size_words(bytes), size_words(limit)))
}

/// "512 bytes", "14 KB", "2.5 MB".
pub fn size_words(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{} KB", (b + 500) / 1_000),
        b if b < 10_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b => format!("{} MB", (b + 500_000) / 1_000_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_persons_own_made_safe() {
        assert_eq!(safe_name("screenshot 1.png"), "screenshot 1.png");
        assert_eq!(safe_name("C:\\Users\\rita\\log.txt"), "log.txt");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("a\r\nb\"c.txt"), "a__b_c.txt");
        assert_eq!(safe_name("   "), "file");
        assert_eq!(safe_name(".htaccess"), "htaccess", "no hidden names");
        assert_eq!(safe_name("/"), "file");
        let long = format!("{}.tar.gz", "x".repeat(300));
        let kept = safe_name(&long);
        assert_eq!(kept.chars().count(), NAME_MAX_CHARS);
        assert!(kept.ends_with(".gz"), "the extension is kept: {kept}");
        assert_eq!(safe_name("Grüße.pdf"), "Grüße.pdf");
    }

    #[test]
    fn only_images_that_are_what_they_say_show_in_place_and_nothing_runs() {
        let png = served_as("image/png", Some("image/png"), false);
        assert_eq!(png, Served { content_type: "image/png", inline: true });
        let liar = served_as("image/png", Some("text/html"), false);
        assert_eq!(liar, Served { content_type: "application/octet-stream", inline: false });
        assert!(!served_as("image/png", None, false).inline, "bytes that say nothing are not shown");
        for dangerous in ["text/html", "image/svg+xml", "application/javascript", "text/xml", "application/xhtml+xml"] {
            assert_eq!(served_as(dangerous, None, false).content_type, "application/octet-stream", "{dangerous}");
            assert!(!served_as(dangerous, None, false).inline);
        }
        assert_eq!(served_as("text/plain; charset=utf-8", None, false).content_type, "text/plain");
        assert_eq!(served_as("application/pdf", Some("application/pdf"), false).content_type, "application/pdf");
        assert_eq!(served_as("application/pdf", Some("image/png"), false).content_type, "application/octet-stream");
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(served_as(docx, Some("application/zip"), false).content_type, docx);
        assert_eq!(served_as("image/png", Some("image/png"), true).content_type, "application/pgp-encrypted");
        assert!(!served_as("IMAGE/PNG", Some("image/png"), true).inline, "an encrypted image is not shown");
        assert!(served_as("IMAGE/PNG", Some("image/png"), false).inline, "types in any case");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_in_words() {
        assert_eq!(too_big(10, 20), None);
        assert_eq!(
            too_big(30_000_000, DEFAULT_MAX_BYTES).as_deref(),
            Some("This file is 30 MB; files up to 25 MB are taken.")
        );
        assert_eq!(size_words(512), "512 bytes");
        assert_eq!(size_words(14_200), "14 KB");
        assert_eq!(size_words(2_500_000), "2.5 MB");
    }
}
