//! Fuzz target `theme`: the checks of `synergai_fuzz::theme` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::theme(data));
