#![forbid(unsafe_code)]
//! `cloudpki_model::stream`: a page read one item at a time gives the same certificates and page
//! properties as the whole page deserialized at once, and every error names its item and path.

#[path = "../benches/common/page.rs"]
#[allow(dead_code)] // Shared with the benchmarks.
mod page;

use std::io::{self, Read};

use cloudpki_model::stream::{ErrorKind, PageInfo, PageReader, StreamError};
use cloudpki_model::{
    CloudCertificationAuthorityLeafCertificate as Certificate,
    GetAllCloudCertificationAuthorityLeafCertificatesResponse as Page,
};
use serde_json::json;

/// A reader that hands out at most `chunk` bytes per `read`, to cross buffer boundaries
/// everywhere.
struct Trickle<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// A reader that fails after `ok` bytes.
struct Failing<'a> {
    bytes: &'a [u8],
    ok: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "connection reset"));
        }
        let n = self.ok.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.ok -= n;
        Ok(n)
    }
}

/// Every item (or error) and the result of `finish`.
fn read_all(text: &str) -> (Vec<Result<Certificate, StreamError>>, Result<PageInfo, StreamError>) {
    let mut reader = PageReader::<_, Certificate>::new(text.as_bytes());
    let items: Vec<_> = reader.by_ref().collect();
    (items, reader.finish())
}

#[test]
fn streamed_pages_match_the_whole_page() {
    for style in page::Style::ALL {
        let text = page::page(style, 300);
        let whole: Page = serde_json::from_str(&text).expect("valid page");
        for chunk in [1, 7, 4096, usize::MAX] {
            let mut reader = PageReader::<_, Certificate>::new(Trickle { bytes: text.as_bytes(), chunk });
            let items: Vec<Certificate> = reader.by_ref().collect::<Result<_, _>>().expect("valid items");
            assert_eq!(items, whole.value, "{style:?}, chunks of {chunk}");
            let info = reader.finish().expect("valid page");
            assert_eq!(info.items, 300);
            assert_eq!(info.odata_context, whole.odata_context);
            assert_eq!(info.odata_count, whole.odata_count);
            assert_eq!(info.odata_next_link, whole.odata_next_link);
            assert_eq!(info.additional_properties, whole.additional_properties);
        }
    }
}

#[test]
fn annotations_before_and_after_value() {
    let text = r##" {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#x",
        "@odata.count": 2,
        "@odata.unknownBefore": {"a": [1, "]"]},
        "value": [ {"id": "a"} , {"id": "b", "@odata.type": "#t"} ],
        "@odata.nextLink": "https://next",
        "zz": null
    } "##;
    let mut reader = PageReader::<_, Certificate>::new(text.as_bytes());
    assert_eq!(reader.page_info(), &PageInfo::default());
    let first = reader.next().expect("an item").expect("valid");
    assert_eq!(first.id.as_deref(), Some("a"));
    // What came before `value` is known once the first item is read.
    assert_eq!(reader.page_info().odata_count, Some(2));
    assert_eq!(reader.page_info().odata_next_link, None);
    let second = reader.next().expect("an item").expect("valid");
    assert_eq!(second.additional_properties.get("@odata.type"), Some(&json!("#t")));
    assert!(reader.next().is_none());
    assert!(reader.next().is_none(), "fused");
    let info = reader.finish().expect("valid page");
    assert_eq!(info.items, 2);
    assert_eq!(info.odata_context.as_deref(), Some("https://graph.microsoft.com/beta/$metadata#x"));
    assert_eq!(info.odata_next_link.as_deref(), Some("https://next"));
    assert_eq!(info.additional_properties.len(), 2);
    assert_eq!(info.additional_properties["@odata.unknownBefore"], json!({"a": [1, "]"]}));
    assert_eq!(info.additional_properties["zz"], json!(null));
}

#[test]
fn empty_pages() {
    for text in [r#"{"value":[]}"#, " { \"value\" : [ ] } \n", r#"{"value":[],"@odata.count":0}"#] {
        let (items, info) = read_all(text);
        assert!(items.is_empty(), "{text}");
        assert_eq!(info.expect("valid page").items, 0);
    }
}

