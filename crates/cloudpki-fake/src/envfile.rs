//! `--env-file`: `NAME=value` lines a shell can source, written atomically.

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::Path;

/// Whether a value needs no quoting in a shell (and reads the same in dotenv parsers).
fn plain(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/=+@%,".contains(c))
}

/// `value` as a shell word: bare when plain, else single-quoted.
fn shell_word(value: &str) -> String {
    if plain(value) { value.to_owned() } else { format!("'{}'", value.replace('\'', r"'\''")) }
}

/// Writes `NAME=value` lines to `path`: a temporary file in the same directory, synced, then
/// renamed over `path` (and the directory synced, where that is possible).
pub(crate) fn write(path: &Path, lines: &[(&str, &str)]) -> io::Result<()> {
    let text: String = lines.iter().map(|(name, value)| format!("{name}={}\n", shell_word(value))).collect();
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the env file path has no file name"))?;
    let temporary = directory.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = File::create(&temporary).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| fs::rename(&temporary, path)) {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shell_words() {
        assert_eq!(shell_word("http://127.0.0.1:80/beta"), "http://127.0.0.1:80/beta");
        assert_eq!(shell_word("a b'c"), r"'a b'\''c'");
        assert_eq!(shell_word(""), "''");
    }
}
