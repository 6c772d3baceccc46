//! Fuzz target `arch_mapping`: the checks of `synergai_fuzz::arch_mapping` on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synergai_fuzz::arch_mapping(data));
