//! The command line: clap definitions (`Cli`, `Command`, `*Args`) and the
//! dispatch to one file per command. This is the only place that prints,
//! chooses colour, resolves the index directory and maps outcomes to exit
//! codes (0 success / hits found, 1 no hits, 2 error).

mod export;
mod extract;
mod ingest;
mod search;
mod serve;
mod show;
mod similar;
mod stats;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code for "nothing found".
pub const EXIT_NO_HITS: u8 = 1;
/// Exit code for errors (and for an ingest that skipped something).
pub const EXIT_ERROR: u8 = 2;

/// newsidx: index a folder of saved news articles and search it.
#[derive(Debug, Parser)]
#[command(name = "newsidx", version, about, long_about = None)]
pub struct Cli {
    /// Index directory [default: $NEWSIDX_INDEX, else the platform data dir]
    #[arg(long, global = true, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Print machine-readable JSON
    #[arg(long, global = true)]
    pub json: bool,
    /// When to use colour (NO_COLOR is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The command to run
    #[command(subcommand)]
    pub command: Command,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index files and folders (incremental: unchanged files are skipped)
    Ingest(ingest::IngestArgs),
    /// Search the archive
    Search(search::SearchArgs),
    /// Show what ingest would store for these files, without indexing
    Extract(extract::ExtractArgs),
    /// Print one stored article
    Show(show::ShowArgs),
    /// Articles most like a stored one (copies excluded)
    Similar(similar::SimilarArgs),
    /// Counts, sources, top people, date span, index size
    Stats,
    /// Every stored article as NDJSON
    Export,
    /// Local web page and JSON API over the index (loopback by default)
    Serve(serve::ServeArgs),
}

/// Global settings every command sees.
pub struct Global {
    /// Resolved index directory.
    pub index: PathBuf,
    /// JSON output.
    pub json: bool,
    /// Colour on stdout.
    pub color: bool,
}

/// Run the CLI; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let global = Global {
        index: index_dir(cli.index)?,
        json: cli.json,
        color,
    };
    match cli.command {
        Command::Ingest(args) => ingest::run(&global, args),
        Command::Search(args) => search::run(&global, args),
        Command::Extract(args) => extract::run(&global, args),
        Command::Show(args) => show::run(&global, args),
        Command::Similar(args) => similar::run(&global, args),
        Command::Stats => stats::run(&global),
        Command::Export => export::run(&global),
        Command::Serve(args) => serve::run(&global, args),
    }
}

fn index_dir(flag: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os("NEWSIDX_INDEX").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    dirs::data_dir().map(|d| d.join("newsidx")).ok_or_else(|| {
        anyhow::anyhow!("no data directory on this platform: pass --index DIR or set NEWSIDX_INDEX")
    })
}

/// Write JSON to stdout with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = stdout_buffered();
    serde_json::to_writer_pretty(&mut out, value)?;
    use std::io::Write;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Write a result page as text to stdout.
pub fn print_results(results: &newsidx::search::SearchResults, color: bool) -> anyhow::Result<()> {
    let mut out = stdout_buffered();
    newsidx::render::results_text(&mut out, results, color)?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

/// Standard output behind one buffer, for a whole answer: Rust's stdout
/// writes at every newline, which was one `write` call per line of a
/// result page (61 for a plain `search`, hundreds for `--json`; now one).
/// End to end the difference is below this host's noise.
fn stdout_buffered() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}
