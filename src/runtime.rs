//! The one tokio runtime of the process, created on first use (so a `fork()` before the first
//! query is harmless), and [`wait`]: how a driver call waits on a future. It works from any thread,
//! including a thread of the application's own tokio runtime, where `block_on` would panic.
//!
//! SQL work recurses once per level of a statement's nesting, and the application's thread may
//! have a stack of any size (1 MiB is common). So parsing, planning and the execution of deep
//! statements run on a driver thread with a stack of known size ([`on_large_stack`],
//! [`Stack::Large`]); `engine::complexity` keeps statements within what it holds. A thread that
//! cannot be started is an error (HY001), never a panic.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::Notify;

use crate::error::{state, Error, Result};

/// The stack of the threads [`on_large_stack`] runs work on. Only the pages a call touches are
/// ever backed by memory; the size bounds what the deepest statement within
/// `engine::complexity`'s limits needs (its plan dropped, its expressions evaluated) with a wide
/// margin.
pub const LARGE_STACK_BYTES: usize = 256 << 20;

/// Stack of the runtime's own threads, which poll parts of a query's execution too.
const WORKER_STACK_BYTES: usize = 64 << 20;

/// Where a driver call's work runs: on the caller's thread as it is, or on a large stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    Caller,
    Large,
}

/// Runs `work` on a driver thread whose stack is [`LARGE_STACK_BYTES`], and waits for it. A
/// panic in `work` continues on the caller's thread (where the export wrapper catches it).
pub fn on_large_stack<R: Send>(work: impl FnOnce() -> R + Send) -> Result<R> {
    on_thread(LARGE_STACK_BYTES, work)
}

fn on_thread<R: Send>(stack_bytes: usize, work: impl FnOnce() -> R + Send) -> Result<R> {
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("apiodbc-sql".into())
            .stack_size(stack_bytes)
            .spawn_scoped(scope, work)
            .map_err(|e| {
                Error::new(
                    state::MEMORY_ALLOCATION,
                    format!(
                        "Could not start a driver thread with a {} MiB stack ({e}); the process is short of memory or address space",
                        stack_bytes >> 20
                    ),
                )
            })?;
        thread
            .join()
            .map_err(|panic| std::panic::resume_unwind(panic))
    })
}

/// A value that may be nested deeply enough (a plan of a long `OR` chain) that dropping it must
/// happen on the large stack too, whichever thread lets go of it last.
pub struct DropOnStack<T: Send> {
    value: Option<T>,
    stack: Stack,
}

impl<T: Send> DropOnStack<T> {
    pub fn new(value: T, stack: Stack) -> DropOnStack<T> {
        DropOnStack {
            value: Some(value),
            stack,
        }
    }

    pub fn stack(&self) -> Stack {
        self.stack
    }
}

impl<T: Send> std::ops::Deref for DropOnStack<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // Only `drop` takes the value out.
        self.value.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<T: Send> std::ops::DerefMut for DropOnStack<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<T: Send> Drop for DropOnStack<T> {
    fn drop(&mut self) {
        if let (Some(value), Stack::Large) = (self.value.take(), self.stack) {
            // Without a thread (no memory left), the value is dropped here after all: better a
            // deep drop on this stack than none.
            let _ = on_large_stack(move || drop(value));
        }
    }
}

/// The process the runtime was started in: a child of `fork()` inherits the runtime but not its
/// worker threads.
static RUNTIME_PROCESS: OnceLock<u32> = OnceLock::new();

fn runtime() -> Result<&'static Runtime> {
    static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            RUNTIME_PROCESS.get_or_init(std::process::id);
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("apiodbc-worker")
                .thread_stack_size(WORKER_STACK_BYTES)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::general(format!("Could not start the driver's runtime: {e}")))
}

/// Whether the runtime's workers run in this process: false in a child of `fork()` after the
/// parent started them, where a spawned task would never run.
pub fn workers_here() -> bool {
    RUNTIME_PROCESS
        .get()
        .is_none_or(|pid| *pid == std::process::id())
}

/// The driver's runtime, for work that goes on between driver calls (reading a result ahead);
/// an error in a child of `fork()`, where its workers are missing.
pub fn handle() -> Result<tokio::runtime::Handle> {
    let runtime = runtime()?;
    if !workers_here() {
        return Err(Error::general(
            "The driver's runtime was started before this process was forked",
        ));
    }
    Ok(runtime.handle().clone())
}

/// Runs `future` to completion on the driver's runtime, polled on the given stack, and returns
/// its output.
pub fn wait_on<F>(stack: Stack, future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    match stack {
        Stack::Large => on_large_stack(|| rt.block_on(future)),
        // Inside someone's runtime: block a helper thread instead of the runtime's worker.
        Stack::Caller if tokio::runtime::Handle::try_current().is_ok() => {
            on_thread(2 << 20, || rt.block_on(future))
        }
        Stack::Caller => Ok(rt.block_on(future)),
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
    stack: Stack,
    future: F,
    cancel: &Arc<CancelSignal>,
    timeout: Option<Duration>,
) -> Result<T>
where
    F: Future<Output = Result<T>> + Send,
    T: Send,
{
    wait_cancellable(stack, future, cancel, timeout, |seconds| {
        format!(
            "The query timeout of {seconds} s expired; raise SQL_ATTR_QUERY_TIMEOUT or narrow the query"
        )
    })
}

/// Waits on `future` for at most `limit` (HYT00 after it, with the message `expired` gives for the
/// limit in seconds). The future is dropped when the limit passes, and with it whatever it was
/// waiting for (a request, a browser's redirect).
pub fn wait_limited<F, T>(
    future: F,
    limit: Option<Duration>,
    expired: impl FnOnce(u64) -> String + Send,
) -> Result<T>
where
    F: Future<Output = Result<T>> + Send,
    T: Send,
{
    wait_cancellable(Stack::Caller, future, &CancelSignal::new(), limit, expired)
}

fn wait_cancellable<F, T>(
    stack: Stack,
    future: F,
    cancel: &Arc<CancelSignal>,
    timeout: Option<Duration>,
    expired: impl FnOnce(u64) -> String + Send,
) -> Result<T>
where
    F: Future<Output = Result<T>> + Send,
    T: Send,
{
    let _watchdog = timeout.map(|limit| Watchdog::start(cancel.clone(), limit));
    wait_on(stack, async move {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(if cancel.timed_out() {
                Error::new(
                    state::TIMEOUT_EXPIRED,
                    expired(timeout.map(|t| t.as_secs()).unwrap_or(0)),
                )
            } else {
                Error::new(state::OPERATION_CANCELLED, "The statement was cancelled by SQLCancel")
            }),
            result = future => result,
        }
    })?
}
