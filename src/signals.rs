//! Ctrl-C, SIGTERM and SIGHUP (an SSH link dropping) all mean "save and stop". A write past
//! the file-size limit (`ulimit -f`) fails like one on a full disk, instead of killing i2v.

/// Catches SIGXFSZ, whose default action kills the process (exit 153) in the middle of a
/// write, leaving a `.part` behind and a record unsaved. Caught, the write fails with EFBIG
/// and is handled as a full disk is: reported, the job kept. Call once, at start.
pub fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        let caught = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Err(err) = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, caught) {
            // Only the default action then: a file-size limit kills i2v as it would any program.
            eprintln!("i2v: warning: could not catch SIGXFSZ: {err}");
        }
    }
}

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
