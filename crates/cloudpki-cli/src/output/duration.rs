//! Durations as a person reads them: humantime's rendering with a space before a unit spelt as a
//! word (`30 days`, `1 year 2 months`), short units kept compact (`5m`, `1h 30m`).

use std::time::Duration;

/// `duration` for a message: `30 days`, `5m`, `1day 2h` as `1 day 2h`.
pub fn shown(duration: Duration) -> String {
    humantime::format_duration(duration)
        .to_string()
        .split(' ')
        .map(|part| {
            let digits = part.bytes().take_while(u8::is_ascii_digit).count();
            let (number, unit) = part.split_at(digits);
            if unit.len() > 2 { format!("{number} {unit}") } else { part.to_owned() }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_units_get_a_space_short_ones_do_not() {
        assert_eq!(shown(Duration::from_secs(30 * 86_400)), "30 days");
        assert_eq!(shown(Duration::from_secs(86_400 + 7_200)), "1 day 2h");
        assert_eq!(shown(Duration::from_secs(300)), "5m");
        assert_eq!(shown(Duration::from_secs(5_400)), "1h 30m");
        assert_eq!(shown(Duration::from_millis(1_500)), "1s 500ms");
        assert_eq!(shown(Duration::ZERO), "0s");
    }
}
