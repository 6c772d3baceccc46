//! Fuzz target `profile`: the checks of `synergai_fuzz::profile` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::profile(data));
