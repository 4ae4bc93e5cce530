//! Rebuilds the crate when anything under `locales/` changes, a new file or folder included
//! (rust-embed alone notices only edits of files it already embedded).
fn main() {
    println!("cargo::rerun-if-changed=../../locales");
}
