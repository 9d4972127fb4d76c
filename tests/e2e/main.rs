//! The end-to-end tests: one test binary (as ripgrep does), one module per capability, sharing
//! the harness in [`support`] (run the real `http`/`https` binaries hermetically, a scripted raw
//! TCP server, output helpers). One binary links the harness and the dependencies once instead
//! of once per file. Run one module with e.g. `cargo test --test e2e redirects::`.

mod support;

mod auth;
mod auth_support_selftest;
mod bodies;
mod cases;
mod cli_core;
mod config;
mod cookies;
mod curl;
mod downloads;
mod exit_codes;
mod generated;
mod hostile;
mod hostile_input;
mod items;
mod network;
mod oauth2;
mod output_pretty;
mod output_wire;
mod paginate;
mod proxy;
mod redirects;
mod retries;
mod server_selftest;
mod sessions;
mod signing;
mod terminal_safety;
mod timing;
mod tls;
mod url;
