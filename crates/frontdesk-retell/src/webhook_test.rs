//! Test deliveries: POST a payload to a webhook URL, signed the way Retell signs
//! (`X-Retell-Signature`), and report the status, body, headers and duration of the answer.
//!
//! The URL comes from a client, so the request must not become a way into the server's own
//! network (SSRF). The host is resolved first and every address it resolves to is checked:
//! loopback, private (RFC 1918, fc00::/7), link-local, CGNAT (100.64/10) and reserved ranges
//! are refused unless `allow_private` is set (development, tests). Unspecified, multicast,
//! broadcast and cloud metadata addresses (169.254.169.254, fd00:ec2::254) are refused even
//! then: no webhook lives there. The connection then goes to the checked addresses only (the
//! name is pinned, so a second DNS answer cannot swap in another address), no proxy is used,
//! redirects are not followed, the answer is read up to a size cap, and all of it has a
//! timeout.
//!
//! A test delivery is signed with the company's real Retell key (so it proves the receiver
//! checks signatures as Retell's deliveries need), which would make it a way to mint valid
//! signatures for any body. So every body sent carries [`TEST_MARKER`] (`"frontdesk_test":
//! true`) at its top level, set here whatever the payload said, inside the signed bytes:
//! removing it breaks the signature, and frontdesk's own Retell endpoints answer a marked
//! body without acting on it ([`is_test_body`]). A test cannot be replayed as a real call.

use crate::signature;
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

const MAX_URL_LEN: usize = 2048;

/// The top-level field every test delivery carries (always `true`); frontdesk's Retell
/// endpoints never act on a body that has it.
pub const TEST_MARKER: &str = "frontdesk_test";

/// `payload` (a JSON object) with [`TEST_MARKER`] set to `true` at its top level.
pub fn mark_as_test(payload: &Value) -> Result<Value, WebhookTestError> {
    let Value::Object(fields) = payload else {
        return Err(WebhookTestError::InvalidPayload(
            "the test payload must be a JSON object".into(),
        ));
    };
    let mut marked = fields.clone();
    marked.insert(TEST_MARKER.to_string(), Value::Bool(true));
    Ok(Value::Object(marked))
}

/// Whether a received body is a test delivery (has [`TEST_MARKER`] at its top level, whatever
/// its value): it must be acknowledged, never acted on.
pub fn is_test_body(body: &Value) -> bool {
    body.get(TEST_MARKER).is_some()
}

#[derive(Debug, Clone)]
pub struct WebhookTestOptions {
    /// Allow loopback, private, link-local and CGNAT targets.
    pub allow_private: bool,
    /// Limit for resolving, connecting, sending and reading the answer together.
    pub timeout: Duration,
    /// Bytes of the answer's body read at most; the rest is dropped.
    pub max_response_bytes: usize,
}

impl Default for WebhookTestOptions {
    fn default() -> Self {
        WebhookTestOptions {
            allow_private: false,
            timeout: Duration::from_secs(10),
            max_response_bytes: 64 * 1024,
        }
    }
}

/// What the webhook answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookTestResponse {
    pub status_code: u16,
    /// The parsed JSON body, or the body as text when it is not JSON.
    pub body: Value,
    /// Lowercase header names; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    pub duration_ms: u64,
    /// Whether the body was longer than the cap and cut.
    #[serde(skip)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookTestError {
    #[error("invalid webhook URL: {0}")]
    InvalidUrl(String),
    #[error(
        "webhook URL host {host} resolves to {ip}, a {reason} address; test webhooks go to public addresses only"
    )]
    Forbidden {
        host: String,
        ip: IpAddr,
        reason: &'static str,
    },
    #[error("cannot resolve webhook host {0}")]
    Resolve(String),
    #[error("the webhook did not answer within {after_ms} ms")]
    Timeout { after_ms: u64 },
    #[error("cannot reach the webhook: {0}")]
    Unreachable(String),
    #[error("invalid test payload: {0}")]
    InvalidPayload(String),
}

