//! `synergai fixture validate|generate|import-trace`.

use super::FixtureCommand;
use crate::error::Result;
use crate::fixture::{self, Origin, ValidatedKind};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of nodes.
    #[arg(long, default_value_t = 20)]
    pub nodes: u32,
    /// Number of jobs.
    #[arg(long, default_value_t = 1000)]
    pub jobs: u64,
    /// Seed of everything random.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Offered load as a fraction of the cluster's capacity for the mix.
    #[arg(long, default_value_t = 0.85)]
    pub load: f64,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportTraceArgs {
    /// The trace CSV.
    pub csv: PathBuf,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: FixtureCommand) -> Result<()> {
    match cmd {
        FixtureCommand::Validate { files } => {
            for file in files {
                let origin = Origin::File(file.clone());
                let summary = match fixture::validate_text(&origin)? {
                    ValidatedKind::Profile(p) => format!(
                        "Profile `{}`: {} architectures, {} models, {} rows",
                        p.name,
                        p.archs.len(),
                        p.models.len(),
                        p.rows.len()
                    ),
                    ValidatedKind::Scenario(s) => format!(
                        "Scenario `{}`: {} nodes, {} jobs, profile `{}`",
                        s.name,
                        s.nodes.len(),
                        s.jobs.len(),
                        s.profile.name
                    ),
                    ValidatedKind::Overrides(n) => format!("Overrides: {n} pin(s)"),
                };
                super::output::write_stdout(&format!("{}: ok ({summary})", file.display()))?;
            }
            Ok(())
        }
        FixtureCommand::Generate(_) | FixtureCommand::ImportTrace(_) => {
            Err(crate::Error::Usage("not implemented yet".into()))
        }
    }
}
