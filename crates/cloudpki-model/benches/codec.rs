//! Throughput of the lossless model against a plain (lossy) serde model, `serde_json::Value` and
//! `serde::de::IgnoredAny` (parse only), on generated pages of 1,000, 10,000 and 100,000
//! certificates in both styles (live service, documentation). See BENCHMARKS.md.
//!
//! ```sh
//! cargo bench -p cloudpki-model --bench codec
//! cargo bench -p cloudpki-model --bench codec -- 'deserialize/live/.*/10000'   # a subset
//! ```
//!
//! Deserializing includes dropping the result (as a program that parses and moves on would);
//! serializing writes into a reused `Vec<u8>` with room for the output.
#![forbid(unsafe_code)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::page::{Style, page};
use common::{Ours, plain};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;

/// Page sizes, in certificates.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Criterion settings scaled to the page size, so the whole run stays within a few minutes on
/// two cores.
fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, size: usize) {
    if size >= 100_000 {
        group.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(5));
    } else {
        group.sampling_mode(SamplingMode::Auto).sample_size(20).warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
    }
}

fn deserialize(c: &mut Criterion) {
    for style in Style::ALL {
        let mut group = c.benchmark_group(format!("deserialize/{}", style.name()));
        for size in SIZES {
            let text = page(style, size);
            configure(&mut group, size);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new("ours", size), text.as_str(), |b, text| {
                b.iter(|| serde_json::from_str::<Ours>(black_box(text)).expect("valid page"));
            });
            group.bench_with_input(BenchmarkId::new("plain_serde", size), text.as_str(), |b, text| {
                b.iter(|| serde_json::from_str::<plain::Page>(black_box(text)).expect("valid page"));
            });
            group.bench_with_input(BenchmarkId::new("value", size), text.as_str(), |b, text| {
                b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(text)).expect("valid page"));
            });
            group.bench_with_input(BenchmarkId::new("ignored_any", size), text.as_str(), |b, text| {
                b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(text)).expect("valid page"));
            });
        }
        group.finish();
    }
}

/// From bytes (`from_slice`, which also validates UTF-8), on the 10,000-certificate live page.
fn deserialize_slice(c: &mut Criterion) {
    let size = 10_000;
    let bytes = page(Style::Live, size).into_bytes();
    let mut group = c.benchmark_group("deserialize_slice/live");
    configure(&mut group, size);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_with_input(BenchmarkId::new("ours", size), bytes.as_slice(), |b, bytes| {
        b.iter(|| serde_json::from_slice::<Ours>(black_box(bytes)).expect("valid page"));
    });
    group.bench_with_input(BenchmarkId::new("plain_serde", size), bytes.as_slice(), |b, bytes| {
        b.iter(|| serde_json::from_slice::<plain::Page>(black_box(bytes)).expect("valid page"));
    });
    group.bench_with_input(BenchmarkId::new("value", size), bytes.as_slice(), |b, bytes| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).expect("valid page"));
    });
    group.bench_with_input(BenchmarkId::new("ignored_any", size), bytes.as_slice(), |b, bytes| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(bytes)).expect("valid page"));
    });
    group.finish();
}

fn serialize(c: &mut Criterion) {
    for style in Style::ALL {
        let mut group = c.benchmark_group(format!("serialize/{}", style.name()));
        for size in SIZES {
            let text = page(style, size);
            let ours: Ours = serde_json::from_str(&text).expect("valid page");
            let plain: plain::Page = serde_json::from_str(&text).expect("valid page");
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid page");
            configure(&mut group, size);
            // Throughput in input bytes, so that the three are comparable (their outputs differ
            // slightly in length: the plain model drops nulls and `@odata.type`).
            group.throughput(Throughput::Bytes(text.len() as u64));
            let mut out = Vec::with_capacity(2 * text.len());
            group.bench_with_input(BenchmarkId::new("ours", size), &ours, |b, page| {
                b.iter(|| {
                    out.clear();
                    serde_json::to_writer(&mut out, black_box(page)).expect("serializes");
                    black_box(out.len())
                });
            });
            group.bench_with_input(BenchmarkId::new("plain_serde", size), &plain, |b, page| {
                b.iter(|| {
                    out.clear();
                    serde_json::to_writer(&mut out, black_box(page)).expect("serializes");
                    black_box(out.len())
                });
            });
            group.bench_with_input(BenchmarkId::new("value", size), &value, |b, page| {
                b.iter(|| {
                    out.clear();
                    serde_json::to_writer(&mut out, black_box(page)).expect("serializes");
                    black_box(out.len())
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, deserialize, deserialize_slice, serialize);
criterion_main!(benches);
