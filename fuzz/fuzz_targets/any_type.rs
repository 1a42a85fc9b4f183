#![no_main]
#![forbid(unsafe_code)]
//! Every public type of the registry: the first byte picks the type (its index in
//! `cloudpki_model::registry::TYPES`, modulo their number), the rest is the payload. No panic on
//! any bytes; a rejected payload gets a short error naming its JSON path; an accepted one
//! round-trips losslessly.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudpki_model_fuzz::check_any(data);
});
