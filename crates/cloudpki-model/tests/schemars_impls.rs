#![forbid(unsafe_code)]
//! With the `schemars` feature, `schemars::schema_for!` on each public type of the registry gives
//! exactly its committed schema file (less the file's ownership `$comment`; an alias of a
//! response shape is titled with its own name, where `schema_for!` uses the shape's).
#![cfg(feature = "schemars")]

mod common;

use common::schema_file;

fn committed(stem: &str, title: &str) -> serde_json::Value {
    let mut schema = schema_file(stem);
    let object = schema.as_object_mut().expect("schema is an object");
    object.remove("$comment");
    object.remove("$id");
    object.insert("title".into(), title.into());
    schema
}

#[test]
fn schema_for_matches_the_committed_files() {
    let mut checked = 0;
    macro_rules! check {
        ($name:literal, $stem:literal, $type:ty) => {
            let generated = schemars::schema_for!($type);
            let title = generated.as_value()["title"].as_str().unwrap_or_default().to_owned();
            assert_eq!(
                generated.as_value(),
                &committed($stem, &title),
                "schema_for!({}) differs from schema/{}.json",
                $name,
                $stem
            );
            checked += 1;
        };
    }
    cloudpki_model::for_each_type!(check);
    assert_eq!(checked, cloudpki_model::registry::TYPES.len());
}