impl WebhookTestError {
    pub fn code(&self) -> &'static str {
        match self {
            WebhookTestError::InvalidUrl(_) => "WEBHOOK_URL_INVALID",
            WebhookTestError::Forbidden { .. } => "WEBHOOK_TARGET_FORBIDDEN",
            WebhookTestError::Resolve(_) => "WEBHOOK_DNS_FAILED",
            WebhookTestError::Timeout { .. } => "WEBHOOK_TIMEOUT",
            WebhookTestError::Unreachable(_) => "WEBHOOK_UNREACHABLE",
            WebhookTestError::InvalidPayload(_) => "WEBHOOK_PAYLOAD_INVALID",
        }
    }

    /// Whether the URL itself was wrong (as opposed to the target misbehaving).
    pub fn is_bad_url(&self) -> bool {
        matches!(self, WebhookTestError::InvalidUrl(_))
    }
}

/// A URL whose host resolved to addresses that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTarget {
    pub url: Url,
    /// The host name, or the IP literal.
    pub host: String,
    pub addrs: Vec<SocketAddr>,
}

/// Why `ip` must not be a webhook target: `Some((reason, always))`, where `always` means
/// refused even when private targets are allowed.
pub fn forbidden_reason(ip: IpAddr) -> Option<(&'static str, bool)> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<(&'static str, bool)> {
    let o = ip.octets();
    let always = |r| Some((r, true));
    let private = |r| Some((r, false));
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(169, 254, 170, 2) {
        return always("cloud metadata");
    }
    match o {
        [0, ..] => always("unspecified"),
        [255, 255, 255, 255] => always("broadcast"),
        [224..=239, ..] => always("multicast"),
        [127, ..] => private("loopback"),
        [10, ..] => private("private"),
        [172, b, ..] if (16..=31).contains(&b) => private("private"),
        [192, 168, ..] => private("private"),
        [169, 254, ..] => private("link-local"),
        [100, b, ..] if (64..=127).contains(&b) => private("shared (CGNAT)"),
        [192, 0, 0, _] | [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => {
            private("reserved")
        }
        [198, 18..=19, ..] | [240..=255, ..] => private("reserved"),
        _ => None,
    }
}

fn v6_reason(ip: Ipv6Addr) -> Option<(&'static str, bool)> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some(("unspecified", true));
    }
    if ip.is_loopback() {
        return Some(("loopback", false));
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(("cloud metadata", true));
    }
    // Addresses that carry an IPv4 address: judge the IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        return v4_reason(embedded(s[6], s[7])).or(Some(("reserved", false))); // IPv4-compatible
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return v4_reason(embedded(s[6], s[7])); // NAT64
    }
    if s[0] == 0x2002 {
        return v4_reason(embedded(s[1], s[2])); // 6to4
    }
    match s[0] {
        0xff00..=0xffff => Some(("multicast", true)),
        0xfc00..=0xfdff => Some(("private", false)),
        0xfe80..=0xfebf => Some(("link-local", false)),
        0xfec0..=0xfeff => Some(("site-local", false)),
        0x0064 if s[1] == 0xff9b && s[2] == 1 => Some(("private (local NAT64)", false)),
        0x2001 if s[1] == 0x0db8 => Some(("reserved", false)),
        0x0100 if s[1..4] == [0, 0, 0] => Some(("reserved", false)),
        _ => None,
    }
}

fn check_ip(host: &str, ip: IpAddr, allow_private: bool) -> Result<(), WebhookTestError> {
    match forbidden_reason(ip) {
        Some((reason, always)) if always || !allow_private => Err(WebhookTestError::Forbidden {
            host: host.to_string(),
            ip,
            reason,
        }),
        _ => Ok(()),
    }
}

