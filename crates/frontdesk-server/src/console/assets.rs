//! The console's two static files, compiled into the binary and served under a name that
//! carries a hash of their content, so browsers may keep them for a year: a new release
//! changes the name, never the bytes behind one.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// htmx 2.0.11 (BSD Zero Clause), vendored unchanged from the npm package's `dist/`.
const HTMX: &[u8] = include_bytes!("../../assets/htmx-2.0.11.min.js");
const CSS: &[u8] = include_bytes!("../../assets/console.css");

pub struct Asset {
    /// `console-3f2a9c1d.css`: what pages link to.
    pub name: String,
    bytes: &'static [u8],
    content_type: &'static str,
}

fn asset(stem: &str, ext: &str, bytes: &'static [u8], content_type: &'static str) -> Asset {
    let hash = hex::encode(&Sha256::digest(bytes)[..6]);
    Asset {
        name: format!("{stem}-{hash}.{ext}"),
        bytes,
        content_type,
    }
}

pub static HTMX_JS: LazyLock<Asset> =
    LazyLock::new(|| asset("htmx", "js", HTMX, "text/javascript; charset=utf-8"));
pub static CONSOLE_CSS: LazyLock<Asset> =
    LazyLock::new(|| asset("console", "css", CSS, "text/css; charset=utf-8"));

/// `GET /console/assets/{name}`: only the current names exist.
pub async fn get(Path(name): Path<String>) -> Response {
    for asset in [&*HTMX_JS, &*CONSOLE_CSS] {
        if asset.name == name {
            return (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(asset.content_type),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                ],
                asset.bytes,
            )
                .into_response();
        }
    }
    StatusCode::NOT_FOUND.into_response()
}
