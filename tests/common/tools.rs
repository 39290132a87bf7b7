//! Debian tools some tests check their output with (nft, iptables-restore, sqlite3). `.ci/run`
//! installs them and sets PORTOLAN_REQUIRE_TOOLS=1: there a missing tool fails the test;
//! elsewhere the check says SKIPPED and the rest of the test runs.

/// Whether every one of `tools` is on PATH; `apt` names the Debian packages that bring them and
/// `what` the check that needs them (for the SKIPPED line).
pub fn available(tools: &[&str], apt: &str, what: &str) -> bool {
    let found = tools.iter().all(|t| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !found {
        assert!(
            std::env::var_os("PORTOLAN_REQUIRE_TOOLS").is_none(),
            "{} missing (apt-get install {apt})",
            tools.join(" or ")
        );
        eprintln!(
            "SKIPPED: {} not installed; {what} did not run",
            tools.join(" or ")
        );
    }
    found
}
