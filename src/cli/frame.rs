//! `i2v frame`: one frame of a job's downloaded video, as a PNG.

use std::process::ExitCode;

use i2v_store::Store;

use super::args::FrameArgs;
use super::output::print_line;

pub fn frame(store: &Store, args: FrameArgs) -> anyhow::Result<ExitCode> {
    let record = store.find(&args.id)?;
    let path = crate::frames::save_frame(store, &record, args.at, args.output)?;
    print_line(path.display());
    Ok(ExitCode::SUCCESS)
}
