//! Generates a large `getAllCloudCertificationAuthorityLeafCertificates` page to a file, and
//! reads it back one certificate at a time with `cloudpki_model::stream`, in bounded memory, or
//! all at once (the usual way, for comparison).
//!
//! ```sh
//! cargo run --release --example stream_page -- generate 1000000 /tmp/page.json   # about 1 GB
//! cargo run --release --example stream_page -- stream /tmp/page.json
//! cargo run --release --example stream_page -- at-once /tmp/page.json
//! bash benchmarks/stream.sh   # both in turn under /usr/bin/time (wall time, peak RSS), in one table
//! ```
//!
//! `generate COUNT PATH [live|docs]` writes a page of COUNT certificates (live style by default;
//! see `benches/common/page.rs`); `stream PATH` prints how many certificates of each status the
//! page has, how many have no user, and the page's own properties. `at-once PATH` prints the same
//! after reading the whole file into memory and deserializing it with `serde_json::from_slice`
//! into a `cloudpki_model::Page<CloudCertificationAuthorityLeafCertificate>`.
#![forbid(unsafe_code)]

#[path = "../benches/common/page.rs"]
#[allow(dead_code)]
mod page;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use cloudpki_model::Page;
use cloudpki_model::stream::PageReader;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", count, path] => generate(count, path, page::Style::Live),
        ["generate", count, path, "live"] => generate(count, path, page::Style::Live),
        ["generate", count, path, "docs"] => generate(count, path, page::Style::Docs),
        ["stream", path] => read(path),
        ["at-once", path] => read_at_once(path),
        _ => Err("usage: stream_page generate COUNT PATH [live|docs] | stream PATH | at-once PATH".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stream_page: {err}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn generate(count: &str, path: &str, style: page::Style) -> Result<()> {
    let count: usize = count.parse().map_err(|err| format!("COUNT {count:?}: {err}"))?;
    let start = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    page::write_page(&mut out, style, count)?;
    out.flush()?;
    let bytes = std::fs::metadata(path)?.len();
    println!(
        "wrote {count} certificates ({} style), {bytes} bytes, to {path} in {:.2?}",
        style.name(),
        start.elapsed()
    );
    Ok(())
}

/// What both readers print: certificates per status and those without a user.
#[derive(Default)]
struct Tally {
    by_status: BTreeMap<String, usize>,
    userless: usize,
}

impl Tally {
    fn add(&mut self, certificate: &Certificate) {
        let status = certificate.certificate_status.as_ref().map_or("(absent)", |status| status.as_str());
        *self.by_status.entry(status.to_owned()).or_default() += 1;
        if certificate.user_principal_name.is_null() {
            self.userless += 1;
        }
    }

    fn print(&self, path: &str, items: usize, invalid: usize, elapsed: Duration) -> Result<()> {
        let bytes = std::fs::metadata(path)?.len();
        println!(
            "{items} certificates ({invalid} invalid) in {elapsed:.2?}, {:.0} MB/s",
            bytes as f64 / 1e6 / elapsed.as_secs_f64()
        );
        for (status, count) in &self.by_status {
            println!("  {status}: {count}");
        }
        println!("  without a user: {}", self.userless);
        Ok(())
    }
}

fn read(path: &str) -> Result<()> {
    let start = Instant::now();
    let mut page = PageReader::<_, Certificate>::new(File::open(path)?);
    let mut tally = Tally::default();
    let mut invalid = 0_usize;
    for certificate in &mut page {
        match certificate {
            Ok(certificate) => tally.add(&certificate),
            // An invalid certificate: report it and go on (fatal errors end the loop, and
            // `finish` returns them).
            Err(err) => {
                invalid += 1;
                eprintln!("{err}");
            }
        }
    }
    let info = page.finish()?;
    tally.print(path, info.items, invalid, start.elapsed())?;
    println!("@odata.count: {:?}", info.odata_count);
    println!("@odata.nextLink: {:?}", info.odata_next_link);
    Ok(())
}

/// The usual way: the whole file in memory, then the whole page deserialized (one invalid
/// certificate fails the page).
fn read_at_once(path: &str) -> Result<()> {
    let start = Instant::now();
    let text = std::fs::read(path)?;
    let page: Page<Certificate> = serde_json::from_slice(&text)?;
    let mut tally = Tally::default();
    for certificate in &page.value {
        tally.add(certificate);
    }
    tally.print(path, page.value.len(), 0, start.elapsed())?;
    println!("@odata.count: {:?}", page.odata_count);
    println!("@odata.nextLink: {:?}", page.odata_next_link);
    Ok(())
}
