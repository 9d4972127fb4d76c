//! courier: a command-line HTTP client with HTTPie's grammar.
//!
//! One run, dependencies pointing one way (see ARCHITECTURE.md):
//! `cli` (clap) with `config` (defaults, `--no-FLAG`) → `options` (flags and environment
//! resolved once) → `build` (the request spec from the items) → `session` / `auth` / `cookies`
//! → `transport` (one client per run: ureq, TLS, proxies, recorded heads, typed errors) →
//! `exchange` (send, then decide per hop: redirects, challenges, retries, pages) → `output` /
//! `pretty` (what is printed and how) or `download` (the body to a file).
//!
//! Only `app` (the programs' entry point) and `cli` (the clap definition, from which the shell
//! completions and the man pages are generated) are public, and `fuzzing` (re-exports for the
//! fuzz targets) with the `fuzzing` feature only; everything else is internal.

pub mod app;
pub mod cli;

mod auth;
mod build;
mod config;
mod cookies;
mod curl;
mod decode;
mod download;
mod exchange;
mod exit;
mod files;
mod items;
mod json_text;
mod link;
mod mask;
mod nested_json;
mod options;
mod output;
mod pretty;
mod progress;
#[cfg(test)]
mod proptests;
mod session;
mod spec;
mod stdin;
mod transport;
mod url_input;
mod wire;

/// The parsers the fuzz targets in `fuzz/` drive, re-exported only when the `fuzzing` feature is
/// on (the fuzz crate turns it on); not part of the crate's API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::auth::netrc::parse as parse_netrc;
    pub use crate::cookies::CookieJar;
    pub use crate::download::filename;
    pub use crate::download::parse_content_range;
    pub use crate::items::parse_item;
    pub use crate::nested_json::interpret;
    pub use crate::pretty::json::{format_json, JsonFormatter, JsonStyle};
    pub use crate::session::file::parse as parse_session;
    pub use crate::wire::ResponseHead;
}