#[test]
fn an_invalid_item_is_reported_with_its_index_and_the_rest_is_read() {
    let text = r#"{"value":[{"id":"a"},{"id":"b","certificateStatus":5},{"id":"c","id":"d"},{"id":"e"}],"@odata.nextLink":"n"}"#;
    let (items, info) = read_all(text);
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().expect("valid").id.as_deref(), Some("a"));
    let err = items[1].as_ref().expect_err("invalid status");
    assert_eq!(err.index(), Some(1));
    assert_eq!(err.kind(), ErrorKind::Data);
    assert!(!err.is_fatal());
    assert_eq!(err.offset(), text.find(r#"{"id":"b""#).expect("item 1") as u64);
    assert!(err.message().starts_with("$.value[1].certificateStatus: invalid type: integer `5`, expected"), "{err}");
    assert!(err.to_string().ends_with(&format!("(at byte {})", err.offset())), "{err}");
    let err = items[2].as_ref().expect_err("duplicate id");
    assert_eq!(err.index(), Some(2));
    assert_eq!(err.message(), "$.value[2].id: duplicate property `id`");
    assert_eq!(items[3].as_ref().expect("valid").id.as_deref(), Some("e"));
    let info = info.expect("the page itself is valid");
    assert_eq!(info.items, 4);
    assert_eq!(info.odata_next_link.as_deref(), Some("n"));
}

/// The fatal error the iterator yields last, which `finish` returns again.
fn fatal(text: &str) -> StreamError {
    let (items, info) = read_all(text);
    let last = items.into_iter().last().expect("an error").expect_err("an error");
    assert!(last.is_fatal(), "{last}");
    let again = info.expect_err("the page is invalid");
    assert_eq!(again.to_string(), last.to_string());
    last
}

#[test]
fn broken_json_is_fatal() {
    let err = fatal(r#"{"value":[{"id":"a"},{"id": }]}"#);
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.index(), Some(1));
    assert!(err.message().starts_with("$.value[1].id: expected value"), "{err}");
    assert_eq!(err.offset(), r#"{"value":[{"id":"a"},{"id": "#.len() as u64);

    let err = fatal(r#"{"value":[{"id":"a"}"#);
    assert_eq!(err.kind(), ErrorKind::Eof);
    assert_eq!(err.message(), "$.value[1]: unexpected end of input, expected `,` or `]`");

    let err = fatal(r#"{"value":[{"id":"a"}"#.trim_end_matches('}'));
    assert_eq!(err.kind(), ErrorKind::Eof);
    assert_eq!(err.message(), "$.value[0]: unexpected end of input, expected the end of the value");

    let err = fatal(r#"{"value":[{"id":"a"},]}"#);
    assert_eq!(err.message(), "$.value[1]: expected a value, found `]`");

    let err = fatal(r#"{"value":[{"id":"a"} {"id":"b"}]}"#);
    assert_eq!(err.message(), "$.value[1]: expected `,` or `]`, found `{`");

    let err = fatal(r#"{"value":[]} x"#);
    assert_eq!(err.message(), "$: expected the end of the input after the page, found `x`");

    let err = fatal(r#"[{"id":"a"}]"#);
    assert_eq!(err.message(), "$: expected `{` (a page is a JSON object), found `[`");
    assert_eq!(err.offset(), 0);

    let err = fatal("");
    assert_eq!(err.kind(), ErrorKind::Eof);

    let err = fatal(r#"{"value":[] "x":1}"#);
    assert_eq!(err.message(), "$: expected `,` or `}`, found `\"`");

    let err = fatal(r#"{"value" []}"#);
    assert_eq!(err.message(), "$: expected `:`, found `[`");

    let err = fatal(r#"{"bad\x":1,"value":[]}"#);
    assert!(err.message().starts_with("$: invalid property name: invalid escape"), "{err}");
}

#[test]
fn page_level_problems_are_fatal() {
    let err = fatal(r#"{"value":[{"id":"a"}],"value":[]}"#);
    assert_eq!(err.message(), "$.value: duplicate property `value`");
    assert_eq!(err.index(), None);

    let err = fatal(r#"{"@odata.count":1}"#);
    assert_eq!(err.message(), "$: missing property `value`");

    let err = fatal(r#"{"value":null}"#);
    assert_eq!(err.message(), "$.value: invalid type: null, expected an array");

    let err = fatal(r#"{"@odata.count":"x","value":[]}"#);
    assert_eq!(err.message(), r#"$['@odata.count']: invalid type: string "x", expected i64"#);
    assert_eq!(err.kind(), ErrorKind::Data);

    let err = fatal(r#"{"value":[],"@odata.nextLink":null}"#);
    assert_eq!(err.message(), "$['@odata.nextLink']: invalid type: null, expected a string");

    let err = fatal(r#"{"@odata.count":1,"@odata.count":1,"value":[]}"#);
    assert_eq!(err.message(), "$['@odata.count']: duplicate property `@odata.count`");

    let err = fatal(r#"{"x":1,"value":[],"x":2}"#);
    assert_eq!(err.message(), "$.x: duplicate property `x`");
}

#[test]
fn io_errors_are_fatal_and_keep_their_source() {
    let text = page::page(page::Style::Live, 10);
    let mut reader = PageReader::<_, Certificate>::new(Failing { bytes: text.as_bytes(), ok: 3000 });
    let results: Vec<_> = reader.by_ref().collect();
    let err = results.last().expect("an error").as_ref().expect_err("an error");
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.is_fatal());
    assert!(err.message().contains("I/O error: connection reset"), "{err}");
    let source = std::error::Error::source(err).expect("the I/O error");
    assert_eq!(source.to_string(), "connection reset");
    assert!(results.len() >= 2, "items before the failure are read");
    assert!(results[..results.len() - 1].iter().all(Result::is_ok));
    assert_eq!(reader.finish().expect_err("failed").kind(), ErrorKind::Io);
}

#[test]
fn items_over_the_limit_are_fatal() {
    let text = format!(r#"{{"value":[{{"id":"a"}},{{"id":"{}"}}]}}"#, "x".repeat(300_000));
    let mut reader = PageReader::<_, Certificate>::new(text.as_bytes()).with_max_item_len(100_000);
    assert_eq!(reader.next().expect("an item").expect("valid").id.as_deref(), Some("a"));
    let err = reader.next().expect("an error").expect_err("too large");
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(err.message().starts_with("$.value[1]: value larger than 100000 bytes"), "{err}");
    assert!(reader.next().is_none());
    // Within the limit, it is read.
    let mut reader = PageReader::<_, Certificate>::new(text.as_bytes()).with_max_item_len(400_000);
    assert_eq!(reader.by_ref().filter(Result::is_ok).count(), 2);
}

#[test]
fn strings_with_brackets_quotes_and_escapes() {
    let text = r#"{"val\u0075e":[{"id":"a\"]}[{\\","subjectName":"}}]]"},{"id":"\u00e9\\"}],"k\"ey":"v\\"}"#;
    let (items, info) = read_all(text);
    let items: Vec<Certificate> = items.into_iter().collect::<Result<_, _>>().expect("valid");
    assert_eq!(items[0].id.as_deref(), Some("a\"]}[{\\"));
    assert_eq!(items[0].subject_name.value().map(String::as_str), Some("}}]]"));
    assert_eq!(items[1].id.as_deref(), Some("é\\"));
    assert_eq!(info.expect("valid").additional_properties["k\"ey"], json!("v\\"));
}

#[test]
fn any_item_type() {
    let text = r#"{"value":[1,"two",[3],{"four":4},null,true]}"#;
    let mut reader = PageReader::<_, serde_json::Value>::new(text.as_bytes());
    let items: Vec<serde_json::Value> = reader.by_ref().collect::<Result<_, _>>().expect("valid");
    assert_eq!(items, [json!(1), json!("two"), json!([3]), json!({"four": 4}), json!(null), json!(true)]);
    assert_eq!(reader.finish().expect("valid").items, 6);
    // Scalars that are not JSON are syntax errors.
    let mut reader = PageReader::<_, serde_json::Value>::new(&br#"{"value":[tru]}"#[..]);
    let err = reader.next().expect("an error").expect_err("not JSON");
    assert!(err.is_fatal());
    assert_eq!(err.index(), Some(0));
}

#[test]
fn finish_skips_the_items_not_read() {
    let text = page::page(page::Style::Docs, 50);
    let mut reader = PageReader::<_, Certificate>::new(text.as_bytes());
    assert!(reader.next().expect("an item").is_ok());
    let info = reader.finish().expect("valid page");
    assert_eq!(info.items, 50);
    // Skipped items are still checked to be JSON.
    let err =
        PageReader::<_, Certificate>::new(&br#"{"value":[{"id":"a"},{"id":x}]}"#[..]).finish().expect_err("not JSON");
    assert_eq!(err.index(), Some(1));
    assert_eq!(err.kind(), ErrorKind::Syntax);
}

/// Fuzzing finding: at the end of the input the buffer had already been shifted while the
/// positions kept by the caller were not moved with it, which panicked (debug) or gave wrong
/// offsets (release). Every truncation of a page, read in chunks of several sizes, must end in
/// an error (never a panic), and the offsets must not depend on how the input was split.
#[test]
fn truncated_pages_are_errors_whatever_the_read_sizes() {
    let page = r#"{"@odata.count":2,"value":[{"id":"a","certificateStatus":"active","keyUsages":["x"]},{"id":"b"}],"@odata.nextLink":"n"}"#;
    for cases in [&b"{\"x\":1"[..], b"{\"value\":[{\"id\":\"a\"}", b"{\"x\":\"abc"] {
        let mut reader = PageReader::<_, Certificate>::new(cases);
        let _ = reader.by_ref().count();
        assert!(reader.finish().is_err());
    }
    for end in 0..page.len() {
        let truncated = &page.as_bytes()[..end];
        let mut outcomes = Vec::new();
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let mut reader = PageReader::<_, Certificate>::new(Trickle { bytes: truncated, chunk });
            let items: Vec<String> = reader.by_ref().map(|item| format!("{item:?}")).collect();
            let finished = reader.finish();
            assert!(finished.is_err(), "a page cut at byte {end} was accepted");
            outcomes.push((items, format!("{finished:?}")));
        }
        assert!(outcomes.windows(2).all(|w| w[0] == w[1]), "cut at {end}: results depend on read sizes: {outcomes:#?}");
    }
}
