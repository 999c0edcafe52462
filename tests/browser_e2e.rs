//! The browser end-to-end test of `newsidx serve` (scripts/e2e), run as part
//! of `cargo test` so the README's one test command covers it. It needs
//! Debian's `chromium` and `npm ci` in scripts/e2e (`.ci/run` installs both);
//! without them it skips with a printed reason.

use std::path::Path;
use std::process::Command;

#[test]
fn serve_page_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        eprintln!("skipping: {chromium} not installed (apt-get install -y chromium)");
        return;
    }
    if !root
        .join("scripts/e2e/node_modules/playwright-core")
        .exists()
    {
        eprintln!("skipping: playwright-core missing (cd scripts/e2e && npm ci)");
        return;
    }
    let shots = tempfile::tempdir().expect("tempdir");
    let out = Command::new("bash")
        .arg(root.join("scripts/e2e/run.sh"))
        .env("NEWSIDX_BIN", env!("CARGO_BIN_EXE_newsidx"))
        .env("SCREENSHOTS", shots.path())
        .output()
        .expect("run scripts/e2e/run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "e2e failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
