//! Test fixtures: `tests/fixtures/{valid,invalid}/*.fixture`, each a few `# key: value` header
//! lines (where it comes from, which type it is, what must go wrong) followed by the payload,
//! byte for byte.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// One fixture file.
pub struct Fixture {
    pub path: PathBuf,
    pub headers: BTreeMap<String, String>,
    pub payload: String,
}

impl Fixture {
    pub fn read(path: &Path) -> Fixture {
        let text = std::fs::read_to_string(path).expect("fixture is readable UTF-8");
        let mut headers = BTreeMap::new();
        let mut payload_start = 0;
        for line in text.split_inclusive('\n') {
            let Some(header) = line.strip_prefix("# ") else { break };
            let (key, value) = header.trim_end().split_once(": ").expect("header is `# key: value`");
            headers.insert(key.to_owned(), value.to_owned());
            payload_start += line.len();
        }
        assert!(headers.contains_key("source"), "{} says where it comes from", path.display());
        Fixture { path: path.to_path_buf(), headers, payload: text[payload_start..].to_owned() }
    }

    pub fn header(&self, key: &str) -> &str {
        self.headers.get(key).unwrap_or_else(|| panic!("{} has no `# {key}:` header", self.path.display()))
    }

    pub fn type_name(&self) -> &str {
        self.header("type")
    }
}

/// Every fixture in `tests/fixtures/<kind>`, in name order.
pub fn fixtures(kind: &str) -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture directory exists")
        .map(|entry| entry.expect("fixture directory is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "fixture"))
        .collect();
    paths.sort();
    paths.iter().map(|path| Fixture::read(path)).collect()
}

/// What parsing a payload as its type gave.
pub struct Parsed {
    /// `{:#?}` of the typed value.
    pub debug: String,
    /// The typed value serialized again.
    pub reserialized: serde_json::Value,
}

fn parse_as<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    payload: &str,
) -> Result<Parsed, cloudpki_model::DecodeError> {
    let value: T = cloudpki_model::from_str(payload)?;
    let reserialized = serde_json::to_value(&value).expect("a parsed value serializes");
    Ok(Parsed { debug: format!("{value:#?}"), reserialized })
}

/// Parses `payload` as the public type named `type_name` in the registry
/// (`cloudpki_model::registry::TYPES`: types, `Page<T>`, `SingleEntity<T>` and aliases).
pub fn parse(type_name: &str, payload: &str) -> Result<Parsed, cloudpki_model::DecodeError> {
    macro_rules! dispatch {
        ($name:literal, $schema:literal, $type:ty) => {
            if type_name == $name {
                return parse_as::<$type>(payload);
            }
        };
    }
    cloudpki_model::for_each_type!(dispatch);
    panic!("no public type named {type_name} in the registry")
}

/// The schema file stem of a registry type name.
pub fn schema_stem(type_name: &str) -> &'static str {
    cloudpki_model::registry::TYPES
        .iter()
        .find(|(name, _)| *name == type_name)
        .map(|(_, stem)| *stem)
        .unwrap_or_else(|| panic!("no public type named {type_name} in the registry"))
}

/// The committed schema file of a registry type (by type name, or by schema file stem).
pub fn schema_file(type_name: &str) -> serde_json::Value {
    let stem = cloudpki_model::registry::TYPES
        .iter()
        .find(|(name, stem)| *name == type_name || *stem == type_name)
        .map_or(type_name, |(_, stem)| *stem);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(format!("{stem}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema file is JSON")
}

/// Every public type name, from the generated registry.
pub fn type_names() -> impl Iterator<Item = &'static str> {
    cloudpki_model::registry::TYPES.iter().map(|(name, _)| *name)
}
