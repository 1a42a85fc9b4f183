//! The revocation journal (`--journal FILE`): a run stopped midway and started again with the
//! same journal revokes each certificate once and skips none.
//!
//! One line per event, appended:
//!
//! ```text
//! ca <CA_ID>                     the first line: the CA the journal belongs to
//! begin <id>                     written, flushed and fsynced BEFORE the revocation is sent
//! done <id> revoked|confirmed    after the service answered (or a state check showed it revoked)
//! failed <id> <reason>           after it failed for good
//! ```
//!
//! On a new run, `done` ids are skipped; ids with a `begin` and no `done` (the run stopped
//! while their revocation was in flight, or it failed) are revoked only after reading their
//! state, so a revocation that went through is not sent again. Ids are percent-escaped where
//! they hold `%`, a space, a control character or anything outside ASCII. A torn last line (the process was killed while writing it) is
//! ignored. Writes go through one thread that batches them: each fsync covers every `begin`
//! waiting at that moment, so a journal costs little even at high concurrency. The file is
//! locked while a run uses it, and its directory is fsynced when the file is created (so the
//! file itself survives a crash).
//!
//! Apart from the journal, a run that changes a CA holds [`CaLock`]: an advisory lock file per
//! service and CA, so two runs on one CA are refused even with different journals (or none).
//!
//! This module is the file format and the locks only; what a run does with them is in
//! `commands::bulk`.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use tokio::sync::oneshot;

/// How a journal says a revocation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// The service answered the revocation.
    Revoked,
    /// The certificate was found revoked after an ambiguous failure (or a stopped run).
    Confirmed,
}

impl Done {
    fn as_str(self) -> &'static str {
        match self {
            Done::Revoked => "revoked",
            Done::Confirmed => "confirmed",
        }
    }
}

/// What an existing journal says.
#[derive(Debug, Default)]
pub struct State {
    /// The CA of its `ca` line.
    pub ca: Option<String>,
    /// Ids whose revocation is done.
    pub done: HashMap<String, Done>,
    /// Ids with a `begin` and no `done`: their outcome is not known, read their state first.
    pub in_doubt: HashSet<String>,
    /// The last failure of ids among `in_doubt`.
    pub failed: HashMap<String, String>,
}

impl State {
    /// Reads a journal's text. Lines that do not parse (a torn last line) are ignored.
    pub fn parse(text: &str) -> State {
        let mut state = State::default();
        for line in text.lines() {
            let mut parts = line.splitn(3, ' ');
            let (Some(event), Some(id)) = (parts.next(), parts.next().and_then(unescape)) else { continue };
            let rest = parts.next();
            match event {
                "ca" => state.ca = Some(id),
                "begin" if !state.done.contains_key(&id) => {
                    state.in_doubt.insert(id);
                }
                "done" => {
                    let done = match rest {
                        Some("revoked") => Done::Revoked,
                        Some("confirmed") => Done::Confirmed,
                        _ => continue,
                    };
                    state.in_doubt.remove(&id);
                    state.failed.remove(&id);
                    state.done.insert(id, done);
                }
                "failed" if !state.done.contains_key(&id) => {
                    state.failed.insert(id, rest.unwrap_or("").to_owned());
                }
                _ => {}
            }
        }
        state
    }
}

enum Message {
    Line { text: String, sync: bool, ack: Option<oneshot::Sender<io::Result<()>>> },
}

/// An open journal, appended to by a writer thread.
pub struct Journal {
    path: PathBuf,
    sender: Option<mpsc::Sender<Message>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Reads the journal at `path` without changing it (for a dry run); a missing file is empty.
///
/// # Errors
///
/// It exists and cannot be read.
pub fn read(path: &Path) -> Result<State, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(State::parse(&String::from_utf8_lossy(&bytes))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(State::default()),
        Err(error) => Err(format!("cannot read the journal {}: {error}", path.display())),
    }
}

