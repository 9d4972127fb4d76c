//! The shell completions in `completions/` and the man page in `man/` are generated from the
//! command-line definition. This test regenerates them and fails when the committed files
//! differ, so they never drift from the options; `UPDATE_GENERATED=1 cargo test --test e2e
//! generated::` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every generated file: its path and its expected content.
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for name in ["http", "https"] {
        for (shell, file) in [
            (Shell::Bash, format!("{name}.bash")),
            (Shell::Zsh, format!("_{name}")),
            (Shell::Fish, format!("{name}.fish")),
        ] {
            let mut cmd = courier::cli::Args::command().name(name).bin_name(name);
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, name, &mut out);
            files.push((root().join("completions").join(file), out));
        }
    }
    let cmd = courier::cli::Args::command().name("http").bin_name("http");
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .expect("rendering the man page to memory");
    files.push((root().join("man").join("http.1"), page));
    files
}

#[test]
fn completions_and_man_page_are_up_to_date() {
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (path, content) in generated() {
        if update {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).unwrap();
            std::fs::write(&path, &content).unwrap();
            continue;
        }
        match std::fs::read(&path) {
            Ok(on_disk) if on_disk == content => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (run `UPDATE_GENERATED=1 cargo test --test e2e generated::`): {stale:?}"
    );
}

#[test]
fn completions_offer_the_options() {
    for (path, content) in generated() {
        let text = String::from_utf8_lossy(&content);
        // roff escapes the dashes of the man page: `\-\-follow`.
        let text = text.replace("\\-", "-");
        // Fish writes `-l follow`, the others `--follow`.
        for option in ["follow", "download", "session-read-only", "pretty"] {
            assert!(text.contains(option), "{} lacks {option}", path.display());
        }
    }
}
