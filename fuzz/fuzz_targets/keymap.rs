//! Fuzz target `keymap`: the checks of `synergai_fuzz::keymap` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::keymap(data));
