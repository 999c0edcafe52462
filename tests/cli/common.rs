//! Helpers: run the binary against a temp index, parse its JSON.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Output of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A temp workspace: an index dir and a corpus dir.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn corpus(&self) -> PathBuf {
        let p = self.dir.path().join("corpus");
        std::fs::create_dir_all(&p).expect("mkdir corpus");
        p
    }

    /// Write a file under the corpus dir (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.corpus().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Run `newsidx --index <index> ARGS...`.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.index(), args)
    }
}

pub fn run_in(index: &Path, args: &[&str]) -> Run {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .arg("--index")
        .arg(index)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run newsidx");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The repository's sample corpus.
pub fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus")
}

/// `../shared`, or `None` with a printed reason (tests then skip).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping: {} is absent (needs ../shared beside the repo)",
            p.display()
        );
        None
    }
}

/// A plain-text article.
pub fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}
