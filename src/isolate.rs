//! Crash and hang isolation for decoders that can take a process down.
//!
//! pdf-extract panics by policy on malformed files, and hostile PDFs (deep nesting,
//! decompression bombs) can overflow the stack or exhaust memory, which no `catch_unwind`
//! stops. So PDFs are processed by a pool of worker processes (the same binary, `portolan
//! worker`), each with an address-space limit, and every request has a time limit (wall clock,
//! kept by the parent) and a CPU-time limit (RLIMIT_CPU, kept by the kernel even when the
//! parent cannot). A worker that crashes, aborts or runs out of time costs one document, which
//! gets a clear error; the pool starts a new worker for the next one. Workers are reused, so
//! the cost of isolation is one process start per worker, not per document. Workers end when
//! portolan does ([`watch_parent`]), and the run's memory budget bounds how many run at once
//! and how much each may take ([`plan_memory`]).

use crate::discover::Input;
use crate::error::DocError;
use crate::record::PortRecord;
use crate::DocReport;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Limits for one document in a worker.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    /// CPU time one document may use in its worker, all its threads together, in seconds
    /// (0: none).
    pub cpu_seconds: u64,
    /// Address-space limit of a worker process, in MiB (0: none).
    pub memory_mib: u64,
    /// How many workers may run at once.
    pub workers: usize,
    /// Threads a worker uses for the pages of one document (None: one per core).
    pub threads: Option<usize>,
}

/// Wall-clock limit of one PDF.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 120;
/// CPU-time limit of one PDF: twice its wall-clock limit, as a worker lays out pages on more
/// than one thread.
pub const DEFAULT_CPU_SECONDS: u64 = 2 * DEFAULT_TIMEOUT_SECONDS;
/// Address-space limit of one worker.
pub const DEFAULT_WORKER_MIB: u64 = 4096;
/// The least address space a worker is given when the run's budget is shared out: below it a
/// large PDF fails for want of memory, so fewer workers run instead.
pub const WORKER_FLOOR_MIB: u64 = 1024;
/// The address space mimalloc reserves at a time in a worker (`MIMALLOC_ARENA_RESERVE`): its
/// default, 1 GiB at the first allocation, would take a worker's whole address-space limit
/// before any page is read.
pub const WORKER_ARENA_RESERVE: &str = "8MiB";

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            cpu_seconds: DEFAULT_CPU_SECONDS,
            memory_mib: DEFAULT_WORKER_MIB,
            workers: usize::MAX,
            threads: None,
        }
    }
}

/// How `wanted` workers of `per_worker` MiB each share a run's memory budget of `budget` MiB:
/// each gets `per_worker`, or an equal share of the budget when the sum would pass it, but not
/// less than [`WORKER_FLOOR_MIB`] (or `per_worker`, or the whole budget, if smaller); and only
/// as many run at once as the budget holds (one at least). Returns (workers, MiB each). Address space is more
/// than the memory a worker touches, so the sum is a bound the run never passes.
pub fn plan_memory(wanted: usize, per_worker: u64, budget: u64) -> (usize, u64) {
    let wanted = wanted.max(1);
    if per_worker == 0 || budget == 0 {
        return (wanted, per_worker);
    }
    let share = (budget / wanted as u64).max(WORKER_FLOOR_MIB.min(per_worker));
    let each = per_worker.min(share).min(budget);
    let fit = ((budget / each) as usize).clamp(1, wanted);
    (fit, each)
}

/// The machine's memory in MiB (MemTotal; 0 when unknown).
pub fn machine_mib() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/meminfo") else {
        return 0;
    };
    s.lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

#[derive(Serialize, Deserialize)]
struct Request {
    document: String,
    path: PathBuf,
    /// CPU seconds this document may use (0: no limit).
    #[serde(default)]
    cpu_seconds: u64,
}

#[derive(Serialize, Deserialize)]
struct Response {
    records: Vec<PortRecord>,
    /// Each record's table position, which records do not serialize (it orders them).
    table_indexes: Vec<u32>,
    report: DocReport,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr_tail: Arc<Mutex<String>>,
}

/// A pool of worker processes running `program args...`.
pub struct Pool {
    program: PathBuf,
    args: Vec<String>,
    limits: Limits,
    idle: Mutex<Vec<Worker>>,
    /// Requests in progress, at most `limits.workers`; so are the workers alive.
    busy: Mutex<usize>,
    freed: Condvar,
}

/// A place among the workers that may run at once, given back when dropped.
struct Slot<'a>(&'a Pool);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Ok(mut n) = self.0.busy.lock() {
            *n -= 1;
        }
        self.0.freed.notify_one();
    }
}

