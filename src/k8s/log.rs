//! Minimal logging to stderr with a timestamp (the scheduler runs headless).

pub fn info(line: &str) {
    eprintln!("{} synergai-scheduler: {line}", stamp());
}

pub fn warn(line: &str) {
    eprintln!("{} synergai-scheduler: warning: {line}", stamp());
}

fn stamp() -> String {
    k8s_openapi::jiff::Timestamp::now()
        .round(k8s_openapi::jiff::Unit::Millisecond)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
