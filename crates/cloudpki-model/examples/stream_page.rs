//! Generates a large `getAllCloudCertificationAuthorityLeafCertificates` page to a file, and
//! reads it back one certificate at a time with `cloudpki_model::stream`, in bounded memory.
//!
//! ```sh
//! cargo run --release --example stream_page -- generate 1000000 /tmp/page.json   # about 1 GB
//! cargo run --release --example stream_page -- stream /tmp/page.json
//! /usr/bin/time -v target/release/examples/stream_page stream /tmp/page.json      # peak RSS
//! ```
//!
//! `generate COUNT PATH [live|docs]` writes a page of COUNT certificates (live style by default;
//! see `benches/common/page.rs`); `stream PATH` prints how many certificates of each status the
//! page has, how many have no user, and the page's own properties.
#![forbid(unsafe_code)]

#[path = "../benches/common/page.rs"]
#[allow(dead_code)]
mod page;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

use cloudpki_model::CloudCertificationAuthorityLeafCertificate as Certificate;
use cloudpki_model::stream::PageReader;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", count, path] => generate(count, path, page::Style::Live),
        ["generate", count, path, "live"] => generate(count, path, page::Style::Live),
        ["generate", count, path, "docs"] => generate(count, path, page::Style::Docs),
        ["stream", path] => read(path),
        _ => Err("usage: stream_page generate COUNT PATH [live|docs] | stream PATH".into()),
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

fn read(path: &str) -> Result<()> {
    let start = Instant::now();
    let mut page = PageReader::<_, Certificate>::new(File::open(path)?);
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut userless = 0_usize;
    let mut invalid = 0_usize;
    for certificate in &mut page {
        match certificate {
            Ok(certificate) => {
                let status = certificate.certificate_status.as_ref().map_or("(absent)", |status| status.as_str());
                *by_status.entry(status.to_owned()).or_default() += 1;
                if certificate.user_principal_name.is_null() {
                    userless += 1;
                }
            }
            // An invalid certificate: report it and go on (fatal errors end the loop, and
            // `finish` returns them).
            Err(err) => {
                invalid += 1;
                eprintln!("{err}");
            }
        }
    }
    let info = page.finish()?;
    let elapsed = start.elapsed();
    let bytes = std::fs::metadata(path)?.len();
    println!(
        "{} certificates ({invalid} invalid) in {elapsed:.2?}, {:.0} MB/s",
        info.items,
        bytes as f64 / 1e6 / elapsed.as_secs_f64()
    );
    for (status, count) in &by_status {
        println!("  {status}: {count}");
    }
    println!("  without a user: {userless}");
    println!("@odata.count: {:?}", info.odata_count);
    println!("@odata.nextLink: {:?}", info.odata_next_link);
    Ok(())
}