/// Checks, without changing anything, that the journal at `path` can be written: an existing
/// file is opened for appending; otherwise it is created and removed again.
///
/// # Errors
///
/// It cannot be opened for writing, or created.
pub fn check_writable(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let cannot = |e: io::Error| format!("cannot write the journal {shown}: {e}");
    match OpenOptions::new().append(true).open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            OpenOptions::new().append(true).create_new(true).open(path).map_err(cannot)?;
            std::fs::remove_file(path).map_err(cannot)
        }
        Err(error) => Err(cannot(error)),
    }
}

/// Opens the journal at `path` for appending and reading, creating it (and then syncing its
/// directory) when it does not exist.
fn open_or_create(path: &Path) -> io::Result<File> {
    match OpenOptions::new().read(true).append(true).create_new(true).open(path) {
        Ok(file) => {
            sync_directory_of(path)?;
            Ok(file)
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            OpenOptions::new().read(true).append(true).open(path)
        }
        Err(error) => Err(error),
    }
}

/// Syncs the directory holding `path`, so a file just created there is durable.
fn sync_directory_of(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(parent)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

impl Journal {
    /// Opens (or creates) the journal at `path` for `ca`, locks it, and reads what it says.
    ///
    /// # Errors
    ///
    /// It cannot be opened, another run holds it, or it belongs to another CA.
    pub fn open(path: &Path, ca: &str) -> Result<(Journal, State), String> {
        let shown = path.display();
        let mut file = open_or_create(path).map_err(|e| format!("cannot open the journal {shown}: {e}"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!("the journal {shown} is in use by another run"));
            }
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(format!("cannot lock the journal {shown}: {error}"));
            }
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| format!("cannot read the journal {shown}: {e}"))?;
        let state = State::parse(&String::from_utf8_lossy(&bytes));
        if let Some(other) = &state.ca
            && other != ca
        {
            return Err(format!("the journal {shown} belongs to CA {other}, not {ca}"));
        }
        let mut head = String::new();
        // A torn last line must not glue itself to the next one.
        if bytes.last().is_some_and(|b| *b != b'\n') {
            head.push('\n');
        }
        if state.ca.is_none() {
            head.push_str(&format!("ca {}\n", escape(ca)));
        }
        file.seek(SeekFrom::End(0)).map_err(|e| format!("cannot write the journal {shown}: {e}"))?;
        if !head.is_empty() {
            file.write_all(head.as_bytes())
                .and_then(|()| file.sync_data())
                .map_err(|e| format!("cannot write the journal {shown}: {e}"))?;
        }
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("journal".to_owned())
            .spawn(move || writer(file, receiver))
            .map_err(|e| format!("cannot start the journal writer: {e}"))?;
        Ok((Journal { path: path.to_owned(), sender: Some(sender), thread: Some(thread) }, state))
    }

    fn send(&self, text: String, sync: bool) -> Option<oneshot::Receiver<io::Result<()>>> {
        let (ack, receiver) = if sync {
            let (sender, receiver) = oneshot::channel();
            (Some(sender), Some(receiver))
        } else {
            (None, None)
        };
        let sent = self.sender.as_ref().map(|s| s.send(Message::Line { text, sync, ack }).is_ok()).unwrap_or(false);
        if sent { receiver } else { None }
    }

    /// Records that the revocation of `id` is about to be sent; returns once that is on disk.
    ///
    /// # Errors
    ///
    /// The journal cannot be written: the revocation must not be sent.
    pub async fn begin(&self, id: &str) -> io::Result<()> {
        let receiver = self.send(format!("begin {}\n", escape(id)), true);
        match receiver {
            Some(receiver) => receiver.await.unwrap_or_else(|_| Err(io::Error::other("the journal writer stopped"))),
            None => Err(io::Error::other("the journal writer stopped")),
        }
    }

    /// Records that `id` is revoked (written at the next sync).
    pub fn done(&self, id: &str, done: Done) {
        let _ = self.send(format!("done {} {}\n", escape(id), done.as_str()), false);
    }

    /// Records that the revocation of `id` failed.
    pub fn failed(&self, id: &str, reason: &str) {
        let reason: String = reason.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let _ = self.send(format!("failed {} {reason}\n", escape(id)), false);
    }

    /// Writes and syncs everything, and closes the file.
    ///
    /// # Errors
    ///
    /// The journal could not be written.
    pub async fn close(mut self) -> io::Result<()> {
        let receiver = self.send(String::new(), true);
        let result = match receiver {
            Some(receiver) => receiver.await.unwrap_or_else(|_| Err(io::Error::other("the journal writer stopped"))),
            None => Err(io::Error::other("the journal writer stopped")),
        };
        self.sender = None;
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        result
    }
}

