#![forbid(unsafe_code)]
//! The property every fuzz target checks, for one type of `cloudpki-model`.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The longest error message accepted: keys and long messages are shortened by the model, so
/// no payload can make an error as long as itself.
pub const MAX_ERROR_LEN: usize = 1024;

/// Parses `data` as a `T` and checks:
///
/// - nothing panics, whatever the bytes;
/// - a rejected payload gets a short error (at most [`MAX_ERROR_LEN`] bytes) that names its JSON
///   path (`$...: ...`), except for bytes after the value (`trailing characters`, raised by
///   `serde_json` once `T` is complete);
/// - an accepted payload is lossless: serializing the typed value gives the same JSON value as
///   parsing the bytes as untyped JSON, deserializing that untyped JSON value gives an equal
///   typed value, and writing the typed value as text and parsing that again gives an equal
///   typed value.
///
/// # Panics
///
/// When one of these properties does not hold (that is how a fuzz target reports a finding).
pub fn check<T>(data: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let typed = match serde_json::from_slice::<T>(data) {
        Ok(typed) => typed,
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.starts_with('$') || message.starts_with("trailing characters at line "),
                "the error does not name a JSON path: {message}"
            );
            assert!(message.len() <= MAX_ERROR_LEN, "the error has {} bytes: {message}", message.len());
            return;
        }
    };
    let untyped: Value = match serde_json::from_slice(data) {
        Ok(untyped) => untyped,
        Err(error) => panic!("accepted as a typed value, but is not JSON: {error}"),
    };
    let serialized = match serde_json::to_value(&typed) {
        Ok(serialized) => serialized,
        Err(error) => panic!("cannot serialize {typed:?}: {error}"),
    };
    assert_eq!(serialized, untyped, "deserialize then serialize changed the payload");
    match T::deserialize(&untyped) {
        Ok(from_untyped) => assert_eq!(from_untyped, typed, "differs when read from a serde_json::Value"),
        Err(error) => panic!("accepted as bytes, rejected as a serde_json::Value: {error}"),
    }

    let text = match serde_json::to_vec(&typed) {
        Ok(text) => text,
        Err(error) => panic!("cannot serialize {typed:?}: {error}"),
    };
    match serde_json::from_slice::<T>(&text) {
        Ok(again) => assert_eq!(again, typed, "written as {}", String::from_utf8_lossy(&text)),
        Err(error) => panic!("its own output is rejected: {error}: {}", String::from_utf8_lossy(&text)),
    }
}

/// Reads `data` as a page with `cloudpki_model::stream`, the whole input at once and one byte at
/// a time, and checks:
///
/// - nothing panics, and the iterator ends (after at most one item per input byte);
/// - both reads give the same items, errors and page properties;
/// - a page that `serde_json::from_slice` accepts streams without an error, as the same items
///   and page properties;
/// - a page that streams without an error is accepted by `serde_json::from_slice`.
///
/// # Panics
///
/// When one of these properties does not hold.
pub fn check_stream(data: &[u8]) {
    use cloudpki_model::GetAllCloudCertificationAuthorityLeafCertificatesResponse as Page;

    let whole = read_stream(data, usize::MAX);
    let bytewise = read_stream(data, 1);
    assert_eq!(whole, bytewise, "read at once and byte by byte differ");
    let (items, info) = whole;
    let clean = items.iter().all(Result::is_ok) && info.is_ok();
    match serde_json::from_slice::<Page>(data) {
        Ok(page) => {
            assert!(clean, "a valid page streams with errors: {items:?} {info:?}");
            let streamed: Vec<_> = items.into_iter().flatten().collect();
            assert_eq!(streamed, page.value);
            let Ok(info) = info else { unreachable!("checked above") };
            assert_eq!(info.odata_context, page.odata_context);
            assert_eq!(info.odata_count, page.odata_count);
            assert_eq!(info.odata_next_link, page.odata_next_link);
            assert_eq!(info.additional_properties, page.additional_properties);
            assert_eq!(info.items, page.value.len());
        }
        Err(error) => assert!(!clean, "streams without an error, but from_slice says: {error}"),
    }
}

/// What streaming a page gives: each item (or its error), then the page's properties (or the
/// error that ended the page).
type Streamed = (
    Vec<Result<cloudpki_model::CloudCertificationAuthorityLeafCertificate, String>>,
    Result<cloudpki_model::PageInfo, String>,
);

/// Streams the page in `data`, `chunk` bytes per `read`.
fn read_stream(data: &[u8], chunk: usize) -> Streamed {
    let mut reader = cloudpki_model::stream::certificates(Chunked { data, chunk });
    let mut items = Vec::new();
    for item in &mut reader {
        items.push(item.map_err(|error| error.to_string()));
        assert!(items.len() <= data.len() + 1, "the iterator does not end");
    }
    (items, reader.finish().map_err(|error| error.to_string()))
}

/// A reader giving at most `chunk` bytes per `read`.
struct Chunked<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl std::io::Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        let (now, rest) = self.data.split_at(n);
        buf[..n].copy_from_slice(now);
        self.data = rest;
        Ok(n)
    }
}
