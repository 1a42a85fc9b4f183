//! Graph names and the Rust names made from them.
//!
//! Graph names are camelCase (`certificationAuthorityIssuerUri`); Rust fields are snake_case and
//! types and variants PascalCase. The conversions are pure functions of the name, so the loader can
//! reject names that would collide or that cannot be Rust identifiers before anything is emitted.

/// Whether `name` is a Graph (OData simple) identifier as this generator accepts it: ASCII letters,
/// digits and `_`, at most 128 characters, starting with a letter or with `_`s followed by a letter.
///
/// (OData also allows `_1`; its Rust forms would start with a digit, because the case conversions
/// drop leading `_`s.)
pub fn is_graph_identifier(name: &str) -> bool {
    name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.trim_start_matches('_').starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Whether `name` can name a type: a Graph identifier made of letters and digits only, starting
/// with a letter (Graph type names never contain `_`; this keeps them clear of the generator's
/// own `__`-prefixed helper items).
pub fn is_type_identifier(name: &str) -> bool {
    is_graph_identifier(name)
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Split a Graph name into lower-case words: `crlDistributionPointUrl` → crl, distribution, point,
/// url; `iOSVersion` → i, os, version; `foo_bar` → foo, bar.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `crlDistributionPointUrl` → `crl_distribution_point_url`.
pub fn snake_case(name: &str) -> String {
    words(name).join("_")
}

/// `cloudCertificationAuthorityLeafCertificate` → `CloudCertificationAuthorityLeafCertificate`.
pub fn pascal_case(name: &str) -> String {
    words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect()
}

/// Rust keywords (strict and reserved, all editions).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// The Rust spelling of a snake_case or PascalCase name: keywords become raw identifiers
/// (`type` → `r#type`), and the four that cannot be raw get a trailing `_` (`self` → `self_`).
pub fn rust_identifier(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_graph_names() {
        assert_eq!(snake_case("crlDistributionPointUrl"), "crl_distribution_point_url");
        assert_eq!(snake_case("id"), "id");
        assert_eq!(snake_case("certificationAuthorityVersionNumber"), "certification_authority_version_number");
        assert_eq!(snake_case("iOSVersion"), "i_os_version");
        assert_eq!(snake_case("windows10AndLater"), "windows10_and_later");
        assert_eq!(snake_case("foo_bar"), "foo_bar");
        assert_eq!(
            pascal_case("cloudCertificationAuthorityLeafCertificate"),
            "CloudCertificationAuthorityLeafCertificate"
        );
        assert_eq!(pascal_case("unknownFutureValue"), "UnknownFutureValue");
        assert_eq!(
            pascal_case("getAllCloudCertificationAuthorityLeafCertificates"),
            "GetAllCloudCertificationAuthorityLeafCertificates"
        );
    }

    #[test]
    fn conversions_only_yield_rust_identifiers() {
        for name in ["_x", "__x1", "a_1", "a1", "iOS", "URL", "x_", "aB", "Ab", "type", "self", "Self", "_type"] {
            assert!(is_graph_identifier(name), "{name}");
            for converted in [snake_case(name), pascal_case(name)] {
                let identifier = rust_identifier(&converted);
                let bare = identifier.strip_prefix("r#").unwrap_or(&identifier);
                assert!(bare.starts_with(|c: char| c.is_ascii_alphabetic()), "{name} -> {identifier}");
                assert!(bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{name} -> {identifier}");
            }
        }
        // Distinct Graph names can meet after conversion; the loader rejects such pairs.
        assert_eq!(pascal_case("a_1"), pascal_case("a1"));
        assert_eq!(snake_case("fooBar"), snake_case("FooBar"));
        assert_eq!(snake_case("_type"), snake_case("type"));
    }

    #[test]
    fn keywords_become_usable_identifiers() {
        assert_eq!(rust_identifier("type"), "r#type");
        assert_eq!(rust_identifier("match"), "r#match");
        assert_eq!(rust_identifier("self"), "self_");
        assert_eq!(rust_identifier("Self"), "Self_");
        assert_eq!(rust_identifier("subject_name"), "subject_name");
    }

    #[test]
    fn identifier_rules() {
        assert!(is_graph_identifier("subjectName"));
        assert!(is_graph_identifier("_x"));
        assert!(!is_graph_identifier("_"));
        assert!(!is_graph_identifier("1abc"));
        assert!(!is_graph_identifier("a-b"));
        assert!(!is_graph_identifier("naïve"));
        assert!(!is_graph_identifier(""));
        assert!(is_graph_identifier("__x1"));
        assert!(!is_graph_identifier("_1a"), "its Rust forms would start with a digit");
        assert!(!is_graph_identifier("a b"));
        assert!(!is_graph_identifier(&"a".repeat(129)));
        assert!(is_type_identifier("cloudCertificationAuthorityLeafCertificate"));
        assert!(!is_type_identifier("a_b"));
    }
}
