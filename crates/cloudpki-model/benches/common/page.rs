//! Generated `getAllCloudCertificationAuthorityLeafCertificates` pages for the benchmarks, the
//! streaming example and its tests: deterministic, realistic certificates, written compactly (as
//! the service sends them) to any `Write`, so a page of a million certificates never needs to be
//! in memory.

use std::io::{self, Write};

/// How the certificates of a page are spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// As the live service sends them: `Z` date-times without fractions, `null` for
    /// `devicePlatform`, `revocationDateTime` (unless revoked) and, for userless devices,
    /// `userPrincipalName` and `userId`; an empty `ocspResponderUri`; key usages as a
    /// JSON-encoded array inside a one-element array; `certificationAuthorityVersionNumber`.
    Live,
    /// As the documentation shows them: every property set, 7-digit fractions with a `-08:00`
    /// offset (`2016-12-31T23:59:36.3292251-08:00`), plain key-usage strings, no
    /// `certificationAuthorityVersionNumber`.
    Docs,
}

impl Style {
    /// Both styles, live first.
    pub const ALL: [Style; 2] = [Style::Live, Style::Docs];

    /// `live` or `docs`.
    pub fn name(self) -> &'static str {
        match self {
            Style::Live => "live",
            Style::Docs => "docs",
        }
    }
}

/// The issuing CA of every generated certificate.
const ISSUER_ID: &str = "3e1b4f0a-5c6d-4e7f-8a9b-0c1d2e3f4a5b";

/// A page of `count` certificates, as a string.
pub fn page(style: Style, count: usize) -> String {
    let mut out = Vec::with_capacity(count * 1100 + 512);
    write_page(&mut out, style, count).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("generated pages are ASCII")
}

/// Writes a page of `count` certificates to `out`: `@odata.context` and `@odata.count` before
/// `value`, and (live style) `@odata.nextLink` after it.
pub fn write_page<W: Write>(out: &mut W, style: Style, count: usize) -> io::Result<()> {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    match style {
        Style::Live => write!(
            out,
            "{{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudCertificationAuthorityLeafCertificate)\",\"@odata.count\":{count},\"value\":["
        )?,
        Style::Docs => out.write_all(b"{\"value\":[")?,
    }
    for index in 0..count {
        if index > 0 {
            out.write_all(b",")?;
        }
        write_certificate(out, style, index, &mut rng)?;
    }
    out.write_all(b"]")?;
    if style == Style::Live {
        write!(
            out,
            ",\"@odata.nextLink\":\"https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority/{ISSUER_ID}/getAllCloudCertificationAuthorityLeafCertificates?$skiptoken=RFNwdAIAAQAAAB{count}\""
        )?;
    }
    out.write_all(b"}")
}

