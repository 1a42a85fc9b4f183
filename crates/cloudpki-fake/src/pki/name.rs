//! Subject names: the fields a CA is created with, their X.500 encoding, and the text form the
//! service writes in `subjectName`/`issuerName` (`CN=..., OU=..., O=..., L=..., S=..., C=...`,
//! most specific first, as Windows renders names).

use rcgen::string::PrintableString;
use rcgen::{DistinguishedName, DnType, DnValue};
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::PkiError;

/// A CA's subject, field by field. Only `common_name` is required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Subject {
    /// CN.
    pub(crate) common_name: String,
    /// O.
    pub(crate) organization: Option<String>,
    /// OU.
    pub(crate) organization_unit: Option<String>,
    /// L.
    pub(crate) locality: Option<String>,
    /// S (stateOrProvinceName; `ST` in OpenSSL's spelling).
    pub(crate) state: Option<String>,
    /// C: two letters, encoded as a PrintableString as RFC 5280 requires.
    pub(crate) country: Option<String>,
}

/// The short names Graph/Windows text uses, with their OIDs (dotted).
const SHORT_NAMES: [(&str, &str); 10] = [
    ("CN", "2.5.4.3"),
    ("OU", "2.5.4.11"),
    ("O", "2.5.4.10"),
    ("L", "2.5.4.7"),
    ("S", "2.5.4.8"),
    ("C", "2.5.4.6"),
    ("STREET", "2.5.4.9"),
    ("SERIALNUMBER", "2.5.4.5"),
    ("E", "1.2.840.113549.1.9.1"),
    ("DC", "0.9.2342.19200300.100.1.25"),
];

impl Subject {
    /// The present fields in text order (CN, OU, O, L, S, C), with their short name and type.
    fn fields(&self) -> Vec<(&'static str, DnType, &str)> {
        let optional = [
            ("OU", DnType::OrganizationalUnitName, &self.organization_unit),
            ("O", DnType::OrganizationName, &self.organization),
            ("L", DnType::LocalityName, &self.locality),
            ("S", DnType::StateOrProvinceName, &self.state),
            ("C", DnType::CountryName, &self.country),
        ];
        let present = optional.into_iter().filter_map(|(short, ty, value)| Some((short, ty, value.as_deref()?)));
        std::iter::once(("CN", DnType::CommonName, self.common_name.as_str())).chain(present).collect()
    }

    /// The name as Graph's `subjectName` text: `CN=..., OU=..., O=..., L=..., S=..., C=...`,
    /// absent fields left out, values with special characters double-quoted.
    pub(crate) fn graph_text(&self) -> String {
        let parts: Vec<String> = self.fields().into_iter().map(|(short, _, value)| part_text(short, value)).collect();
        parts.join(", ")
    }

    /// The X.500 name, least specific first (C, S, L, O, OU, CN) so that the text form, which
    /// reverses it, reads as [`Self::graph_text`]. Values are UTF8String, C a PrintableString.
    pub(crate) fn distinguished_name(&self) -> Result<DistinguishedName, PkiError> {
        if self.common_name.is_empty() {
            return Err(PkiError::InvalidName("the common name is empty".into()));
        }
        let mut name = DistinguishedName::new();
        for (_, ty, value) in self.fields().into_iter().rev() {
            let value =
                if ty == DnType::CountryName { country_value(value)? } else { DnValue::Utf8String(value.to_owned()) };
            name.push(ty, value);
        }
        Ok(name)
    }

