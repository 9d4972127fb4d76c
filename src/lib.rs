//! courier: a command-line HTTP client with HTTPie's grammar.
//!
//! The pipeline, one module each, dependencies pointing one way:
//! `cli` (clap) → `build` (request spec from items) → `transport` (ureq, recorded heads)
//! → `output` (what is printed) / `decode` (Content-Encoding).

pub mod app;
pub mod auth;
pub mod build;
pub mod cli;
pub mod cookies;
pub mod decode;
pub mod download;
pub mod exchange;
pub mod exit;
pub mod items;
pub mod json_text;
pub mod nested_json;
pub mod options;
pub mod output;
pub mod pretty;
pub mod session;
pub mod spec;
pub mod stdin;
pub mod transport;
pub mod url_input;
pub mod wire;
