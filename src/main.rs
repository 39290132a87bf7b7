//! The `portolan` command line: a thin shell over the library.

mod cli;

/// mimalloc: the PDF reader allocates and frees many small objects per page (operands, glyphs,
/// lines), a sixth of a worker's time under glibc malloc. Workers run under an address-space
/// limit, so they are started with small mimalloc arenas ([`portolan::isolate::WORKER_ARENA_RESERVE`]).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // no transparent huge pages for this process and the workers it starts (the setting is
    // inherited): mimalloc's arenas are huge-page aligned, and the kernel then zeroes 2 MiB at
    // every first touch, which doubled the peak memory and cost a fifth of a run's time
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    std::process::exit(cli::run());
}
