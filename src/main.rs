//! The `newsidx` binary: parse the command line, run it, map the outcome to
//! an exit code (0 success, 1 no hits, 2 error). Everything else lives in
//! `cli/` and the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cap_malloc_arenas();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`newsidx export | head`) is not an error worth a message.
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

/// Cap glibc's malloc arenas at one per core (glibc's default is eight per
/// core). Ingest allocates article text on the rayon workers and tantivy's
/// indexing threads free it; with many arenas each keeps its own free
/// fragments resident, and peak RSS on a 1 GB corpus crept from about 300 MB
/// to 450 MB over the run. With the cap it peaks at about 360 MB, at the same
/// CPU cost (docs/BENCHMARKS.md). Must run before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn cap_malloc_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only sets an allocator tunable; it is called once,
    // before any other thread exists, and a refused value (return 0) just
    // leaves glibc's default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

/// Other allocators manage their arenas themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn cap_malloc_arenas() {}
