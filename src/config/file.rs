//! `<config dir>/config.json`, HTTPie's layout: `{"default_options": ["--style=monokai", ...]}`.
//! The list is put before the command line's arguments, so the command line wins. Other keys
//! (HTTPie's `__meta__`, `disable_update_warnings`, ...) are ignored. A file that cannot be
//! used is a one-line warning, and the run goes on without it (as HTTPie does for bad JSON).

use std::path::{Path, PathBuf};

/// The file's name in the config dir.
pub const FILE_NAME: &str = "config.json";

/// The most of the file read: a list of options is a few hundred bytes.
const LIMIT: u64 = 1024 * 1024;

/// What was found in the config dir.
#[derive(Debug, Default)]
pub struct Config {
    /// The file read, when there is one.
    pub path: Option<PathBuf>,
    /// Its `default_options`.
    pub defaults: Vec<String>,
    /// Why the file is not used (the run goes on without it).
    pub warning: Option<String>,
}

/// Reads `config.json` from `dir`. A missing file (or dir) is no config and no warning.
pub fn load(dir: Option<&Path>) -> Config {
    let Some(dir) = dir else {
        return Config::default();
    };
    let path = dir.join(FILE_NAME);
    // Never a FIFO: one planted there would block every run at start-up.
    match crate::files::not_a_pipe(&path).and_then(|()| crate::files::read_capped(&path, LIMIT)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
        Err(e) => Config {
            warning: Some(format!("cannot read config file {}: {e}", path.display())),
            path: Some(path),
            defaults: Vec::new(),
        },
        Ok(bytes) => match default_options(&bytes) {
            Ok(defaults) => Config {
                path: Some(path),
                defaults,
                warning: None,
            },
            Err(why) => Config {
                warning: Some(invalid(&path, &why)),
                path: Some(path),
                defaults: Vec::new(),
            },
        },
    }
}

/// The warning for a file whose content cannot be used.
pub fn invalid(path: &Path, why: &str) -> String {
    format!(
        "invalid config file {}: {why}; running without it",
        path.display()
    )
}

/// The `default_options` of a config file's bytes: a JSON object whose `default_options`, when
/// present, is a list of strings.
pub fn default_options(bytes: &[u8]) -> Result<Vec<String>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON ({e})"))?;
    let serde_json::Value::Object(map) = value else {
        return Err("not a JSON object".into());
    };
    let Some(list) = map.get("default_options") else {
        return Ok(Vec::new());
    };
    let serde_json::Value::Array(list) = list else {
        return Err("default_options must be a list of strings".into());
    };
    list.iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s.clone()),
            _ => Err("default_options must be a list of strings".to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_options_are_a_list_of_strings() {
        assert_eq!(
            default_options(br#"{"default_options": ["--style=monokai", "-v"]}"#).unwrap(),
            ["--style=monokai", "-v"]
        );
        assert_eq!(
            default_options(br#"{"__meta__": {}, "disable_update_warnings": true}"#).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            default_options(br#"{"default_options": []}"#).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn anything_else_is_refused_in_one_line() {
        for bad in [
            &b"{"[..],
            b"[]",
            b"\"--follow\"",
            br#"{"default_options": "--follow"}"#,
            br#"{"default_options": [1]}"#,
            br#"{"default_options": [["-v"]]}"#,
            b"\xff\xfe",
        ] {
            let why = default_options(bad).unwrap_err();
            assert!(!why.contains('\n'), "{why}");
        }
    }

    #[test]
    fn a_missing_file_is_no_config_and_a_big_one_a_warning() {
        let dir = std::env::temp_dir().join(format!("courier-config-{}", std::process::id()));
        let none = load(Some(&dir));
        assert!(none.path.is_none() && none.warning.is_none() && none.defaults.is_empty());
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(FILE_NAME);
        std::fs::write(&file, vec![b' '; (LIMIT + 1) as usize]).unwrap();
        let big = load(Some(&dir));
        assert!(big.warning.unwrap().contains("larger than"));
        std::fs::write(&file, br#"{"default_options": ["-F"]}"#).unwrap();
        let ok = load(Some(&dir));
        assert_eq!(ok.defaults, ["-F"]);
        assert_eq!(ok.path.as_deref(), Some(file.as_path()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
