//! The config file and what depends on it: `<config dir>/config.json` with HTTPie's
//! `default_options` (arguments put before the command line's), the `--no-FLAG` forms that undo
//! one of them on a run, and the `--debug` report.

pub mod debug;
pub mod file;
pub mod negate;