/// Parses an absolute `http://` or `https://` URL with a host (no resolution, no checks of
/// the address).
pub fn parse_http_url(url: &str) -> Result<Url, WebhookTestError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(WebhookTestError::InvalidUrl("the URL is empty".into()));
    }
    if url.len() > MAX_URL_LEN {
        return Err(WebhookTestError::InvalidUrl(format!(
            "longer than {MAX_URL_LEN} characters"
        )));
    }
    let parsed = Url::parse(url).map_err(|e| WebhookTestError::InvalidUrl(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(WebhookTestError::InvalidUrl(format!(
            "scheme {:?} is not supported: use http:// or https://",
            parsed.scheme()
        )));
    }
    if parsed.host().is_none() {
        return Err(WebhookTestError::InvalidUrl("no host".into()));
    }
    Ok(parsed)
}

/// Parses `url` (http or https only), resolves its host and checks every address.
pub async fn check_target(
    url: &str,
    allow_private: bool,
    timeout: Duration,
) -> Result<CheckedTarget, WebhookTestError> {
    let parsed = parse_http_url(url)?;
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| WebhookTestError::InvalidUrl("no port".into()))?;
    let (host, addrs) = match parsed.host() {
        None => return Err(WebhookTestError::InvalidUrl("no host".into())),
        Some(url::Host::Ipv4(ip)) => (ip.to_string(), vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => (ip.to_string(), vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(domain)) => {
            let lookup = tokio::net::lookup_host((domain, port));
            let found = tokio::time::timeout(timeout, lookup)
                .await
                .map_err(|_| WebhookTestError::Resolve(format!("{domain} (timed out)")))?
                .map_err(|_| WebhookTestError::Resolve(domain.to_string()))?;
            let mut addrs: Vec<SocketAddr> = Vec::new();
            for addr in found {
                if !addrs.contains(&addr) {
                    addrs.push(addr);
                }
            }
            if addrs.is_empty() {
                return Err(WebhookTestError::Resolve(domain.to_string()));
            }
            (domain.to_string(), addrs)
        }
    };
    // Every address must pass: a name that also points inside is refused as a whole.
    for addr in &addrs {
        check_ip(&host, addr.ip(), allow_private)?;
    }
    Ok(CheckedTarget {
        url: parsed,
        host,
        addrs,
    })
}

