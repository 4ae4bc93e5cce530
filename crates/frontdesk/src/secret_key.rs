//! The operator's 32-byte key that encrypts secrets at rest (the companies' Retell API keys).
//!
//! Taken from `FRONTDESK_SECRET_KEY` (64 hex characters) when set; otherwise read from a key
//! file (`FRONTDESK_SECRET_KEY_FILE` or `secret_key_file`, default `frontdesk.secret` in the
//! working directory), which is created on first use with 32 random bytes from the operating
//! system, written as 64 hex characters, readable by its owner only (mode 0600). Several
//! instances sharing one database must share the key: give them the same
//! `FRONTDESK_SECRET_KEY`. Losing the key makes the stored Retell keys unreadable (set them
//! again with `frontdesk company set`).

use anyhow::{Context, bail};
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DEFAULT_KEY_FILE: &str = "frontdesk.secret";

/// Where the key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretKeySource {
    /// `FRONTDESK_SECRET_KEY`, as given.
    Hex(String),
    /// A key file, created if missing.
    File(PathBuf),
}

impl std::fmt::Debug for SecretKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretKeySource::Hex(_) => f.write_str("Hex(…)"),
            SecretKeySource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

impl Default for SecretKeySource {
    fn default() -> Self {
        SecretKeySource::File(PathBuf::from(DEFAULT_KEY_FILE))
    }
}

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    let mut key = [0u8; 32];
    let text = text.trim();
    (text.len() == 64 && hex::decode_to_slice(text, &mut key).is_ok()).then_some(key)
}

/// The key, reading (or creating) the key file if that is the source.
pub fn load(source: &SecretKeySource) -> anyhow::Result<[u8; 32]> {
    match source {
        SecretKeySource::Hex(text) => parse_hex(text)
            .context("FRONTDESK_SECRET_KEY must be 64 hex characters (32 bytes), such as the output of `openssl rand -hex 32`"),
        SecretKeySource::File(path) => match std::fs::read(path) {
            Ok(bytes) => read_key_file(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key_file(path),
            Err(e) => Err(e).with_context(|| format!("cannot read the secret key file {}", path.display())),
        },
    }
}

fn read_key_file(path: &Path, bytes: &[u8]) -> anyhow::Result<[u8; 32]> {
    if let Some(key) = std::str::from_utf8(bytes).ok().and_then(parse_hex) {
        return Ok(key);
    }
    if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
        return Ok(raw);
    }
    bail!(
        "the secret key file {} must hold 64 hex characters (or 32 raw bytes); it has {} bytes",
        path.display(),
        bytes.len()
    )
}

fn create_key_file(path: &Path) -> anyhow::Result<[u8; 32]> {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the secret key file {}", path.display()))?;
            return read_key_file(path, &bytes);
        }
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot create the secret key file {} (set FRONTDESK_SECRET_KEY or FRONTDESK_SECRET_KEY_FILE)",
                    path.display()
                )
            });
        }
    };
    file.write_all(format!("{}\n", hex::encode(key)).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the secret key file {}", path.display()))?;
    tracing::info!(path = %path.display(), "created a new secret key file; back it up with the database");
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hex_key_is_decoded_and_a_bad_one_refused() {
        let hex = "00".repeat(31) + "ff";
        let key = load(&SecretKeySource::Hex(hex)).expect("key");
        assert_eq!(key[31], 0xff);
        for bad in ["", "abc", &"zz".repeat(32), &"00".repeat(33)] {
            let err = load(&SecretKeySource::Hex(bad.to_string()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("64 hex characters"), "{bad}: {err}");
        }
        assert_eq!(
            format!("{:?}", SecretKeySource::Hex("secret".into())),
            "Hex(…)"
        );
    }

    #[test]
    fn the_key_file_is_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("frontdesk.secret");
        let source = SecretKeySource::File(path.clone());

        let first = load(&source).expect("created");
        let second = load(&source).expect("read");

        assert_eq!(first, second);
        assert_ne!(first, [0u8; 32]);
        let text = std::fs::read_to_string(&path).expect("file");
        assert_eq!(text.trim(), hex::encode(first));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // 32 raw bytes are accepted too; anything else is refused with the reason.
        std::fs::write(&path, [5u8; 32]).expect("write");
        assert_eq!(load(&source).expect("raw"), [5u8; 32]);
        std::fs::write(&path, "short").expect("write");
        let err = load(&source)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("64 hex characters"), "{err}");
        let missing_dir = SecretKeySource::File(dir.path().join("no/such/dir/key"));
        let err = load(&missing_dir)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains("cannot create the secret key file"), "{err}");
    }
}