impl Pool {
    /// A pool of workers started as `program args... --memory-mib N` on demand.
    pub fn new(program: PathBuf, args: Vec<String>, limits: Limits) -> Pool {
        Pool {
            program,
            args,
            limits,
            idle: Mutex::new(Vec::new()),
            busy: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// The limits the pool's workers run with.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Waits for a place among the workers that may run at once.
    fn slot(&self) -> Slot<'_> {
        let mut n = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= self.limits.workers.max(1) {
            n = self.freed.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        Slot(self)
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .arg("--memory-mib")
            .arg(self.limits.memory_mib.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "0")
            .env("MIMALLOC_ARENA_RESERVE", WORKER_ARENA_RESERVE);
        if let Some(n) = self.limits.threads {
            // rayon's global pool in the worker reads this
            command.env("RAYON_NUM_THREADS", n.max(1).to_string());
        }
        let mut child = command.spawn()?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let tail = Arc::new(Mutex::new(String::new()));
        let t2 = Arc::clone(&tail);
        std::thread::spawn(move || {
            // what explains a crash: an allocation failure, a stack overflow or a panic (with
            // its message, the line after "panicked at") beats whatever was printed after it
            let telling = ["memory allocation", "overflowed its stack", "panicked at"];
            let is_telling = |s: &str| telling.iter().any(|k| s.contains(k));
            let mut message_follows = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.trim().is_empty() {
                    continue;
                }
                let line: String = line.chars().take(300).collect();
                if let Ok(mut t) = t2.lock() {
                    if message_follows {
                        t.push(' ');
                        t.push_str(&line);
                        message_follows = false;
                    } else if !is_telling(&t) || is_telling(&line) {
                        message_follows = line.contains("panicked at");
                        *t = line;
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            lines: rx,
            stderr_tail: tail,
        })
    }

    /// Processes one document in a worker. Never fails: a worker that dies or hangs becomes
    /// this document's error.
    pub fn process(&self, input: &Input, format: &str) -> (Vec<PortRecord>, DocReport) {
        let fail = |msg: String| {
            let report = DocReport {
                document: input.document.clone(),
                path: input.path.to_string_lossy().replace('\\', "/"),
                format: format.to_string(),
                error: Some(DocError::Worker(msg).to_string()),
                ..Default::default()
            };
            (Vec::new(), report)
        };
        let _slot = self.slot();
        let reused = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut worker = match reused {
            Some(w) => w,
            None => match self.spawn() {
                Ok(w) => w,
                Err(e) => return fail(format!("cannot start a worker process: {e}")),
            },
        };
        let req = Request {
            document: input.document.clone(),
            path: input.path.clone(),
            cpu_seconds: self.limits.cpu_seconds,
        };
        let line = serde_json::to_string(&req).expect("a request serializes");
        if writeln!(worker.stdin, "{line}")
            .and_then(|_| worker.stdin.flush())
            .is_err()
        {
            return fail(self.death(worker));
        }
        match worker.lines.recv_timeout(self.limits.timeout) {
            Ok(line) => match serde_json::from_str::<Response>(&line) {
                Ok(mut r) => {
                    if let Ok(mut v) = self.idle.lock() {
                        v.push(worker);
                    }
                    for (rec, i) in r.records.iter_mut().zip(&r.table_indexes) {
                        rec.table_index = *i;
                    }
                    (r.records, r.report)
                }
                Err(e) => {
                    let _ = worker.child.kill();
                    let _ = worker.child.wait();
                    fail(format!("the worker answered garbage: {e}"))
                }
            },
            Err(RecvTimeoutError::Timeout) => {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                fail(format!(
                    "no result after {} s (time limit); the worker was stopped",
                    self.limits.timeout.as_secs()
                ))
            }
            Err(RecvTimeoutError::Disconnected) => fail(self.death(worker)),
        }
    }

    /// The sum of the peak resident memory (VmHWM, KiB) of the live workers (Linux; 0 elsewhere).
    pub fn peak_worker_kib(&self) -> u64 {
        let Ok(v) = self.idle.lock() else { return 0 };
        v.iter()
            .filter_map(|w| {
                let s = std::fs::read_to_string(format!("/proc/{}/status", w.child.id())).ok()?;
                let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .sum()
    }

    /// Why a worker died: its exit status or signal, and the last thing it printed.
    fn death(&self, mut w: Worker) -> String {
        let status = w.child.wait();
        let signal = status.as_ref().ok().and_then(|s| signal_of(*s));
        // the stderr reader may still be draining
        std::thread::sleep(Duration::from_millis(20));
        let tail = w.stderr_tail.lock().map(|t| t.clone()).unwrap_or_default();
        let how = match status {
            Ok(s) => describe_exit(s),
            Err(e) => format!("unknown exit ({e})"),
        };
        let mut msg = format!("the worker process {how}");
        if signal == Some(libc::SIGXCPU) {
            msg.push_str(&format!(
                " (CPU time limit of {} s reached)",
                self.limits.cpu_seconds
            ));
        }
        // "memory allocation of N bytes failed" (the allocator), "Cannot allocate memory"
        // (a thread or mapping the kernel refused)
        let out_of_memory = ["memory allocation", "Cannot allocate memory"]
            .iter()
            .any(|m| tail.contains(m));
        if self.limits.memory_mib > 0 && out_of_memory {
            msg.push_str(&format!(
                " (memory limit of {} MiB reached)",
                self.limits.memory_mib
            ));
        }
        if !tail.is_empty() {
            msg.push_str(&format!(": {tail}"));
        }
        msg
    }
}

#[cfg(unix)]
fn describe_exit(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (_, Some(sig)) => {
            let name = match sig {
                libc::SIGABRT => "SIGABRT",
                libc::SIGKILL => "SIGKILL",
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGBUS => "SIGBUS",
                libc::SIGXCPU => "SIGXCPU",
                _ => "",
            };
            format!("was killed by signal {sig} {name}")
                .trim_end()
                .to_string()
        }
        (Some(c), _) => format!("exited with code {c}"),
        _ => "ended".into(),
    }
}

#[cfg(unix)]
fn signal_of(s: std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    s.signal()
}

#[cfg(not(unix))]
fn signal_of(_: std::process::ExitStatus) -> Option<i32> {
    None
}

#[cfg(not(unix))]
fn describe_exit(s: std::process::ExitStatus) -> String {
    format!("ended with {s}")
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Ok(mut v) = self.idle.lock() {
            for mut w in v.drain(..) {
                // closing stdin ends the worker's loop
                drop(w.stdin);
                let _ = w.child.wait();
            }
        }
    }
}

/// Sets this process's address-space limit (the worker side).
pub fn limit_memory(mib: u64) {
    #[cfg(unix)]
    if mib > 0 {
        let bytes = mib.saturating_mul(1024 * 1024) as libc::rlim_t;
        let lim = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: bytes,
        };
        // SAFETY: setrlimit only reads the struct we pass.
        unsafe {
            libc::setrlimit(libc::RLIMIT_AS, &lim);
        }
    }
}

/// Lets this process use `seconds` more CPU time (all threads together) from now on: past it
/// the kernel sends SIGXCPU, which ends the process. Only the soft limit is set, so the next
/// request may move it again (0: no limit).
fn limit_cpu(seconds: u64) {
    #[cfg(unix)]
    {
        // SAFETY: getrusage and setrlimit only write and read the structs we pass
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return;
        }
        let used = usage.ru_utime.tv_sec as u64 + usage.ru_stime.tv_sec as u64 + 1;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if unsafe { libc::getrlimit(libc::RLIMIT_CPU, &mut lim) } != 0 {
            return;
        }
        lim.rlim_cur = if seconds == 0 {
            lim.rlim_max
        } else {
            (used + seconds).min(lim.rlim_max)
        };
        unsafe {
            libc::setrlimit(libc::RLIMIT_CPU, &lim);
        }
    }
    #[cfg(not(unix))]
    let _ = seconds;
}

/// How often a worker checks that portolan, its parent, is still alive.
const PARENT_CHECK: Duration = Duration::from_millis(100);

/// Ties this worker to its parent: a thread that ends the process as soon as the parent is gone
/// (killed with SIGKILL or SIGTERM, its stdin pipe then never closes while a document is being
/// read). The parent's death makes the worker a child of init, which changes `getppid()`.
pub fn watch_parent() {
    #[cfg(unix)]
    {
        // SAFETY: getppid has no preconditions
        let parent = unsafe { libc::getppid() };
        // started before the memory limit is set, with a small stack; a worker that cannot
        // start it still works (the parent's timeout then stops it)
        let _ = std::thread::Builder::new()
            .name("parent-watch".into())
            .stack_size(64 * 1024)
            .spawn(move || loop {
                std::thread::sleep(PARENT_CHECK);
                // SAFETY: as above; _exit ends the process without running destructors
                if unsafe { libc::getppid() } != parent {
                    unsafe { libc::_exit(3) };
                }
            });
    }
}

/// The worker loop: one JSON request per line on stdin, one JSON response per line on stdout,
/// until stdin closes.
pub fn serve() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let req: Request = serde_json::from_str(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        limit_cpu(req.cpu_seconds);
        let input = Input {
            document: req.document,
            path: req.path,
        };
        let (records, report) = crate::process(&input);
        let table_indexes = records.iter().map(|r| r.table_index).collect();
        let resp = serde_json::to_string(&Response {
            records,
            table_indexes,
            report,
        })
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        writeln!(out, "{resp}")?;
        out.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_shared_then_fewer_workers_run() {
        // the budget holds them all: each keeps its limit
        assert_eq!(plan_memory(2, 4096, 18_000), (2, 4096));
        // equal shares, above the floor
        assert_eq!(plan_memory(8, 4096, 12_000), (8, 1500));
        // shares would be below the floor: fewer workers of the floor each
        assert_eq!(plan_memory(64, 4096, 12_000), (11, WORKER_FLOOR_MIB));
        // a budget smaller than one worker still runs one
        assert_eq!(plan_memory(4, 4096, 512), (1, 512));
        // a worker limit below the floor is kept
        assert_eq!(plan_memory(4, 512, 1024), (2, 512));
        // no limit, or no budget known: as asked
        assert_eq!(plan_memory(4, 0, 1024), (4, 0));
        assert_eq!(plan_memory(4, 4096, 0), (4, 4096));
    }
}
