//! The one tokio runtime of the process, created on first use (so a `fork()` before the first
//! query is harmless), and [`wait`]: how a driver call waits on a future. It works from any thread,
//! including a thread of the application's own tokio runtime, where `block_on` would panic.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::Notify;

use crate::error::{state, Error, Result};

fn runtime() -> Result<&'static Runtime> {
    static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("apiodbc-worker")
                .thread_stack_size(8 * 1024 * 1024)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            Error::general(format!(
                "[apiodbc] Could not start the driver's runtime: {e}"
            ))
        })
}

/// Runs `future` to completion on the driver's runtime and returns its output.
pub fn wait<F>(future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        // Inside someone's runtime: block a helper thread instead of the runtime's worker.
        std::thread::scope(|scope| {
            scope
                .spawn(|| rt.block_on(future))
                .join()
                .map_err(|_| Error::general("[apiodbc] Internal error: a driver task panicked"))
        })
    } else {
        Ok(rt.block_on(future))
    }
}

/// A cancellation request for one statement: SQLCancel sets it from any thread, and the statement's
/// running work watches it.
#[derive(Default, Debug)]
pub struct CancelSignal {
    cancelled: AtomicBool,
    timed_out: AtomicBool,
    notify: Notify,
}

impl CancelSignal {
    pub fn new() -> Arc<CancelSignal> {
        Arc::new(CancelSignal::default())
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn reset(&self) {
        self.cancelled.store(false, Ordering::SeqCst);
        self.timed_out.store(false, Ordering::SeqCst);
    }

    /// The query timeout expired: cancel, and remember why.
    pub fn time_out(&self) {
        self.timed_out.store(true, Ordering::SeqCst);
        self.cancel();
    }

    pub fn timed_out(&self) -> bool {
        self.timed_out.load(Ordering::SeqCst)
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    async fn cancelled(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Times an operation out from a plain thread: tokio's timers only advance when a runtime worker
/// is idle, and a CPU-heavy query keeps both workers busy, so a tokio timeout would never fire.
struct Watchdog {
    done: Arc<(Mutex<bool>, Condvar)>,
}

impl Watchdog {
    fn start(signal: Arc<CancelSignal>, limit: Duration) -> Watchdog {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let watched = done.clone();
        let spawned = std::thread::Builder::new()
            .name("apiodbc-timeout".into())
            .spawn(move || {
                let (lock, condvar) = &*watched;
                let guard = lock.lock().unwrap_or_else(|p| p.into_inner());
                let (finished, _) = condvar
                    .wait_timeout_while(guard, limit, |finished| !*finished)
                    .unwrap_or_else(|p| p.into_inner());
                if !*finished {
                    signal.time_out();
                }
            });
        if spawned.is_err() {
            tracing::warn!("could not start the query-timeout thread; the timeout will not fire");
        }
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, condvar) = &*self.done;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        condvar.notify_all();
    }
}

/// Waits on `future` unless the statement is cancelled (HY008) or `timeout` passes (HYT00).
pub fn wait_statement<F, T>(
    future: F,
    cancel: &Arc<CancelSignal>,
    timeout: Option<Duration>,
) -> Result<T>
where
    F: Future<Output = Result<T>> + Send,
    T: Send,
{
    let _watchdog = timeout.map(|limit| Watchdog::start(cancel.clone(), limit));
    wait(async move {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(if cancel.timed_out() {
                Error::new(
                    state::TIMEOUT_EXPIRED,
                    format!(
                        "[apiodbc] The query timeout of {} s expired; raise SQL_ATTR_QUERY_TIMEOUT or narrow the query",
                        timeout.map(|t| t.as_secs()).unwrap_or(0)
                    ),
                )
            } else {
                Error::new(state::OPERATION_CANCELLED, "[apiodbc] The statement was cancelled by SQLCancel")
            }),
            result = future => result,
        }
    })?
}
