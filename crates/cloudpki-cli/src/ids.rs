//! Reading certificate ids from a file (`cert revoke --from`): one per line, or what
//! `cert list` writes (ndjson, a JSON array, CSV with an `id` column, the table).

use std::collections::HashSet;

/// The ids of `text`, each once, in order of first appearance.
///
/// - A JSON array: of objects (their `id`) or of strings.
/// - Lines starting with `{`: ndjson, each object's `id`.
/// - A first line that is a header with an `id` column (CSV, or the table's whitespace-aligned
///   columns): that column.
/// - Otherwise one id per line; blank lines and lines starting with `#` are skipped.
///
/// # Errors
///
/// Invalid JSON, an object without a string `id`, a CSV row without the column.
pub fn parse_ids(text: &str) -> Result<Vec<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    let ids = if trimmed.starts_with('[') {
        let items: Vec<serde_json::Value> =
            serde_json::from_str(trimmed).map_err(|e| format!("not a JSON array of certificates: {e}"))?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| id_of(item, &format!("item {}", index + 1)))
            .collect::<Result<_, _>>()?
    } else if trimmed.starts_with('{') {
        let mut ids = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let item: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: not a JSON object: {e}", number + 1))?;
            ids.push(id_of(&item, &format!("line {}", number + 1))?);
        }
        ids
    } else {
        let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or("");
        if first.contains(',') || first.trim() == "id" {
            from_csv(text)?
        } else if first.split_whitespace().next() == Some("id") && first.split_whitespace().count() > 1 {
            // The table: the first column, under the header.
            text.lines()
                .skip_while(|line| line.trim().is_empty())
                .skip(1)
                .filter_map(|line| line.split_whitespace().next())
                .map(str::to_owned)
                .collect()
        } else {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(str::to_owned)
                .collect()
        }
    };
    let mut seen = HashSet::new();
    Ok(ids.into_iter().filter(|id: &String| seen.insert(id.clone())).collect())
}

/// The text of `path`, or of stdin for `-`.
///
/// # Errors
///
/// It cannot be read (the message names the path).
pub fn read_text(path: &std::path::Path) -> Result<String, String> {
    if path == std::path::Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("-: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn id_of(item: &serde_json::Value, place: &str) -> Result<String, String> {
    match item {
        serde_json::Value::String(id) if !id.is_empty() => Ok(id.clone()),
        serde_json::Value::Object(object) => match object.get("id") {
            Some(serde_json::Value::String(id)) if !id.is_empty() => Ok(id.clone()),
            _ => Err(format!("{place}: no `id`")),
        },
        _ => Err(format!("{place}: neither an id nor an object with an `id`")),
    }
}

fn from_csv(text: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("not CSV: {e}"))?.clone();
    let column = headers.iter().position(|name| name.trim().eq_ignore_ascii_case("id")).ok_or_else(|| {
        format!("CSV without an `id` column (columns: {})", headers.iter().collect::<Vec<_>>().join(", "))
    })?;
    let mut ids = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("CSV: {e}"))?;
        match record.get(column).map(str::trim) {
            Some(id) if !id.is_empty() => ids.push(id.to_owned()),
            _ if record.iter().all(|field| field.trim().is_empty()) => {}
            _ => return Err(format!("CSV row {}: no id", number + 2)),
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listing_format_and_plain_lines() {
        let expect = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(parse_ids("a\n\n# comment\nb\na\n"), Ok(expect.clone()));
        assert_eq!(parse_ids("{\"id\":\"a\",\"x\":1}\n{\"id\":\"b\"}\n"), Ok(expect.clone()));
        assert_eq!(parse_ids("[\n{\"id\":\"a\"},\n{\"id\":\"b\"}\n]\n"), Ok(expect.clone()));
        assert_eq!(parse_ids("[\"a\", \"b\"]"), Ok(expect.clone()));
        assert_eq!(
            parse_ids("id,serial,status,subject,expires\na,01,active,\"CN=x, O=y\",\nb,,revoked,,\n"),
            Ok(expect.clone())
        );
        assert_eq!(parse_ids("id\na\nb\n"), Ok(expect.clone()));
        assert_eq!(parse_ids("id  serial  status\na   01      active\nb   02      revoked\n"), Ok(expect));
        assert_eq!(parse_ids("[]"), Ok(vec![]));
        assert!(parse_ids("{\"serialNumber\":\"1\"}").is_err());
        assert!(parse_ids("serial,status\n1,active\n").is_err());
        assert!(parse_ids("[{\"id\":").is_err());
    }
}
