//! Build script. In: `data/people/*.txt`. Out: the people lexicon's table
//! in `OUT_DIR` (three `.bin` files and one `.rs` list, read by
//! `src/extract/people/lexicon.rs`), and a link argument. Does not
//! generate any other code.
//!
//! The lexicon: 42,000 words in one open-addressing table
//! (`src/extract/people/lexicon_table.rs`, shared with the crate so that
//! writer and reader agree on the layout). Built at run time it cost every
//! process that extracts people about 5 ms of CPU and 3 MB of fresh pages
//! (ingest ran it on a thread of its own at start-up); built here, the
//! binary holds it as read-only data that the kernel maps on first touch.
//!
//! The link: the `newsidx` binary is linked as a position-dependent
//! executable on Linux with glibc. A Rust executable is
//! position-independent by default, so at every start the dynamic loader
//! applies ~49,000 relocations to it and faults in the ~1 MB of pointer
//! tables they rewrite. A `newsidx search` is a process of a few
//! milliseconds, and that start-up was 1.45 ms and 380 page faults of it;
//! linked at a fixed address it is 0.98 ms and 127 faults (`perf stat
//! newsidx --version`). The cost: the executable's own code loses address
//! randomization (libraries, heap and stack keep theirs), a hardening step
//! that matters less for a local archive tool; a packager who wants PIE
//! back deletes the `rustc-link-arg-bins` line. The code is still compiled
//! position-independent, so only the link changes, and only for binaries
//! (tests and examples are untouched).

use std::path::{Path, PathBuf};

#[path = "src/extract/people/lexicon_table.rs"]
mod lexicon_table;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/extract/people/lexicon_table.rs");
    write_lexicon();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Build the lexicon from the lists and write its parts to `OUT_DIR`.
fn write_lexicon() {
    let root = PathBuf::from(var("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(var("OUT_DIR"));
    let texts: Vec<(String, u8)> = lexicon_table::LISTS
        .iter()
        .map(|&(file, bit)| {
            let path = root.join("data/people").join(file);
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            (text, bit)
        })
        .collect();
    let lists: Vec<(&str, u8)> = texts.iter().map(|(t, b)| (t.as_str(), *b)).collect();
    let built = lexicon_table::build(&lists);
    write(&out.join("lexicon-slots.bin"), &built.slots);
    write(&out.join("lexicon-tags.bin"), &built.tags);
    write(&out.join("lexicon-titles.bin"), &built.title_keys);
    // The few long words as a Rust slice expression, sorted for a binary
    // search; `{:?}` writes each word as an escaped string literal.
    let mut long = String::from("&[\n");
    for (word, bits) in &built.long {
        long.push_str(&format!("    ({word:?}, {bits}),\n"));
    }
    long.push(']');
    write(&out.join("lexicon-long.rs"), long.as_bytes());
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}
