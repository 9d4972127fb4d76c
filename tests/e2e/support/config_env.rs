//! One user's disk across the runs of a test: a config dir (sessions, config.json) and room for
//! path sessions and fixture files, for tests whose runs share state.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{http, s, Cmd, Run};

pub struct ConfigEnv {
    dir: TempDir,
}

impl ConfigEnv {
    pub fn new() -> ConfigEnv {
        let env = ConfigEnv {
            dir: TempDir::new().expect("temp dir"),
        };
        fs::create_dir_all(env.config()).unwrap();
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn config(&self) -> PathBuf {
        self.root().join("config")
    }

    /// `http` using this config dir.
    pub fn http(&self) -> Cmd {
        let mut cmd = http();
        cmd.env("COURIER_CONFIG_DIR", self.config());
        cmd
    }

    /// Run `http ARGS...` with this config dir.
    pub fn run(&self, args: &[&str]) -> Run {
        self.http().args(args).run()
    }

    /// `<config>/sessions/<host with : as _>/<name>.json`.
    pub fn named(&self, host_port: &str, name: &str) -> PathBuf {
        self.config()
            .join("sessions")
            .join(host_port.replace(':', "_"))
            .join(format!("{name}.json"))
    }

    /// A path (for path sessions and fixture files) inside this test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.root().join(name)
    }

    /// Write a file (creating its folders).
    pub fn write(&self, path: &Path, content: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    /// A path session `name` inside this test's directory, and its `--session=PATH` option.
    pub fn path_session(&self, name: &str) -> (PathBuf, String) {
        let path = self.path(name);
        let arg = format!("--session={}", s(&path));
        (path, arg)
    }
}
