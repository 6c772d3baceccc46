//! Fuzz target `scenario`: the checks of `synergai_fuzz::scenario` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::scenario(data));
