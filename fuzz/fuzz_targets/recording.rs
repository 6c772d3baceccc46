//! Fuzz target `recording`: the checks of `synergai_fuzz::recording` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::recording(data));
