//! The `newsidx` binary: parse the command line, run it, map the outcome to
//! an exit code (0 success, 1 no hits, 2 error). Everything else lives in
//! `cli/` and the library.

mod alloc;
mod cli;

#[global_allocator]
static ALLOCATOR: alloc::Switch = alloc::Switch;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tune_malloc();
    let args = cli::Cli::parse();
    if matches!(args.command, cli::Command::Ingest(_)) {
        alloc::use_mimalloc();
    }
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`newsidx export | head`) is not an error worth a message.
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

/// The reader of our output went away (`newsidx search ... | head`): not
/// an error, as in ripgrep and fd. JSON output reports it inside a
/// `serde_json::Error`.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(BrokenPipe)
    })
}

/// Keep glibc's malloc from holding freed memory. It serves every command
/// but ingest (which switches to mimalloc, see `alloc.rs`); these settings
/// were measured when ingest still ran on it, where article text is
/// allocated on the rayon workers and freed on tantivy's indexing threads,
/// and each flushed segment frees a writer budget's worth of arena pages.
/// They keep a long-running `serve` in check the same way:
/// - arenas are capped at one per core (glibc's default is eight per core,
///   each keeping its own free fragments resident: the 1 GB ingest's heap
///   crept from 300 to 450 MB);
/// - blocks of 256 KB and more are always mapped and unmapped on their own
///   (glibc otherwise raises this threshold as big blocks are freed, after
///   which they stay in the heap): peak RSS 379 -> 340 to 348 MB.
///
/// Both at the same CPU cost (docs/BENCHMARKS.md). Must run before any
/// thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    const MMAP_THRESHOLD: libc::c_int = 256 * 1024;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets allocator tunables; it is called before any
    // other thread exists, and a refused value (return 0) just leaves
    // glibc's default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Other allocators manage their memory themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