/// Writes one certificate object.
fn write_certificate<W: Write>(out: &mut W, style: Style, index: usize, rng: &mut Rng) -> io::Result<()> {
    let roll = rng.below(100);
    let status = match roll {
        0..80 => "active",
        80..90 => "revoked",
        _ => "expired",
    };
    let userless = rng.below(5) == 0;
    // Validity starts somewhere in 2026 (live) or 2016 (docs), for one year.
    let year_start = match style {
        Style::Live => 1_767_225_600_i64, // 2026-01-01T00:00:00Z
        Style::Docs => 1_451_606_400_i64, // 2016-01-01T00:00:00Z
    };
    let start = year_start + rng.below(365 * 86_400) as i64;
    let end = start + 365 * 86_400;
    let revoked = start + rng.below(200 * 86_400) as i64;
    let fractions = [rng.below(10_000_000), rng.below(10_000_000), rng.below(10_000_000)];
    let date = |seconds: i64, fraction: u64| match style {
        Style::Live => date_time_z(seconds),
        Style::Docs => date_time_7_digits_minus_8(seconds, fraction),
    };

    out.write_all(b"{\"@odata.type\":\"#microsoft.graph.cloudCertificationAuthorityLeafCertificate\",\"id\":\"")?;
    write_guid(out, rng)?;
    let user = format!("user{index}@contoso.com");
    let device = format!("DESKTOP-{:05X}", rng.below(0x10_0000));
    let subject = if userless { &device } else { &user };
    write!(
        out,
        "\",\"subjectName\":\"CN={subject}\",\"issuerId\":\"{ISSUER_ID}\",\"issuerName\":\"Contoso Issuing CA\",\"certificateStatus\":\"{status}\""
    )?;
    write!(out, ",\"validityStartDateTime\":\"{}\"", date(start, fractions[0]))?;
    write!(out, ",\"validityEndDateTime\":\"{}\"", date(end, fractions[1]))?;
    out.write_all(b",\"crlDistributionPointUrl\":\"http://primary-cdp.manage.microsoft.com/cloudpki/crl/3e1b4f0a.crl\",\"certificationAuthorityIssuerUri\":\"http://primary-cdp.manage.microsoft.com/cloudpki/aia/3e1b4f0a.crt\"")?;
    match style {
        Style::Live => out.write_all(b",\"ocspResponderUri\":\"\"")?,
        Style::Docs => out.write_all(b",\"ocspResponderUri\":\"http://ocsp.contoso.com/\"")?,
    }
    out.write_all(b",\"thumbprint\":\"")?;
    write_hex(out, rng, 40)?;
    out.write_all(b"\",\"serialNumber\":\"")?;
    write_hex(out, rng, 38)?;
    out.write_all(b"\",\"revocationDateTime\":")?;
    if status == "revoked" {
        write!(out, "\"{}\"", date(revoked, fractions[2]))?;
    } else {
        out.write_all(b"null")?;
    }
    write!(out, ",\"deviceName\":\"{device}\"")?;
    if userless && style == Style::Live {
        out.write_all(b",\"userPrincipalName\":null")?;
    } else {
        write!(out, ",\"userPrincipalName\":\"{user}\"")?;
    }
    out.write_all(b",\"deviceId\":\"")?;
    write_guid(out, rng)?;
    out.write_all(b"\",\"userId\":")?;
    if userless && style == Style::Live {
        out.write_all(b"null")?;
    } else {
        out.write_all(b"\"")?;
        write_guid(out, rng)?;
        out.write_all(b"\"")?;
    }
    match style {
        Style::Live => out.write_all(
            b",\"devicePlatform\":null,\"keyUsages\":[\"[\\\"KeyEncipherment\\\",\\\"DigitalSignature\\\"]\"],\"extendedKeyUsages\":[\"[\\\"1.3.6.1.5.5.7.3.2\\\"]\"],\"certificationAuthorityVersionNumber\":1}",
        ),
        Style::Docs => out.write_all(
            b",\"devicePlatform\":\"Windows10AndLater\",\"keyUsages\":[\"Key Encipherment\",\"Digital Signature\"],\"extendedKeyUsages\":[\"1.3.6.1.5.5.7.3.2\"]}",
        ),
    }
}

/// `2026-07-20T13:52:25Z`.
pub(crate) fn date_time_z(seconds: i64) -> String {
    let (date, time) = civil(seconds);
    format!("{date}T{time}Z")
}

/// `2016-12-31T23:59:36.3292251-08:00`: the local time at `-08:00` of the UTC instant.
fn date_time_7_digits_minus_8(seconds: i64, fraction: u64) -> String {
    let (date, time) = civil(seconds - 8 * 3600);
    format!("{date}T{time}.{fraction:07}-08:00")
}

/// `YYYY-MM-DD` and `HH:MM:SS` of a Unix time (proleptic Gregorian, days from civil).
fn civil(seconds: i64) -> (String, String) {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!("{:02}:{:02}:{:02}", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60),
    )
}

/// A 36-character lowercase GUID.
pub(crate) fn write_guid<W: Write>(out: &mut W, rng: &mut Rng) -> io::Result<()> {
    let a = rng.next();
    let b = rng.next();
    write!(
        out,
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | ((b >> 48) & 0x3FFF),
        b & 0xFFFF_FFFF_FFFF
    )
}

/// `len` uppercase hexadecimal digits.
pub(crate) fn write_hex<W: Write>(out: &mut W, rng: &mut Rng, len: usize) -> io::Result<()> {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut text = Vec::with_capacity(len);
    while text.len() < len {
        let mut bits = rng.next();
        for _ in 0..16 {
            if text.len() == len {
                break;
            }
            text.push(DIGITS[(bits & 0xF) as usize]);
            bits >>= 4;
        }
    }
    out.write_all(&text)
}

/// SplitMix64: small, fast, deterministic.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}
