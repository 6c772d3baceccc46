//! Fuzz target `pod`: the checks of `synergai_fuzz::pod` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::pod(data));