    /// Reads Graph's `subjectName` text (the form [`Self::graph_text`] writes; keys are
    /// case-insensitive, `ST` is accepted for `S`, values may be double-quoted with `""` for a
    /// quote). Refuses unknown or repeated keys and a missing CN.
    pub(crate) fn from_graph_text(text: &str) -> Result<Self, PkiError> {
        let mut subject = Self::default();
        for part in split_unquoted(text, ',') {
            let (key, value) =
                part.split_once('=').ok_or_else(|| PkiError::InvalidName(format!("{part:?} is not KEY=value")))?;
            let value = unquote(value.trim());
            let slot = match key.trim().to_ascii_uppercase().as_str() {
                "CN" => {
                    if !subject.common_name.is_empty() {
                        return Err(PkiError::InvalidName("CN is repeated".into()));
                    }
                    subject.common_name = value;
                    continue;
                }
                "OU" => &mut subject.organization_unit,
                "O" => &mut subject.organization,
                "L" => &mut subject.locality,
                "S" | "ST" => &mut subject.state,
                "C" => &mut subject.country,
                other => return Err(PkiError::InvalidName(format!("unsupported attribute {other:?}"))),
            };
            if slot.replace(value).is_some() {
                return Err(PkiError::InvalidName(format!("{} is repeated", key.trim())));
            }
        }
        if subject.common_name.is_empty() {
            return Err(PkiError::InvalidName("CN is missing".into()));
        }
        Ok(subject)
    }
}

/// A country code as the PrintableString RFC 5280 asks for.
fn country_value(value: &str) -> Result<DnValue, PkiError> {
    if value.len() != 2 || !value.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return Err(PkiError::InvalidName(format!("country {value:?} is not a two-letter code")));
    }
    let printable = PrintableString::try_from(value).map_err(|error| PkiError::InvalidName(error.to_string()))?;
    Ok(DnValue::PrintableString(printable))
}

/// `text` split at `separator`s outside double quotes, pieces trimmed, empty pieces dropped.
fn split_unquoted(text: &str, separator: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, character) in text.char_indices() {
        if character == '"' {
            quoted = !quoted;
        } else if character == separator && !quoted {
            pieces.push(&text[start..at]);
            start = at + character.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    pieces.into_iter().map(str::trim).filter(|piece| !piece.is_empty()).collect()
}

/// A value without its surrounding double quotes (`""` inside stands for `"`).
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|inner| inner.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => value.to_owned(),
    }
}

/// `SHORT=value`, the value double-quoted when it holds a character that would break the text
/// form (as Windows' `CertNameToStr` does).
fn part_text(short: &str, value: &str) -> String {
    let special = |character: char| ",+=\"\n\r<>#;".contains(character);
    let padded = value.starts_with(' ') || value.ends_with(' ');
    if value.contains(special) || padded {
        format!("{short}=\"{}\"", value.replace('"', "\"\""))
    } else {
        format!("{short}={value}")
    }
}

/// A parsed X.500 name as Graph text: relative names most specific first, separated by `, `
/// (attributes of a multi-valued one joined by ` + `); unknown attribute types by dotted OID,
/// values that are not text as `#` and hex.
pub(crate) fn name_text(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> =
        name.iter().map(|rdn| rdn.iter().map(attribute_text).collect::<Vec<_>>().join(" + ")).collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

/// One `KEY=value` of [`name_text`].
fn attribute_text(attribute: &AttributeTypeAndValue<'_>) -> String {
    let oid = attribute.attr_type().to_id_string();
    let short = SHORT_NAMES.iter().find(|(_, known)| *known == oid).map_or(oid.as_str(), |(short, _)| short);
    match attribute.as_str() {
        Ok(value) => part_text(short, value),
        Err(_) => format!("{short}=#{}", super::hex_upper(attribute.as_slice())),
    }
}

/// Whether rcgen can sign as the owner of this name (needed to issue CRLs under it): every
/// relative name holds one attribute, of a string type rcgen reads back.
pub(crate) fn rcgen_can_sign_as(name: &X509Name<'_>) -> bool {
    let string_tags =
        [Tag::BmpString, Tag::Ia5String, Tag::PrintableString, Tag::T61String, Tag::UniversalString, Tag::Utf8String];
    name.iter().all(|rdn| {
        let mut attributes = rdn.iter();
        let single = attributes.next().filter(|_| attributes.next().is_none());
        single.is_some_and(|attribute| string_tags.contains(&attribute.attr_value().header.tag()))
    })
}