/// The writer thread: takes every line waiting, writes them, syncs once if any caller waits,
/// then answers them all. After a failure every later line fails too.
fn writer(file: File, receiver: mpsc::Receiver<Message>) {
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let mut failure: Option<String> = None;
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while let Ok(next) = receiver.try_recv() {
            batch.push(next);
        }
        let mut needs_sync = false;
        let mut acks = Vec::new();
        for Message::Line { text, sync, ack } in batch {
            if failure.is_none()
                && let Err(error) = out.write_all(text.as_bytes())
            {
                failure = Some(error.to_string());
            }
            needs_sync |= sync;
            acks.extend(ack);
        }
        if failure.is_none() {
            let flushed = out.flush().and_then(|()| if needs_sync { out.get_ref().sync_data() } else { Ok(()) });
            if let Err(error) = flushed {
                failure = Some(error.to_string());
            }
        }
        for ack in acks {
            let _ = ack.send(match &failure {
                None => Ok(()),
                Some(message) => Err(io::Error::other(message.clone())),
            });
        }
    }
    let _ = out.flush().and_then(|()| out.get_ref().sync_data());
}

/// The lock of one CA of one service, held while a run changes it: an advisory lock on
/// `cloudpki-<host_port>-<ca>-<hash>.lock` in `$XDG_RUNTIME_DIR` (or the system temporary
/// directory). Released when dropped, or when the process ends however it ends. The file stays.
#[derive(Debug)]
pub struct CaLock {
    _file: File,
    path: PathBuf,
}

impl CaLock {
    /// Locks CA `ca` of the service at `host_port`.
    ///
    /// # Errors
    ///
    /// Another run holds it, or the lock file cannot be opened.
    pub fn acquire(host_port: &str, ca: &str) -> Result<CaLock, String> {
        let directory = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.is_absolute() && dir.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        CaLock::acquire_in(&directory, host_port, ca)
    }

