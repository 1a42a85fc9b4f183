//! Stdout and stderr that never fail a run because the reader went away.
//!
//! `cloudpki ... | head -1` closes stdout early: the next write gets `EPIPE` (Rust ignores
//! `SIGPIPE`). [`Stdout`] turns that into a quiet stop: the write is dropped, every later one
//! too, and [`stdout_closed`] says so, so listings stop paging. Nothing is printed about it and
//! the exit status stays what the work decides (0 for a listing). [`note!`] writes a line to
//! stderr and ignores a closed stderr (`eprintln!` would panic).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether stdout's reader has gone (a write got `EPIPE`).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// The process's stdout, where a closed pipe ends the output quietly.
#[derive(Debug)]
pub struct Stdout {
    inner: io::Stdout,
}

impl Stdout {
    /// Stdout.
    pub fn new() -> Self {
        Stdout { inner: io::stdout() }
    }

    fn quiet<T>(result: io::Result<T>, closed: T) -> io::Result<T> {
        match result {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
                Ok(closed)
            }
            other => other,
        }
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Stdout::new()
    }
}

impl Write for Stdout {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if stdout_closed() {
            return Ok(bytes.len());
        }
        Stdout::quiet(self.inner.write(bytes), bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if stdout_closed() {
            return Ok(());
        }
        Stdout::quiet(self.inner.flush(), ())
    }
}

/// Writes `text` and a line feed to stderr; a closed stderr is ignored.
pub fn stderr_line(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes()).and_then(|()| stderr.write_all(b"\n"));
}

/// `eprintln!` that never panics: a line on stderr, dropped if stderr is closed. Text the service
/// controls must go through [`crate::output::safe()`] first.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::stream::stderr_line(&format!($($arg)*))
    };
}

pub(crate) use note;

/// Writes `bytes` to stdout and flushes; a closed pipe is a quiet stop.
///
/// # Errors
///
/// Writing failed for another reason.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = Stdout::new();
    out.write_all(bytes)?;
    out.flush()
}
