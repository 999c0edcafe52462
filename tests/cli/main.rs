//! CLI tests: the real `newsidx` binary on temporary directories. One test
//! binary (so it links once) with a module per area.

mod bad_input;
mod commands;
mod common;
mod incremental;
mod search;
mod shared;
