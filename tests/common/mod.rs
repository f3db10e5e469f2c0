//! Helpers shared by the integration tests: fixture sites copied into temporary folders,
//! edited, and run through the real binary.
#![allow(dead_code)]

pub mod server;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use walkdir::WalkDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

/// The repository root (where the bundled example lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A copy of a site in a temporary folder, to edit freely.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> Site {
        Site::copy_of(&fixture(name))
    }

    /// A copy of the bundled example (config.toml, ledger.jsonl and content/ at the repository
    /// root).
    pub fn example() -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::copy(repo().join("config.toml"), site.root().join("config.toml")).unwrap();
        fs::copy(
            repo().join("ledger.jsonl"),
            site.root().join("ledger.jsonl"),
        )
        .unwrap();
        copy_dir(&repo().join("content"), &site.root().join("content"));
        site
    }

    pub fn copy_of(src: &Path) -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(src, site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// Replaces the one occurrence of `from` in a file.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} should occur once in {rel}"
        );
        self.write(rel, text.replacen(from, to, 1));
    }

    pub fn remove(&self, rel: &str) {
        let p = self.path(rel);
        if p.is_dir() {
            fs::remove_dir_all(p).unwrap()
        } else {
            fs::remove_file(p).unwrap()
        }
    }

    /// `gongkai <args> --root <this site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1");
        cmd.output().unwrap()
    }

    /// `gongkai check --format json`, parsed.
    pub fn check_json(&self, as_of: &str) -> (i32, serde_json::Value) {
        let out = self.run(&["check", "--format", "json", "--as-of", as_of]);
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                stderr(&out)
            )
        });
        (out.status.code().unwrap(), json)
    }

    /// The diagnostics of a check, as (rule, file, line, field).
    pub fn findings(&self, as_of: &str) -> Vec<Finding> {
        let (_, json) = self.check_json(as_of);
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(Finding::from_json)
            .collect()
    }

    pub fn build(&self, as_of: &str, extra: &[&str]) -> Output {
        let mut args = vec!["build", "--as-of", as_of];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub file: String,
    pub line: Option<u64>,
    pub field: Option<String>,
    pub message: String,
}

impl Finding {
    fn from_json(v: &serde_json::Value) -> Finding {
        Finding {
            rule: v["rule"].as_str().unwrap().to_string(),
            severity: v["severity"].as_str().unwrap().to_string(),
            file: v["file"].as_str().unwrap().to_string(),
            line: v["line"].as_u64(),
            field: v["field"].as_str().map(str::to_string),
            message: v["message"].as_str().unwrap().to_string(),
        }
    }
}

/// The one finding of `rule`, failing with all findings shown otherwise.
pub fn only<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    let of_rule: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(
        of_rule.len(),
        1,
        "expected one {rule} finding, got: {findings:#?}"
    );
    of_rule[0]
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for e in WalkDir::new(src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(src).unwrap();
        let target = dst.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Serves a folder on 127.0.0.1 (a thread per server, ended with the test).
pub fn serve_folder(root: &Path) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = server.server_addr().to_ip().unwrap();
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = request.url().trim_start_matches("/zl/dzsw/").to_string();
            let file = root.join(&path);
            let response = match std::fs::read(&file) {
                Ok(bytes) if !path.contains("..") => tiny_http::Response::from_data(bytes),
                _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    format!("http://{addr}/zl/dzsw")
}