/// Sends `payload` (a JSON object), marked as a test ([`mark_as_test`]), to `url`, signed with
/// `api_key` at the current time, and reports the answer.
pub async fn send_test_webhook(
    url: &str,
    payload: &Value,
    api_key: &str,
    options: &WebhookTestOptions,
) -> Result<WebhookTestResponse, WebhookTestError> {
    let started = Instant::now();
    let marked = mark_as_test(payload)?;
    let target = check_target(url, options.allow_private, options.timeout).await?;
    let body =
        serde_json::to_vec(&marked).map_err(|e| WebhookTestError::InvalidPayload(e.to_string()))?;
    let signature = HeaderValue::from_str(&signature::sign_now(api_key, &body)).map_err(|_| {
        WebhookTestError::InvalidPayload("the signature is not a valid header".into())
    })?;

    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(options.timeout);
    if let Some(url::Host::Domain(domain)) = target.url.host() {
        // Connect only to the addresses that were checked.
        builder = builder.resolve_to_addrs(domain, &target.addrs);
    }
    let client = builder
        .build()
        .map_err(|e| WebhookTestError::Unreachable(format!("HTTP client: {e}")))?;
    let remaining = options
        .timeout
        .saturating_sub(started.elapsed())
        .max(Duration::from_millis(1));
    let after_ms = u64::try_from(options.timeout.as_millis()).unwrap_or(u64::MAX);
    let transport = |e: reqwest::Error| {
        if e.is_timeout() {
            WebhookTestError::Timeout { after_ms }
        } else if e.is_connect() {
            WebhookTestError::Unreachable(format!("connection to {} failed", target.host))
        } else {
            WebhookTestError::Unreachable(format!("the exchange with {} broke off", target.host))
        }
    };

    let sent = Instant::now();
    let mut response = client
        .post(target.url.clone())
        .header(CONTENT_TYPE, "application/json")
        .header(
            USER_AGENT,
            concat!("frontdesk-webhook-test/", env!("CARGO_PKG_VERSION")),
        )
        .header(signature::SIGNATURE_HEADER, signature)
        .timeout(remaining)
        .body(body)
        .send()
        .await
        .map_err(transport)?;
    let status_code = response.status().as_u16();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in response.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers
            .entry(name.as_str().to_string())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let mut bytes = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        let room = options.max_response_bytes.saturating_sub(bytes.len());
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    let duration_ms = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX);
    let body = if truncated {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    } else if bytes.is_empty() {
        Value::String(String::new())
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Ok(WebhookTestResponse {
        status_code,
        body,
        headers,
        duration_ms,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn every_test_body_is_marked_whatever_the_payload_says() {
        let payload = serde_json::json!({"event": "call_ended", "frontdesk_test": false});
        let marked = mark_as_test(&payload).expect("an object");
        assert_eq!(marked["frontdesk_test"], true);
        assert_eq!(marked["event"], "call_ended");
        assert!(is_test_body(&marked));
        assert!(!is_test_body(&serde_json::json!({"event": "call_ended"})));
        assert!(is_test_body(&payload), "any value of the marker counts");
        assert!(matches!(
            mark_as_test(&serde_json::json!([1])),
            Err(WebhookTestError::InvalidPayload(_))
        ));
    }

    #[test]
    fn inside_addresses_are_named() {
        let cases = [
            ("127.0.0.1", "loopback", false),
            ("127.8.9.10", "loopback", false),
            ("10.1.2.3", "private", false),
            ("172.16.0.1", "private", false),
            ("172.31.255.255", "private", false),
            ("192.168.1.1", "private", false),
            ("169.254.1.1", "link-local", false),
            ("169.254.169.254", "cloud metadata", true),
            ("100.64.0.1", "shared (CGNAT)", false),
            ("100.127.255.255", "shared (CGNAT)", false),
            ("0.0.0.0", "unspecified", true),
            ("224.0.0.1", "multicast", true),
            ("255.255.255.255", "broadcast", true),
            ("::", "unspecified", true),
            ("::1", "loopback", false),
            ("fc00::1", "private", false),
            ("fd12:3456::1", "private", false),
            ("fd00:ec2::254", "cloud metadata", true),
            ("fe80::1", "link-local", false),
            ("ff02::1", "multicast", true),
            ("::ffff:127.0.0.1", "loopback", false),
            ("::ffff:169.254.169.254", "cloud metadata", true),
            ("::ffff:10.0.0.1", "private", false),
            ("64:ff9b::a00:1", "private", false),
            ("2002:c0a8:0101::1", "private", false),
        ];
        for (addr, reason, always) in cases {
            assert_eq!(forbidden_reason(ip(addr)), Some((reason, always)), "{addr}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(forbidden_reason(ip(addr)), None, "{addr}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_before_anything_is_sent() {
        let t = Duration::from_secs(2);
        for (url, expect) in [
            ("ftp://example.com/x", "scheme"),
            ("file:///etc/passwd", "scheme"),
            ("not a url", "relative URL"),
            ("", "empty"),
        ] {
            let err = check_target(url, false, t)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(expect), "{url}: {err}");
        }
        for url in [
            "http://127.0.0.1:9/x",
            "http://localhost:9/",
            "http://10.0.0.1/",
            "https://192.168.0.10/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:9/",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:7f00:1]/",
        ] {
            let err = check_target(url, false, t).await.err();
            assert!(
                matches!(err, Some(WebhookTestError::Forbidden { .. })),
                "{url}: {err:?}"
            );
        }
        // With private targets allowed: loopback and private pass, metadata never does.
        assert!(check_target("http://127.0.0.1:9/x", true, t).await.is_ok());
        assert!(check_target("http://10.0.0.1/", true, t).await.is_ok());
        assert!(check_target("http://localhost:9/", true, t).await.is_ok());
        let metadata = check_target("http://169.254.169.254/", true, t).await.err();
        assert!(matches!(
            metadata,
            Some(WebhookTestError::Forbidden {
                reason: "cloud metadata",
                ..
            })
        ));
    }
}
