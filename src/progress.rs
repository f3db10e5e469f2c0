//! The progress bar of a long build, on a terminal only. It stays out of sight for builds that
//! finish in a moment, and says nothing when stderr is piped or redirected (indicatif hides
//! itself there), so logs and `--format json` are never mixed with it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before the bar appears.
const QUIET_FOR: Duration = Duration::from_millis(400);

/// A handle passed down the pipeline; the default does nothing.
#[derive(Clone, Debug, Default)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar on stderr, when stderr is a terminal.
    pub fn terminal() -> Progress {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return Progress::default();
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg:8} [{bar:32}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Progress(Some(bar))
    }

    /// Starts a stage of `total` steps.
    pub fn stage(&self, label: &'static str, total: usize) {
        if let Some(bar) = &self.0 {
            bar.set_message(label);
            bar.set_length(total as u64);
            bar.set_position(0);
            self.show_if_slow(bar);
        }
    }

    /// One or more steps of the stage done.
    pub fn inc(&self, steps: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(steps as u64);
            self.show_if_slow(bar);
        }
    }

    fn show_if_slow(&self, bar: &ProgressBar) {
        if bar.is_hidden() && bar.elapsed() >= QUIET_FOR {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar, leaving the terminal as it was for the summary lines.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Prints how long a stage took when `GONGKAI_TIMINGS` is set (for profiling).
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("GONGKAI_TIMINGS").is_some() {
        eprintln!(
            "[timing] {stage}: {} ms (process CPU so far: {} ms)",
            since.elapsed().as_millis(),
            process_cpu_ms()
        );
    }
}

/// CPU time of the whole process so far (every thread, user and system), in milliseconds: with
/// the wall time of a stage, it shows how busy the cores were.
fn process_cpu_ms() -> u128 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } != 0 {
        return 0;
    }
    t.tv_sec as u128 * 1000 + t.tv_nsec as u128 / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_terminal_nothing_is_drawn() {
        // Tests run with stderr captured or piped: the bar is off.
        let p = Progress::terminal();
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            assert!(p.0.is_none());
        }
        p.stage("生成页面", 10);
        p.inc(3);
        p.finish();
    }

    #[test]
    fn a_bar_counts_the_steps_of_each_stage() {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        let p = Progress(Some(bar.clone()));
        p.stage("读取", 5);
        p.inc(2);
        p.inc(1);
        assert_eq!((bar.position(), bar.length()), (3, Some(5)));
        p.stage("生成页面", 100);
        assert_eq!((bar.position(), bar.length()), (0, Some(100)));
        p.finish();
        assert!(bar.is_finished());
    }
}
