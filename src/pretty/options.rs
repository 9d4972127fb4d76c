//! `--pretty`, `--style`, `--format-options` and friends, resolved into one plain struct.

use anyhow::{bail, Result};

/// What prettifying does: `format` re-indents and sorts, `colors` highlights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pretty {
    pub format: bool,
    pub colors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrettyArg {
    All,
    Colors,
    Format,
    None,
}

/// `--format-options` keys, with HTTPie's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    pub headers_sort: bool,
    pub json_format: bool,
    pub json_indent: usize,
    pub json_sort_keys: bool,
    pub xml_format: bool,
    pub xml_indent: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            headers_sort: true,
            json_format: true,
            json_indent: 4,
            json_sort_keys: true,
            xml_format: true,
            xml_indent: 2,
        }
    }
}

impl FormatOptions {
    /// Applies one `--format-options` value: `key:value[,key:value...]`. Unlike HTTPie (which
    /// dies with a traceback), a bad key or value is a one-line error naming it.
    pub fn apply(&mut self, spec: &str) -> Result<()> {
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((key, value)) = pair.split_once(':') else {
                bail!("invalid --format-options item '{pair}': expected key:value");
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim().to_ascii_lowercase();
            let flag = || match value.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => bail!("invalid value '{value}' in '{pair}' (expected true or false)"),
            };
            let number = || {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= 64)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "invalid value '{value}' in '{pair}' (expected a number from 0 to 64)"
                        )
                    })
            };
            match key.as_str() {
                "headers.sort" => self.headers_sort = flag()?,
                "json.format" => self.json_format = flag()?,
                "json.indent" => self.json_indent = number()?,
                "json.sort_keys" => self.json_sort_keys = flag()?,
                "xml.format" => self.xml_format = flag()?,
                "xml.indent" => self.xml_indent = number()?,
                _ => bail!(
                    "invalid key '{key}' in --format-options (known: headers.sort, json.format, \
                     json.indent, json.sort_keys, xml.format, xml.indent)"
                ),
            }
        }
        Ok(())
    }

    /// `--sorted` (true) / `--unsorted` (false).
    pub fn set_sorted(&mut self, sorted: bool) {
        self.headers_sort = sorted;
        self.json_sort_keys = sorted;
    }
}

/// Colors on a terminal when `--pretty` does not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultColors {
    On,
    /// `TERM=dumb`, a guess about the terminal: off, unless `--style` asks for colors.
    IfStyled,
    /// `NO_COLOR`, the user's wish: off, whatever the style; only `--pretty` turns them on.
    Off,
}

/// The colors a terminal gets when nothing on the command line turns them on or off.
pub fn colors_by_default(no_color: bool, term: Option<&str>) -> DefaultColors {
    if no_color {
        DefaultColors::Off
    } else if term == Some("dumb") {
        DefaultColors::IfStyled
    } else {
        DefaultColors::On
    }
}

/// The effective `--pretty`: explicit, else `all` on a terminal (colors as `colors` says, an
/// explicit `--style` counting against `TERM=dumb` but not against `NO_COLOR`) and `none` when
/// redirected.
pub fn resolve_pretty(
    explicit: Option<PrettyArg>,
    style_given: bool,
    stdout_tty: bool,
    colors: DefaultColors,
) -> Pretty {
    match explicit {
        Some(PrettyArg::All) => Pretty {
            format: true,
            colors: true,
        },
        Some(PrettyArg::Colors) => Pretty {
            format: false,
            colors: true,
        },
        Some(PrettyArg::Format) => Pretty {
            format: true,
            colors: false,
        },
        Some(PrettyArg::None) => Pretty::default(),
        None if stdout_tty => Pretty {
            format: true,
            colors: match colors {
                DefaultColors::On => true,
                DefaultColors::IfStyled => style_given,
                DefaultColors::Off => false,
            },
        },
        None => Pretty::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_options_parse_and_validate() {
        let mut o = FormatOptions::default();
        o.apply("json.indent:2,JSON.SORT_KEYS:False").unwrap();
        assert_eq!(o.json_indent, 2);
        assert!(!o.json_sort_keys);
        assert!(o
            .apply("json.indent:x")
            .unwrap_err()
            .to_string()
            .contains("'x'"));
        assert!(o
            .apply("foo.bar:1")
            .unwrap_err()
            .to_string()
            .contains("foo.bar"));
        assert!(o.apply("json.indent").is_err());
        o.set_sorted(true);
        assert!(o.headers_sort && o.json_sort_keys);
    }

    #[test]
    fn pretty_defaults() {
        use DefaultColors::{IfStyled, Off, On};
        let tty = resolve_pretty(None, false, true, On);
        assert!(tty.format && tty.colors);
        let no_color = resolve_pretty(None, false, true, Off);
        assert!(no_color.format && !no_color.colors);
        assert!(!resolve_pretty(None, true, true, Off).colors);
        assert!(resolve_pretty(None, true, true, IfStyled).colors);
        assert!(!resolve_pretty(None, false, true, IfStyled).colors);
        assert_eq!(resolve_pretty(None, true, false, On), Pretty::default());
        for colors in [On, IfStyled, Off] {
            assert!(resolve_pretty(Some(PrettyArg::All), false, false, colors).colors);
            assert!(resolve_pretty(Some(PrettyArg::Colors), true, true, colors).colors);
        }
        assert_eq!(colors_by_default(false, Some("dumb")), IfStyled);
        assert_eq!(colors_by_default(true, Some("xterm")), Off);
        assert_eq!(colors_by_default(true, Some("dumb")), Off);
        assert_eq!(colors_by_default(false, None), On);
    }
}
