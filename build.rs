//! Build script: link the `newsidx` binary as a position-dependent
//! executable on Linux with glibc. Nothing else: no code is generated.
//!
//! Why: a Rust executable is position-independent by default, so at every
//! start the dynamic loader applies ~49,000 relocations to it and faults in
//! the ~1 MB of pointer tables they rewrite. A `newsidx search` is a process
//! of a few milliseconds, and that start-up was 1.45 ms and 380 page faults
//! of it; linked at a fixed address it is 0.98 ms and 127 faults
//! (`perf stat newsidx --version`). The cost: the executable's own code
//! loses address randomization (libraries, heap and stack keep theirs),
//! a hardening step that matters less for a local archive tool; a
//! packager who wants PIE back deletes this file.
//! The code is still compiled position-independent, so only the link
//! changes, and only for binaries (tests and examples are untouched).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
