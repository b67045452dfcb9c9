//! Ctrl-C, SIGTERM and SIGHUP (an SSH link dropping) all mean "save and stop".

use std::future::Future;

/// Resolves when the process is asked to stop. The handlers are in place when this returns,
/// not when the future is first polled: a signal that comes while the caller is still busy
/// (the workbench asking the terminal about graphics, with its screen already taken) waits
/// for it instead of ending the process with the terminal left raw.
pub fn stop_requested() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (Ok(mut term), Ok(mut hup), Ok(mut int)) = handlers else {
                // Without handlers the default actions apply; wait for Ctrl-C the portable way.
                let _ = tokio::signal::ctrl_c().await;
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
