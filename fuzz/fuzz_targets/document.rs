//! Fuzz target: see `fuzz/invariants.rs` for what it asserts.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| invariants::document(bytes));