    /// [`CaLock::acquire`] with the lock file in `directory`.
    ///
    /// # Errors
    ///
    /// See [`CaLock::acquire`].
    pub fn acquire_in(directory: &Path, host_port: &str, ca: &str) -> Result<CaLock, String> {
        let path = directory.join(lock_file_name(host_port, ca));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(CaLock { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(format!(
                "another cloudpki run is changing CA {} of {} (it holds {}); wait for it to finish",
                crate::output::safe(ca),
                crate::output::safe(host_port),
                path.display()
            )),
            Err(std::fs::TryLockError::Error(error)) => Err(format!("cannot lock {}: {error}", path.display())),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `cloudpki-<host_port>-<ca>-<hash>.lock`: readable parts kept to `[A-Za-z0-9.-]` (and cut
/// short), the hash of the exact pair keeping different CAs apart.
fn lock_file_name(host_port: &str, ca: &str) -> String {
    let clean = |text: &str| -> String {
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).take(64).collect()
    };
    // FNV-1a: stable across runs and builds (the std hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in host_port.bytes().chain([0]).chain(ca.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("cloudpki-{}-{}-{hash:016x}.lock", clean(host_port), clean(ca))
}

/// What the journal escapes in an identifier: `%`, ASCII whitespace and control characters
/// (and, as every percent-encoding does, every byte outside ASCII).
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%').add(b' ');

/// An identifier as the journal writes it: one whitespace-free word (see [`ESCAPED`]).
fn escape(id: &str) -> String {
    utf8_percent_encode(id, ESCAPED).to_string()
}

/// An identifier as the journal wrote it; `None` when empty or not a valid escaping.
fn unescape(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    cloudpki_model::api::percent::decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_escaping() {
        for id in ["plain-guid", "with space", "50%", "tab\there", "é\n", "no\u{3000}break\u{a0}"] {
            assert_eq!(unescape(&escape(id)).as_deref(), Some(id));
            assert!(!escape(id).contains(char::is_whitespace));
        }
        assert_eq!(escape("a b%"), "a%20b%25");
    }

    #[test]
    fn malformed_escapes_are_refused() {
        // `u8::from_str_radix("+A", 16)` is 10: a sign is not a hexadecimal digit.
        for text in ["%+A", "%-1", "%2", "%", "%zz", "a%2", "%FF", ""] {
            assert_eq!(unescape(text), None, "{text:?}");
        }
        // Journals written before every byte outside ASCII was escaped still read.
        assert_eq!(unescape("é").as_deref(), Some("é"));
    }

    #[test]
    fn the_state_of_a_journal() {
        let state = State::parse(
            "ca ca-1\nbegin a\ndone a revoked\nbegin b\nbegin c\nfailed c HTTP 404 Not Found\nbegin d\ndone d confirmed\nbegin e\ndone e rev",
        );
        assert_eq!(state.ca.as_deref(), Some("ca-1"));
        assert_eq!(state.done.get("a"), Some(&Done::Revoked));
        assert_eq!(state.done.get("d"), Some(&Done::Confirmed));
        let mut doubt: Vec<_> = state.in_doubt.iter().cloned().collect();
        doubt.sort();
        assert_eq!(doubt, ["b", "c", "e"], "a torn `done` leaves e in doubt");
        assert_eq!(state.failed.get("c").map(String::as_str), Some("HTTP 404 Not Found"));
    }

    #[tokio::test]
    async fn a_journal_is_appended_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        std::fs::write(&path, "ca ca-1\nbegin x\ndone x revoked\nbegin y\ndo").unwrap();
        let (journal, state) = Journal::open(&path, "ca-1").unwrap();
        assert!(state.done.contains_key("x") && state.in_doubt.contains("y"));
        assert!(Journal::open(&path, "ca-1").unwrap_err().contains("in use"));
        journal.begin("z 1").await.unwrap();
        journal.done("z 1", Done::Revoked);
        journal.failed("y", "HTTP 500\nboom");
        journal.close().await.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("\ndo\nbegin z%201\ndone z%201 revoked\nfailed y HTTP 500 boom\n"), "{text:?}");
        let state = read(&path).unwrap();
        assert_eq!(state.done.get("z 1"), Some(&Done::Revoked));
        assert!(Journal::open(&path, "ca-2").unwrap_err().contains("belongs to CA ca-1"));
    }

    #[test]
    fn a_ca_is_locked_once_per_service() {
        let dir = tempfile::tempdir().unwrap();
        let lock = CaLock::acquire_in(dir.path(), "127.0.0.1:8785", "ca-1").unwrap();
        let refused = CaLock::acquire_in(dir.path(), "127.0.0.1:8785", "ca-1").unwrap_err();
        assert!(refused.contains("another cloudpki run is changing CA ca-1"), "{refused}");
        let other_ca = CaLock::acquire_in(dir.path(), "127.0.0.1:8785", "ca-2").unwrap();
        let other_service = CaLock::acquire_in(dir.path(), "127.0.0.1:8786", "ca-1").unwrap();
        assert_ne!(other_ca.path(), other_service.path());
        drop(lock);
        CaLock::acquire_in(dir.path(), "127.0.0.1:8785", "ca-1").unwrap();
        assert_ne!(lock_file_name("h", "a/b"), lock_file_name("h", "a_b"));
        assert!(!lock_file_name("h", "../../x").contains('/'));
    }

    #[test]
    fn a_journal_is_checked_without_being_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.journal");
        check_writable(&path).unwrap();
        assert!(!path.exists());
        assert!(check_writable(&dir.path().join("no-such-dir").join("j")).is_err());
    }
}
