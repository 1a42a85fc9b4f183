#![no_main]
#![forbid(unsafe_code)]
//! `cloudpki_model::stream`: no panic or endless iterator on any bytes; agrees with
//! `serde_json::from_slice` of the whole page, and with itself when fed one byte at a time.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudpki_model_fuzz::check_stream(data);
});
