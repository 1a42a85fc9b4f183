#![no_main]
#![forbid(unsafe_code)]
//! `RevokeLeafCertificateRequest`: no panic on any bytes; accepted payloads round-trip losslessly.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudpki_model_fuzz::check::<cloudpki_model::RevokeLeafCertificateRequest>(data);
});
