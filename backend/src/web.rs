//! What a browser is sent besides the API's answers: the web app's files, compressed (brotli or
//! gzip, as the browser offers) and cached as long as their names say (Trunk names the bundle's
//! files by their content hash, so those never change; `index.html` is checked every time), and
//! on every response, API errors included, the headers that keep the app from being framed,
//! sniffed or made to run other code: a Content-Security-Policy that allows only this origin's
//! files, the web app's own loader script (by its hash) and WebAssembly, `nosniff`, a
//! same-origin referrer, and HSTS when the public origin is https.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use http::header::{self, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

/// A year: the longest cache lifetime browsers honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Always ask before reusing: the page that names the current bundle.
const REVALIDATE: &str = "no-cache";

/// The headers every response carries.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
}

impl SecurityHeaders {
    /// The headers for the web app in `static_dir`; `https` adds HSTS.
    pub fn new(static_dir: &Path, https: bool) -> anyhow::Result<SecurityHeaders> {
        let index = std::fs::read_to_string(static_dir.join("index.html")).unwrap_or_default();
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&content_security_policy(&index))?),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ];
        if https {
            headers.push((header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000")));
        }
        Ok(SecurityHeaders { headers: Arc::new(headers) })
    }
}

/// The policy: this origin only, no framing, no plugins, and of inline code only the loader
/// Trunk writes into `index.html` (allowed by its SHA-256, so no other inline script runs).
/// Images may also come from `blob:` URLs, which only this origin's own page can make: an
/// encrypted screenshot opened in the tab is shown from one.
pub fn content_security_policy(index_html: &str) -> String {
    let loaders: String = inline_scripts(index_html)
        .map(|script| {
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
            format!(" 'sha256-{digest}'")
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{loaders}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The contents of each inline `<script>` of our own built page (Trunk writes one, the loader).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, after) = rest.split_once('>')?;
        if attributes.contains("src=") {
            return None;
        }
        after.split_once("</script>").map(|(body, _)| body)
    })
}

/// Adds the security headers to every response (a handler's own value wins).
pub async fn add_security_headers(State(security): State<SecurityHeaders>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in security.headers.iter() {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    response
}

/// Says how long the server took to answer a call, up to its response's head, in the standard
/// `Server-Timing` header (`app;dur=12.3`): browsers' developer tools and the benchmark read it.
pub async fn add_server_timing(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.1}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// Whether a file name carries Trunk's content hash (`name-0123456789abcdef.ext`, or `_bg.wasm`).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Caches the bundle's hashed files for a year and makes everything else (the page) revalidate.
pub async fn cache_by_name(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == http::StatusCode::NOT_MODIFIED {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bundle_s_hashed_files_are_cached_for_good() {
        assert!(is_hashed("/steward-frontend-bf31b38f5de66c36_bg.wasm"));
        assert!(is_hashed("/steward-frontend-bf31b38f5de66c36.js"));
        assert!(is_hashed("/style-2a14303e82012e6c.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/tickets/42"));
        assert!(!is_hashed("/known-issues"));
    }

    #[test]
    fn the_policy_allows_the_page_s_own_loader_by_its_hash_and_nothing_inline_else() {
        let page = "<script type=\"module\">init();</script><script src=\"/x.js\"></script>";
        let policy = content_security_policy(page);
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init();"));
        assert!(policy.contains(&format!("'sha256-{digest}'")), "{policy}");
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(policy.matches("sha256-").count(), 1, "external scripts need no hash");
    }
}
