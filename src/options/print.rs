//! The print plan: what is printed, where, how it looks, and what `-q`/`-qq` silence.

use std::path::PathBuf;

use anyhow::Result;

use super::Env;
use crate::cli::{Args, CliPretty, CliStyle};
use crate::output::{PrintChoice, PrintSet};
use crate::pretty::options::{colors_by_default, resolve_pretty, FormatOptions, PrettyArg};
use crate::pretty::theme::{StyleName, Theme};
use crate::pretty::{charset, Display};

/// `-q` once or twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quiet {
    #[default]
    No,
    /// `-q`: nothing printed, no progress bars; warnings still shown.
    Output,
    /// `-qq`: warnings too.
    All,
}

impl Quiet {
    pub fn from_count(count: u8) -> Quiet {
        match count {
            0 => Quiet::No,
            1 => Quiet::Output,
            _ => Quiet::All,
        }
    }

    /// Printed output (heads, bodies) is switched off.
    pub fn silences_output(self) -> bool {
        self != Quiet::No
    }

    /// Download and upload progress bars are switched off.
    pub fn silences_progress(self) -> bool {
        self != Quiet::No
    }

    /// The warning line of a failed download (4xx/5xx) is shown.
    pub fn warns_on_download_error(self) -> bool {
        self != Quiet::All
    }

    /// The `--check-status` warning is shown when the response was not visible on a
    /// terminal, or when `-q` hid it; `-qq` hides it (HTTPie's rule).
    pub fn warns_on_status(self, stdout_tty: bool) -> bool {
        match self {
            Quiet::No => !stdout_tty,
            Quiet::Output => true,
            Quiet::All => false,
        }
    }

    /// Warnings are shown (all but `-qq`).
    pub fn warns(self) -> bool {
        self != Quiet::All
    }
}

/// Where printed output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    Stdout,
    /// With `--download`: everything but the body, which goes to the file.
    Stderr,
    /// `-o FILE` without `--download`: what would be printed, as redirected output.
    File(PathBuf),
}

/// What to print and where.
#[derive(Clone)]
pub struct PrintPlan {
    pub set: PrintSet,
    /// Print intermediate exchanges too (`--all`, implied by `-v`).
    pub all: bool,
    pub target: OutputTarget,
    /// The target is a terminal.
    pub tty: bool,
    pub display: Display,
    pub quiet: Quiet,
    /// stdout is a terminal (for the `--check-status` warning).
    pub stdout_tty: bool,
    /// Large uploads show a progress bar on stderr.
    pub upload_progress: bool,
}

pub(super) fn plan(args: &Args, env: &Env) -> Result<PrintPlan> {
    let terminals = env.terminals;
    let quiet = Quiet::from_count(args.quiet);
    // `-o FILE` alone is where output goes, not the screen: `-q` leaves it alone (HTTPie).
    let to_file = args.output.is_some() && !args.download;
    let set = PrintChoice {
        explicit: explicit_letters(args),
        verbose: args.verbose,
        quiet: quiet.silences_output() && !to_file,
        offline: args.offline,
        stdout_tty: print_to_tty(terminals.stdout, args.output.is_some(), args.download),
    }
    .resolve()?;
    let (set, target, tty) = target(set, &args.output, args.download, args.offline, env);
    Ok(PrintPlan {
        set,
        all: all(args.all, args.verbose),
        target,
        tty,
        display: display(args, env, tty)?,
        quiet,
        stdout_tty: terminals.stdout,
        upload_progress: terminals.stderr && !quiet.silences_progress(),
    })
}

/// `-v` implies `--all`: the whole conversation, redirects included.
pub fn all(all: bool, verbose: u8) -> bool {
    all || verbose > 0
}

/// `--print`, or the shortcut given (`-h`, `-b`, `-m`; clap keeps only the last of them).
fn explicit_letters(args: &Args) -> Option<&str> {
    args.print.as_deref().or(if args.headers {
        Some("h")
    } else if args.body {
        Some("b")
    } else if args.meta {
        Some("m")
    } else {
        None
    })
}

/// Whether the default print set is the terminal's (`hb`): `-o FILE` without `--download`
/// is redirected output, whatever stdout is.
pub fn print_to_tty(stdout_tty: bool, output: bool, download: bool) -> bool {
    stdout_tty && (!output || download)
}

/// Where output goes, and whether that is a terminal. With `--download` everything but the
/// body goes to stderr; `-o` alone sends what would be printed to the file.
pub fn target(
    set: PrintSet,
    output: &Option<PathBuf>,
    download: bool,
    offline: bool,
    env: &Env,
) -> (PrintSet, OutputTarget, bool) {
    match (output, download) {
        (_, true) if !offline => (
            PrintSet {
                response_body: false,
                ..set
            },
            OutputTarget::Stderr,
            env.terminals.stderr,
        ),
        (Some(path), false) => (set, OutputTarget::File(path.clone()), false),
        _ => (set, OutputTarget::Stdout, env.terminals.stdout),
    }
}

/// How output looks: `--pretty`, `--style`, format options, charset, the terminal.
fn display(args: &Args, env: &Env, tty: bool) -> Result<Display> {
    let mut format = FormatOptions::default();
    for spec in &args.format_options {
        format.apply(spec)?;
    }
    if args.sorted {
        format.set_sorted(true);
    } else if args.unsorted {
        format.set_sorted(false);
    }
    let pretty = resolve_pretty(
        args.pretty.map(pretty_arg),
        args.style.is_some(),
        tty,
        colors_by_default(env.no_color, env.term.as_deref()),
    );
    let response_charset = match &args.response_charset {
        Some(label) => Some(charset::lookup(label).map_err(anyhow::Error::msg)?),
        None => None,
    };
    if let Some(mime) = &args.response_mime {
        if mime.matches('/').count() != 1 {
            anyhow::bail!("'{mime}' doesn't look like a mime type; use type/subtype");
        }
    }
    Ok(Display {
        pretty,
        format,
        theme: pretty
            .colors
            .then(|| Theme::new(args.style.map_or(StyleName::Auto, style_name))),
        inert: tty,
        stream: args.stream,
        response_charset,
        response_mime: args.response_mime.clone(),
        json_flag: args.json,
    })
}

fn pretty_arg(p: CliPretty) -> PrettyArg {
    match p {
        CliPretty::All => PrettyArg::All,
        CliPretty::Colors => PrettyArg::Colors,
        CliPretty::Format => PrettyArg::Format,
        CliPretty::None => PrettyArg::None,
    }
}

fn style_name(s: CliStyle) -> StyleName {
    match s {
        CliStyle::Auto => StyleName::Auto,
        CliStyle::Solarized => StyleName::Solarized,
        CliStyle::Monochrome => StyleName::Monochrome,
        CliStyle::Pie => StyleName::Pie,
        CliStyle::PieDark => StyleName::PieDark,
        CliStyle::PieLight => StyleName::PieLight,
        CliStyle::Monokai => StyleName::Monokai,
        CliStyle::Fruity => StyleName::Fruity,
        CliStyle::ParaisoDark => StyleName::ParaisoDark,
        CliStyle::ParaisoLight => StyleName::ParaisoLight,
        CliStyle::SolarizedDark => StyleName::SolarizedDark,
        CliStyle::SolarizedLight => StyleName::SolarizedLight,
    }
}
