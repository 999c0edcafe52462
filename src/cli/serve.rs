//! `newsidx serve`: open the index once, bind the address, say where to
//! open the page, and serve until Ctrl-C or SIGTERM. The server itself
//! (routes, limits, the page) is the library's `server` module; this file only
//! turns flags into a running runtime and prints.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use newsidx::search::SearchEngine;

use super::Global;

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. The server has no authentication: read
    /// docs/SERVE.md before binding anything but loopback
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
    pub addr: SocketAddr,
}

pub fn run(g: &Global, args: ServeArgs) -> anyhow::Result<u8> {
    let engine = SearchEngine::open(&g.index)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        eprintln!("newsidx: serving {} at http://{local}/", g.index.display());
        if !local.ip().is_loopback() {
            eprintln!(
                "newsidx: warning: {} is reachable from other machines and the server has no \
                 authentication: anyone who can connect reads the whole archive",
                local.ip()
            );
        }
        eprintln!("newsidx: press Ctrl-C to stop");
        newsidx::server::serve_on(listener, Arc::new(engine), stop_signal()).await?;
        eprintln!("newsidx: stopped");
        Ok(0)
    })
}

/// Ctrl-C, or SIGTERM from a service manager or a test script.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
