//! The small text formats of the binary and the fault plan: durations (humantime), sizes, and
//! the error they share.

use std::fmt;
use std::time::Duration;

/// One gibibyte.
pub(crate) const GIB: u64 = 1 << 30;

/// A value that cannot be used: the message says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads a duration the way the `humantime` crate does (`150ms`, `2s`, `1.5s`, `1m 30s`,
/// `1h`, `250us`), and `0`.
///
/// # Errors
///
/// Anything else (a number without a unit, an unknown unit).
pub fn parse_duration(text: &str) -> Result<Duration, ConfigError> {
    let text = text.trim();
    humantime::parse_duration(text)
        .map_err(|error| ConfigError(format!("`{text}` is not a duration (e.g. 150ms, 2s): {error}")))
}

/// A size in bytes: `4096`, `64KiB`, `512MiB`, `2GiB`, `100MB` (`B`, `KiB`, `MiB`, `GiB`, `KB`,
/// `MB`, `GB`).
pub(crate) fn parse_size(text: &str) -> Result<u64, ConfigError> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| ConfigError(format!("`{text}` is not a size (e.g. 2GiB)")))?;
    let unit: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => GIB,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(ConfigError(format!("`{text}`: unknown size unit `{other}` (B, KiB, MiB, GiB, KB, MB, GB)")));
        }
    };
    number.checked_mul(unit).ok_or_else(|| ConfigError(format!("`{text}` is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_documented() {
        assert_eq!(parse_duration("150ms").unwrap(), Duration::from_millis(150));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("1m 30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("10").is_err());
    }

    #[test]
    fn sizes_read_as_documented() {
        assert_eq!(parse_size("2GiB").unwrap(), 2 * GIB);
        assert_eq!(parse_size("100MB").unwrap(), 100_000_000);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("2 parsecs").is_err());
        assert!(parse_size("99999999999GiB").is_err());
    }
}
